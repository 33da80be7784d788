"""`make backup` then `make restore` into a fresh database gives back the same partners."""

import os
import stat
import subprocess

import psycopg
import pytest
from django.db import connection

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
