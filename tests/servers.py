"""Real servers started by tests on 127.0.0.1: gunicorn with the production settings,
the task worker, Redis, an SMTP sink, a stand-in HTTP service. Each is stopped when its
``with`` block ends."""

import contextlib
import email
import email.message
import email.policy
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-" + "k" * 60,
    "ALLOWED_HOSTS": "127.0.0.1",
    # These servers speak plain HTTP on the loopback, with no TLS proxy in front.
    "SECURE_SSL_REDIRECT": "0",
}


def environment(**env: str) -> dict[str, str]:
    """This process's environment without what only the test process needs (conftest's
    DJANGO_ALLOW_ASYNC_UNSAFE, which the deployment checks refuse), plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**base, **env}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str | None = None) -> str:
    """The URL of the database the tests use (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name or db['NAME']}"


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our interpreter, our manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment(**env),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def gunicorn(*, static_root: Path, access_log: Path, error_log: Path | None = None, **env: str):
    """gunicorn with gunicorn.conf.py and production settings; yields its port.
    Its standard error (gunicorn's error log and the app's own logging) goes to
    ``error_log`` when given."""
    port = free_port()
    variables = production_environment(
        STATIC_ROOT=str(static_root),
        BIND=f"127.0.0.1:{port}",
        ACCESS_LOG=str(access_log),
        **{"WEB_CONCURRENCY": "2", **env},
    )
    with _process(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], variables, error_log
    ) as process:
        wait_for_port(port, process)
        yield port


def production_environment(**env: str) -> dict[str, str]:
    """The environment of the app's processes in production, on the tests' database."""
    return environment(**{**PRODUCTION_ENV, "DATABASE_URL": database_url(), **env})


@contextlib.contextmanager
def _process(command: list[str], variables: dict[str, str], log: Path | None):
    """A process of the project, its output in ``log`` (else dropped); stopped on exit."""
    stderr = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 (our interpreter, our code)
        command,
        cwd=BASE_DIR,
        env=variables,
        stdout=stderr,
        stderr=stderr,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            stderr.close()


# django-tasks-db's worker: it runs the tasks the app enqueues (emails), as in production
# beside gunicorn (README, "Deployment").
TASK_WORKER_COMMAND = ("db_worker",)


@contextlib.contextmanager
def task_worker(*, log: Path | None = None, **env: str):
    """The task worker with the production settings (``env`` added), as gunicorn's
    ``production_environment``; its output goes to ``log`` when given. Yields the process."""
    with _process(
        [sys.executable, "manage.py", *TASK_WORKER_COMMAND], production_environment(**env), log
    ) as process:
        yield process


class SmtpSink:
    """An SMTP server on the loopback (aiosmtpd, in a thread of this process) that keeps
    every message it is given in ``messages`` (each with the envelope's recipients in
    ``rcpt_tos``), across a ``stop()`` and a ``start()`` on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.rcpt_tos = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def wait_for(self, recipient: str, *, timeout: float = 20) -> email.message.EmailMessage:
        """The first message to ``recipient``, once it has arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if recipient in message.get("To", ""):
                    return message
            time.sleep(0.1)
        raise TimeoutError(f"no message to {recipient} within {timeout} s")


@contextlib.contextmanager
def smtp_sink(port: int | None = None):
    """An ``SmtpSink`` (on ``port`` if given), started; stopped when the block ends."""
    sink = SmtpSink(port)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@contextlib.contextmanager
def stand_in(handler):
    """An HTTP server answering with ``handler`` (a ``BaseHTTPRequestHandler``) in a
    thread of this process, for services the app or the bench talk to; yields its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def get(port: int, path: str, headers: dict[str, str] | None = None):
    """One GET to the server; returns (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
