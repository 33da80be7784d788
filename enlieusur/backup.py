"""Backups of the database: ``make backup`` and ``make restore FILE=…``.

Plain Python (no Django), like localdb: works with DATABASE_URL or the project-local
cluster. Dumps use pg_dump's custom format (compressed, restorable table by table) and
are readable by their owner only: they hold personal data.

    python -m enlieusur.backup dump              # prints the new file's path
    python -m enlieusur.backup restore FILE      # replaces the database's content
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from enlieusur import localdb

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or localdb.BASE_DIR / "var" / "backups")


def libpq_url() -> str:
    """DATABASE_URL (or the local cluster's) in the form libpq's tools accept."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or localdb.database_url())
    return urlunsplit(parts._replace(scheme="postgresql"))


def dump() -> Path:
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    BACKUP_DIR.chmod(0o700)
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = BACKUP_DIR / f"enlieusur-{stamp}.dump"
    partial = target.with_suffix(".partial")
    # Created private before pg_dump writes a single byte into it.
    partial.touch(mode=0o600)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), libpq_url()],
        check=True,
    )
    partial.rename(target)
    return target


def restore(path: Path) -> None:
    if not path.is_file():
        sys.exit(f"No such backup: {path}")
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            libpq_url(),
            str(path),
        ],
        check=True,
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["dump"]:
        print(dump())
        return 0
    if argv[:1] == ["restore"] and len(argv) == 2:
        restore(Path(argv[1]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
