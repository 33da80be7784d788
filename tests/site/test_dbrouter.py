import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from enlieusur.dbrouter import ReplicaRouter
from partners.models import Partner
from tests.site.test_settings import _settings_value

# Reads and writes as the app does them, each inside CaptureQueriesContext on both
# aliases; prints which alias ran SQL for each.
SNIPPET = """
import json, django
django.setup()
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from partners.models import Charter, Partner

def ran_on(action):
    with CaptureQueriesContext(connections["default"]) as d, \\
         CaptureQueriesContext(connections["replica"]) as r:
        action()
    return sorted(alias for alias, q in (("default", d), ("replica", r)) if len(q))

def inside_a_transaction():
    with transaction.atomic():
        Partner.objects.public().count()

def write():
    with transaction.atomic():
        Charter.objects.create(version=999, text="-", published_on="2026-01-01")
        transaction.set_rollback(True)

print(json.dumps({
    "public read": ran_on(lambda: list(Partner.objects.public()[:1])),
    "users": ran_on(lambda: User.objects.count()),
    "read in a transaction": ran_on(inside_a_transaction),
    "write": ran_on(write),
    "mirror": connections["replica"].settings_dict["TEST"]["MIRROR"],
}))
"""


def _database_url(settings_dict) -> str:
    user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
    # A Unix socket directory (the project-local cluster) is percent-encoded as the host.
    return f"postgres://{user}@{quote(host, safe='')}:{port or 5432}/{settings_dict['NAME']}"


@pytest.mark.django_db
def test_public_reads_go_to_the_replica_and_writes_to_the_primary():
    # The replica alias points at this test database, as a Django test mirror would.
    url = _database_url(connection.settings_dict)
    environment = {**os.environ, "DATABASE_URL": url, "DATABASE_REPLICA_URL": url}
    environment["DJANGO_SETTINGS_MODULE"] = "enlieusur.settings"
    result = subprocess.run(  # noqa: S603 (our own interpreter and snippet)
        [sys.executable, "-c", SNIPPET], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "public read": ["replica"],
        "users": ["default"],
        "read in a transaction": ["default"],
        "write": ["default"],
        "mirror": "default",
    }


def test_without_a_replica_everything_goes_to_the_primary(monkeypatch):
    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)
    router = ReplicaRouter()
    assert router.db_for_read(Partner) == "default"
    assert router.db_for_read(User) == "default"
    assert router.db_for_write(Partner) == "default"


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "partners") is True
    assert router.allow_migrate("replica", "partners") is False


def test_database_connections_are_kept_a_minute_unless_configured():
    default = _settings_value("s.DATABASES['default']['CONN_MAX_AGE']")
    assert default.stdout.strip() == "(60,)"
    configured = _settings_value(
        "s.DATABASES['default']['CONN_MAX_AGE']", DATABASE_CONN_MAX_AGE="0"
    )
    assert configured.stdout.strip() == "(0,)"


def test_replica_is_configured_from_the_environment_and_mirrored_in_tests():
    result = _settings_value(
        "s.DATABASES['replica']['HOST'], s.DATABASES['replica']['TEST']['MIRROR']",
        DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/enlieusur",
    )
    assert result.stdout.strip() == "('replica.example', 'default')"
