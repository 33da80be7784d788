"""What the bench runs on: its own database, a production-like gunicorn, the machine."""

import contextlib
import hashlib
import http.client
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from enlieusur import localdb

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = "enlieusur_bench"  # + "_<count>"
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]


def bench_database_url(database_url: str | None, count: int) -> str:
    """The bench's database for ``count`` partners: ``enlieusur_bench_<count>`` in the local
    cluster, or the configured database's name suffixed ``_bench_<count>`` on the same
    server. Never the configured one."""
    if not database_url:
        return localdb.database_url(f"{BENCH_DB}_{count}")
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "enlieusur"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{count}"))


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    """Drop and create the bench database, through the server's maintenance database."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True, cwd=BASE_DIR)


def _demo_data_version(count: int, seed: int) -> str:
    """What a bench database holds: the demo partners' count and seed, and the code that
    drew them, so that a database seeded by other code is seeded again."""
    source = (BASE_DIR / "partners/management/commands/seed_demo.py").read_bytes()
    return f"{count}:{seed}:{hashlib.sha256(source).hexdigest()[:16]}"


def prepare_database(url: str, count: int, seed: int) -> float:
    """The bench database for ``count`` demo partners, migrated and analysed; returns the
    seconds its seeding took. One seeded before with the same count, seed and demo code
    is kept (its database comment says what it holds, and how long it took)."""
    name = urlsplit(url).path.lstrip("/")
    version = _demo_data_version(count, seed)
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row and row[0] and row[0].startswith(version + " "):
        manage("migrate", "--no-input", "-v0")
        return float(row[0].split()[1])
    start = time.perf_counter()
    recreate_database(url)
    manage("migrate", "--no-input", "-v0")
    manage("seed_demo", "--count", str(count), "--seed", str(seed))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - start
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(f"{version} {seconds:.1f}")
            )
        )
    return seconds


def production_environment(database_url: str, static_root: Path) -> dict[str, str]:
    """Environment variables of a production deployment, on loopback."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        # Plain HTTP on loopback: no redirect to HTTPS, no secure-only cookies.
        "SECURE_SSL_REDIRECT": "0",
        # The production settings with one more address, measured last (bench/urls.py).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # The SMS webhook on, with a token of the bench's own (bench/measures.py, measure_sms).
        "TWILIO_AUTH_TOKEN": secrets.token_urlsafe(32),
        "SMS_WEBHOOK_URL": "https://enlieusur.fr/sms/twilio/",
    }


@contextlib.contextmanager
def redis_server(directory: Path, *, port: int | None = None) -> Iterator[str]:
    """A throw-away Redis on the loopback, no persistence; yields its URL. ``port`` starts
    it again where a stopped one was. The bench's, and the deployed tests' (tests/servers.py)."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            "/usr/bin/redis-server",
            *("--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(directory)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app as in production: ``gunicorn.conf.py`` when the project
    has one, bound to 127.0.0.1 on a free port, its output kept in ``log``."""

    def __init__(self, log: Path):
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = BASE_DIR / "gunicorn.conf.py"
        self.process: subprocess.Popen | None = None

    @property
    def description(self) -> str:
        if self.config.exists():
            return "gunicorn with gunicorn.conf.py"
        return f"gunicorn, no gunicorn.conf.py: {self.fallback_workers} sync workers"

    @property
    def fallback_workers(self) -> int:
        return 2 * (os.cpu_count() or 1) + 1

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        if self.config.exists():
            command += ["--config", str(self.config)]
        else:
            command += ["--workers", str(self.fallback_workers)]
        return [*command, "enlieusur.wsgi:application"]

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                cwd=BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # The whole process group: the master and its workers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def workers(self) -> int:
        """How many worker processes the master runs now."""
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                # The parent pid is the 2nd field after the parenthesised command name.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    count += 1
        return count

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def serving(log: Path) -> Iterator[Server]:
    server = Server(log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def code_version() -> str:
    """The commit measured, marked when the working tree differs from it."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md")
    return commit + (" with uncommitted changes" if dirty else "")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args],  # noqa: S607 (git from PATH, as a developer runs it)
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def machine(database_url: str) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    with psycopg.connect(database_url) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
        postgis = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "postgis": postgis,
    }
