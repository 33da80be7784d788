"""`make backup` then `make restore` into a fresh database gives back the same partners."""

import os
import stat
import subprocess

import psycopg
import pytest
from django.db import connection

from partners.models import Status
from partners.services import decisions
from tests import servers
from tests.factories import PartnerFactory, every_day

pytestmark = pytest.mark.django_db(transaction=True)


def make(*args: str, database_url: str, backup_dir) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-s", *args],  # noqa: S607 (make from PATH)
        cwd=servers.BASE_DIR,
        env=servers.environment(DATABASE_URL=database_url, BACKUP_DIR=str(backup_dir)),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def connect(url: str, **options) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), **options)


def partners_in(url: str) -> list[tuple]:
    with connect(url) as conn:
        return conn.execute(
            "SELECT id, name, status, sticker_number, contact_email, ST_AsText(location),"
            " (SELECT count(*) FROM partners_openinginterval o WHERE o.partner_id = p.id)"
            " FROM partners_partner p ORDER BY id"
        ).fetchall()


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with connect(servers.database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield servers.database_url(name)
    with connect(servers.database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_partners(tmp_path, fresh_database):
    every_day(PartnerFactory(approved=True, name="Bibliothèque Louise Michel"), "09:00", "19:00")
    PartnerFactory(name="Café en attente")
    source = servers.database_url()

    dumped = make("backup", database_url=source, backup_dir=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    backup = tmp_path / os.path.basename(dumped.stdout.strip())
    assert backup.is_file()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds personal data

    restored = make(f"FILE={backup}", "restore", database_url=fresh_database, backup_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr

    expected = partners_in(source)
    assert len(expected) == 2
    assert partners_in(fresh_database) == expected


def test_restore_without_a_file_explains_itself(tmp_path):
    result = make("restore", database_url=servers.database_url(), backup_dir=tmp_path)
    assert result.returncode != 0
    assert "usage: make restore FILE=" in result.stderr


def test_a_restore_never_issues_a_sticker_number_or_a_reference_twice(tmp_path, fresh_database):
    """Numbers issued after the dump exist only in the database the restore overwrites:
    the restore reads them first, and leaves the sequences past them."""
    decisions.approve_partner(partner=PartnerFactory(status=Status.PENDING))
    later = PartnerFactory(status=Status.PENDING)
    dumped = make("backup", database_url=servers.database_url(), backup_dir=tmp_path)
    backup = tmp_path / os.path.basename(dumped.stdout.strip())
    first = make(f"FILE={backup}", "restore", database_url=fresh_database, backup_dir=tmp_path)
    assert first.returncode == 0, first.stderr

    # In "production", after the dump: a sticker number spoilt, then one issued to a
    # venue, and a new application's reference.
    with connect(fresh_database, autocommit=True) as conn:
        conn.execute("SELECT nextval('partners_sticker_serial')")
        (serial,) = conn.execute("SELECT nextval('partners_sticker_serial')").fetchone()
        conn.execute(
            "UPDATE partners_partner SET status = 'approved', sticker_number = %s WHERE id = %s",
            [f"75-{serial:05d}", later.pk],
        )
        (reference,) = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('partners_partner', 'id'))"
        ).fetchone()

    restored = make(f"FILE={backup}", "restore", database_url=fresh_database, backup_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr

    with connect(fresh_database, autocommit=True) as conn:
        assert conn.execute(
            "SELECT sticker_number FROM partners_partner WHERE id = %s", [later.pk]
        ).fetchone() == (None,)
        (next_serial,) = conn.execute("SELECT nextval('partners_sticker_serial')").fetchone()
        (next_id,) = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('partners_partner', 'id'))"
        ).fetchone()
    assert next_serial > serial
    assert next_id > reference


def test_a_restore_leaves_the_sequence_past_every_restored_number(tmp_path, fresh_database):
    """A number in the dump beyond its sequence (set by hand, say) is not issued again."""
    decisions.approve_partner(partner=PartnerFactory(status=Status.PENDING))
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM partners_sticker_serial")
        (last,) = cursor.fetchone()
    PartnerFactory(approved=True, sticker_number=f"75-{last + 40:05d}")
    dumped = make("backup", database_url=servers.database_url(), backup_dir=tmp_path)
    backup = tmp_path / os.path.basename(dumped.stdout.strip())

    restored = make(f"FILE={backup}", "restore", database_url=fresh_database, backup_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr

    with connect(fresh_database) as conn:
        (next_serial,) = conn.execute("SELECT nextval('partners_sticker_serial')").fetchone()
    assert next_serial > last + 40
