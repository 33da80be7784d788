#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlieusur.settings")
    from enlieusur import localdb

    if not os.environ.get("DATABASE_URL") and not localdb.is_running():
        # Every command needs the database to answer: Django's system checks ask
        # PostgreSQL's version for the generated columns. Run this one inside the
        # project-local cluster, started for it and stopped after it.
        sys.exit(localdb.main(["run", "--", sys.executable, *sys.argv]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
