"""Real servers started by tests on 127.0.0.1: gunicorn with the production settings,
Redis, a stand-in HTTP service. Each is stopped when its ``with`` block ends."""

import contextlib
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
    variables = environment(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url(),
            "STATIC_ROOT": str(static_root),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "ACCESS_LOG": str(access_log),
            **env,
        }
    )
    stderr = open(error_log, "wb") if error_log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if error_log:
            stderr.close()


@contextlib.contextmanager
def redis_server(directory: Path):
    """A throw-away Redis on the loopback, no persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            "/usr/bin/redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=15)


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


@contextlib.contextmanager
def smtp_sink(port: int | None = None):
    """An SMTP server on 127.0.0.1 (aiosmtpd, in a thread of this process) that keeps
    every message it accepts; yields it, with ``port`` and ``messages`` (a list of
    ``email.message.EmailMessage``, each with the envelope's recipients in ``rcpt_tos``)."""
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self, port: int):
            self.port = port
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            message.rcpt_tos = list(envelope.rcpt_tos)
            self.messages.append(message)
            return "250 Message accepted for delivery"

    sink = Sink(port or free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
