"""The app as the README deploys it ("Deployment"): nginx with deploy/nginx/enlieusur.conf
in front of gunicorn (two workers), Redis, an SMTP sink and, where the app hands its emails
to a task queue, the task worker. Everything listens on 127.0.0.1, lives in one temporary
folder and stops when the ``deployment`` block ends. Used by tests/site/test_deployed.py."""

import contextlib
import dataclasses
import http.client
import os
import re
import shutil
import ssl
import subprocess
from pathlib import Path
from urllib.parse import urlencode

from bench.environment import redis_server
from tests import servers

SITE_CONFIGURATION = servers.BASE_DIR / "deploy" / "nginx" / "enlieusur.conf"
HOST = "enlieusur.fr"
ORIGIN = f"https://{HOST}"

# What Debian's /etc/nginx/nginx.conf sets around a site's file and that matters here: a
# default access log in the combined format (client address, full request line) and an
# error log, which a site must override. Temporary files go to the test's folder, so that
# nginx runs without root.
MAIN_CONFIGURATION = """\
{user}
worker_processes 1;
pid {directory}/nginx.pid;
events {{
    worker_connections 256;
}}
http {{
    access_log {directory}/logs/access.log;
    error_log {directory}/logs/error.log;
    ssl_protocols TLSv1.2 TLSv1.3;
    gzip on;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
    include {directory}/enlieusur.conf;
}}
"""


def site_configuration(*, http_port, https_port, app_port, certificate, key, logs) -> str:
    """deploy/nginx/enlieusur.conf with its addresses and paths replaced, and nothing else:
    each must still be there, so that the tested configuration is the documented one."""
    text = SITE_CONFIGURATION.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/enlieusur.fr/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/enlieusur.fr/privkey.pem": str(key),
        "/var/log/nginx/": f"{logs}/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    for documented, tested in replacements.items():
        assert documented in text, f"{documented!r} left {SITE_CONFIGURATION}: update {__file__}"
        text = text.replace(documented, tested)
    return text


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for the site's name and 127.0.0.1, valid for a day; (cert, key)."""
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@dataclasses.dataclass
class Nginx:
    http_port: int
    https_port: int
    logs: Path
    certificate: Path


@contextlib.contextmanager
def nginx(directory: Path, *, app_port: int):
    """nginx with the documented site configuration, in front of ``app_port``."""
    (directory / "logs").mkdir(parents=True)
    (directory / "temp").mkdir()
    certificate, key = self_signed_certificate(directory)
    proxy = Nginx(servers.free_port(), servers.free_port(), directory / "logs", certificate)
    (directory / "enlieusur.conf").write_text(
        site_configuration(
            http_port=proxy.http_port,
            https_port=proxy.https_port,
            app_port=app_port,
            certificate=certificate,
            key=key,
            logs=proxy.logs,
        )
    )
    # As root (CI), nginx's workers would run as "nobody", who cannot enter the test's
    # folder; as anyone else they run as that user.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(MAIN_CONFIGURATION.format(user=user, directory=directory))
    program = shutil.which("nginx", path=f"/usr/sbin:{os.environ.get('PATH', '')}")
    assert program, "nginx is missing: scripts/setup.sh --test installs it"
    process = subprocess.Popen(  # noqa: S603
        [
            program,
            *("-p", str(directory), "-c", str(directory / "nginx.conf")),
            *("-e", str(proxy.logs / "error.log"), "-g", "daemon off;"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        try:
            servers.wait_for_port(proxy.https_port, process)
            servers.wait_for_port(proxy.http_port, process)
        except RuntimeError as error:
            raise RuntimeError(process.stderr.read().decode()) from error
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=15)
        process.stderr.close()


class Restartable:
    """A server from a context manager ``factory`` that a test may stop and start again;
    ``start()`` returns what the factory yields."""

    def __init__(self, factory):
        self.factory = factory
        self._stack = None

    def start(self):
        self._stack = contextlib.ExitStack()
        return self._stack.enter_context(self.factory())

    def stop(self):
        if self._stack:
            self._stack.close()
            self._stack = None


@dataclasses.dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def content(self) -> bytes:
        """As Django's test client names it (tests/join_helpers.py reads it)."""
        return self.body


class Client:
    """A browser on the loopback address ``address`` (127.0.0.0/8 is all loopback on
    Linux: each address is another client for nginx), talking to the site by its name over
    HTTPS; it keeps cookies and posts forms with the CSRF token of the last page."""

    def __init__(self, proxy: Nginx, address: str = "127.0.0.1"):
        self.proxy = proxy
        self.address = address
        self.cookies: dict[str, str] = {}
        self.last_page = ""

    def request(self, method, path, *, body=None, headers=None, https=True) -> Response:
        proxy = self.proxy
        source = (self.address, 0)
        if https:
            context = ssl.create_default_context(cafile=proxy.certificate)
            connection = http.client.HTTPSConnection(
                "127.0.0.1", proxy.https_port, context=context, timeout=30, source_address=source
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", proxy.http_port, timeout=30, source_address=source
            )
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Host": HOST, **({"Cookie": cookie} if cookie else {}), **(headers or {})}
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        if response.headers.get("Content-Type", "").startswith("text/html"):
            self.last_page = response.text
        return response

    def get(self, path, **options) -> Response:
        return self.request("GET", path, **options)

    def post(self, path, data: dict) -> Response:
        """A form as the last page posts it, with its CSRF token, Origin and Referer."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.last_page)
        assert token, "post() follows the get() of a page with a form"
        return self.request(
            "POST",
            path,
            body=urlencode({"csrfmiddlewaretoken": token[1], **data}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": ORIGIN,
                "Referer": ORIGIN + path,
            },
        )


@dataclasses.dataclass
class Deployment:
    directory: Path
    nginx: Nginx
    app_port: int
    redis: Restartable
    redis_url: str
    smtp: servers.SmtpSink
    environment: dict[str, str]
    stack: contextlib.ExitStack

    def client(self, address: str = "127.0.0.1") -> Client:
        return Client(self.nginx, address)

    def task_worker(self):
        """The task worker, beside gunicorn as in production (a context manager)."""
        return servers.task_worker(log=self.directory / "worker.log", **self.environment)


@contextlib.contextmanager
def deployment(directory: Path, *, static_root: Path, **env: str):
    """The whole stack on the tests' database; ``env`` adds to the app's environment."""
    with contextlib.ExitStack() as stack:
        redis_port = servers.free_port()
        (directory / "redis").mkdir()
        redis = Restartable(lambda: redis_server(directory / "redis", port=redis_port))
        redis_url = redis.start()
        stack.callback(redis.stop)
        smtp = stack.enter_context(servers.smtp_sink())
        environment = {
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "1",
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "SITE_URL": ORIGIN,
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
            # A failed email is tried again within the test's patience.
            "EMAIL_RETRY_DELAY": "2",
            # The too-fast check of the join form has its own tests.
            "JOIN_FORM_MIN_SECONDS": "0",
            "LOG_LEVEL": "DEBUG",
            **env,
        }
        app_port = stack.enter_context(
            servers.gunicorn(
                static_root=static_root,
                access_log=directory / "gunicorn-access.log",
                error_log=directory / "gunicorn-error.log",
                **environment,
            )
        )
        proxy = stack.enter_context(nginx(directory / "nginx", app_port=app_port))
        deployed = Deployment(
            directory, proxy, app_port, redis, redis_url, smtp, environment, stack
        )
        yield deployed
