"""The project-local PostgreSQL + PostGIS cluster used when DATABASE_URL is unset.

It lives under ``var/postgres`` and listens on a Unix socket only (no TCP, no
password: the socket directory is private to the cluster's owner). PostgreSQL
refuses to run as root, so when we are root the cluster belongs to the
``postgres`` system user that Debian's server package creates.

Plain Python (no Django), so that settings, the Makefile and the benchmark share
one definition of where the cluster is::

    python -m enlieusur.localdb start            # create if needed, then start
    python -m enlieusur.localdb stop
    python -m enlieusur.localdb run -- CMD...    # start, run CMD, stop if we started it
"""

import glob
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "var" / "postgres"
LOG_FILE = DATA_DIR / "server.log"
DB_NAME = "enlieusur"
DB_USER = "postgres"
# A Unix socket path must fit in 107 bytes; a deep checkout falls back to /tmp.
_MAX_SOCKET_DIR = 80


def socket_dir() -> Path:
    local = BASE_DIR / "var" / "run"
    if len(str(local)) <= _MAX_SOCKET_DIR:
        return local
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"enlieusur-{digest}"


def database_url(name: str = DB_NAME) -> str:
    return f"postgres://{DB_USER}@{quote(str(socket_dir()), safe='')}/{name}"


def _bindir() -> Path:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        sys.exit("PostgreSQL server binaries not found: run `make setup` first.")
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name))
    return Path(newest).parent


def _owner() -> str | None:
    """The unprivileged user that runs the cluster, or None for the current user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        sys.exit("As root, the cluster needs the 'postgres' user: apt-get install postgresql.")
    return "postgres"


def _pg(tool: str, *args: str, check: bool = True, quiet: bool = False):
    owner = _owner()
    command = [str(_bindir() / tool), *args]
    if owner:
        command = ["runuser", "-u", owner, "--", *command]
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(command, check=check, stdout=output, stderr=output)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    if owner := _owner():
        shutil.chown(path, owner, owner)


def is_running() -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        return False
    return _pg("pg_ctl", "status", "-D", str(DATA_DIR), check=False, quiet=True).returncode == 0


def _init() -> None:
    _private_dir(DATA_DIR)
    _pg(
        "initdb",
        "-D",
        str(DATA_DIR),
        "-U",
        DB_USER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        quiet=True,
    )
    with open(DATA_DIR / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# En lieu sûr: Unix socket only, private to the owner.\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{socket_dir()}'\n"
            "unix_socket_permissions = 0700\n"
            # A development cluster: a crash may lose the last commits, never corrupts.
            "synchronous_commit = off\n"
        )


def start() -> bool:
    """Start the cluster (creating it the first time); True if this call started it."""
    if is_running():
        return False
    if not (DATA_DIR / "PG_VERSION").exists():
        _init()
    _private_dir(socket_dir())
    _pg("pg_ctl", "start", "-w", "-D", str(DATA_DIR), "-l", str(LOG_FILE), quiet=True)
    psql = [str(_bindir() / "psql"), "-h", str(socket_dir()), "-U", DB_USER, "-d", "postgres"]
    # DB_NAME is a constant, not input.
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"  # nosec B608
    exists = subprocess.run(
        [*psql, "-qAt", "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        _pg("createdb", "-h", str(socket_dir()), "-U", DB_USER, DB_NAME)
    return True


def stop() -> None:
    if is_running():
        _pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(DATA_DIR), quiet=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "stop", "run", "url"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "url":
        print(database_url())
        return 0
    if os.environ.get("DATABASE_URL"):
        # An external database is configured: nothing to manage.
        return subprocess.call(rest[1:] if rest[:1] == ["--"] else rest) if command == "run" else 0
    if command == "stop":
        stop()
        return 0
    started = start()
    if command == "start":
        return 0
    child = subprocess.Popen(rest[1:] if rest[:1] == ["--"] else rest)

    def forward(signum, _frame):
        # A supervisor's SIGTERM ends the command, then the cluster we started.
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    try:
        return child.wait()
    except KeyboardInterrupt:
        return child.wait()
    finally:
        if started:
            stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
