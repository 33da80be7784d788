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

import psycopg

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


# Sticker serials are issued from this sequence (partners.services.decisions.next_sticker_number);
# demo numbers ("75-D00001") are not.
STICKER_SEQUENCE = "public.partners_sticker_serial"
_STICKER_SERIALS_SQL = r"""
    SELECT max(substring(sticker_number FROM '-(\d+)$')::bigint) FROM partners_partner"""
_SEQUENCES_SQL = """
    SELECT format('%I.%I', schemaname, sequencename), last_value
    FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"""


def high_water_marks(conn: psycopg.Connection) -> dict[str, int]:
    """The last value of every sequence, and for the sticker serials the highest serial
    any partner holds if higher: what the database has issued so far."""
    marks = {name: last or 0 for name, last in conn.execute(_SEQUENCES_SQL).fetchall()}
    if STICKER_SEQUENCE in marks:
        (issued,) = conn.execute(_STICKER_SERIALS_SQL).fetchone()
        marks[STICKER_SEQUENCE] = max(marks[STICKER_SEQUENCE], issued or 0)
    return marks


def restore(path: Path) -> None:
    """Replace the database's content with the dump's; no sequence goes back.

    A dump brings back the sequences as they were, but numbers issued since (sticker
    serials printed and posted, application references emailed) exist only in the
    database being overwritten: they are read first, and each sequence is left past
    both them and the dump's own data."""
    if not path.is_file():
        sys.exit(f"No such backup: {path}")
    with psycopg.connect(libpq_url()) as conn:
        before = high_water_marks(conn)
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
    with psycopg.connect(libpq_url()) as conn:
        after = high_water_marks(conn)
        for name, restored in after.items():
            floor = max(restored, before.get(name, 0))
            if floor > 0:
                conn.execute("SELECT setval(%s::regclass, %s)", [name, floor])


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
