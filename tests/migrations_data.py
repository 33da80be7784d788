"""What the data migrations create and a transactional test's flush deletes: the first
charter and the staff groups with their permissions. Restored by the migrations' own
functions, on their historical models, so that a group or a grant a new migration adds is
never forgotten here (tests/conftest.py runs this before every transactional test)."""

from importlib import import_module

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# (migration, function): each is idempotent (get_or_create, set, add).
DATA_MIGRATIONS = [
    ("0003_first_charter", "add_first_charter"),
    ("0007_reviewer_group", "create_reviewer_group"),
    ("0019_reviewers_invite_candidates", "grant"),
    ("0022_checker_group", "create_checker_group"),
    ("0024_read_only_group", "create_read_only_group"),
    ("0026_coordinator_group", "create_coordinator_group"),
]


def restore() -> None:
    apps = MigrationExecutor(connection).loader.project_state().apps
    for migration, function in DATA_MIGRATIONS:
        getattr(import_module(f"partners.migrations.{migration}"), function)(apps, None)
