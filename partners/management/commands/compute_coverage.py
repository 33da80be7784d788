"""Nightly (cron): every commune's distance to the nearest partner, by day and at night."""

import time

from django.core.management.base import BaseCommand

from partners.services import coverage


class Command(BaseCommand):
    help = (
        "Measure, for every commune of the gazetteer, the distance to the nearest approved "
        "partner by day, and to the nearest one open on a weekday night and on Saturday "
        "night at 22:00 and 03:00 (local time); keep it as today's run, and the last run "
        "of each month as its snapshot."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = coverage.compute()
        self.stdout.write(
            f"{counts['communes']} communes measured against {counts['partners']} approved "
            f"partners in {time.monotonic() - started:.1f} s (gazetteer table: "
            f"{counts['communes_added']} added, {counts['communes_changed']} changed, "
            f"{counts['communes_removed']} removed)."
        )
