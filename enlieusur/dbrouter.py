"""Public reads to a read replica, when one is configured (README, "Scaling")."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


class ReplicaRouter:
    """The partners app's reads outside a transaction (the map, the lists, the API) go to
    the replica; every write, and every read inside a transaction (a service re-reading
    what it is changing), to the primary. Without a replica, everything goes to default.

    ``select_for_update()`` counts as a write, so it always locks rows on the primary.
    """

    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label == "partners"
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
