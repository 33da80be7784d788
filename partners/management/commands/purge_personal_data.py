from django.core.management.base import BaseCommand

from partners.services.privacy import purge_personal_data


class Command(BaseCommand):
    help = (
        "Apply the retention periods (settings.RETENTION_*): delete applications never "
        "confirmed and rejected ones, erase former partners' contact persons, delete old "
        "staff sign-in records, expired staff trainings and read-only accounts' access "
        "records. Run it daily."
    )

    def handle(self, *args, **options):
        report = purge_personal_data()
        self.stdout.write(
            f"Deleted {report.unconfirmed_deleted} unconfirmed and {report.rejected_deleted} "
            f"rejected applications; erased {report.contacts_erased} former contacts; deleted "
            f"{report.staff_login_records_deleted} staff sign-in records, "
            f"{report.expired_trainings_deleted} expired staff trainings and "
            f"{report.read_only_accesses_deleted} read-only access records."
        )
