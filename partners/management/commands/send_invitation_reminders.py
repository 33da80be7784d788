"""Daily (cron): remind candidates whose invitation went unanswered, twice at most, then
mark them "no answer"."""

from collections import Counter

from django.core.management.base import BaseCommand

from partners.services import invitations


class Command(BaseCommand):
    help = (
        "Email a reminder to every invited candidate that has not applied "
        "INVITATION_REMINDER_DAYS after its last email (two reminders at most), and mark "
        "those still silent after the second one as 'no answer'."
    )

    def handle(self, *args, **options):
        done = Counter()
        for candidate in invitations.due_for_reminder().order_by("pk").iterator(chunk_size=500):
            done[invitations.remind(candidate=candidate, actor="send_invitation_reminders")] += 1
        self.stdout.write(
            f"{done['reminded']} reminder(s) sent, {done['no_answer']} candidate(s) without "
            f"an answer, {done['declined']} opted out."
        )
