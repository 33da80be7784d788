"""Daily (cron): ask partners approved or re-confirmed a year ago to re-confirm."""

from django.core.management.base import BaseCommand

from partners.domain import reconfirmation
from partners.services.reconfirmation import request_reconfirmation


class Command(BaseCommand):
    help = (
        "Email every partner approved or re-confirmed more than RECONFIRMATION_INTERVAL_DAYS "
        "ago, and not asked since, a signed link to re-confirm its commitment."
    )

    def handle(self, *args, **options):
        sent = 0
        for partner in reconfirmation.due().order_by("pk").iterator(chunk_size=500):
            request_reconfirmation(partner=partner, actor="send_reconfirmations")
            sent += 1
        self.stdout.write(f"{sent} re-confirmation request(s) sent.")
