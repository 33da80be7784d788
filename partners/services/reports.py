"""Problems reported by the public about a partner, and their resolution by staff."""

from django.db import transaction
from django.utils import timezone

from partners.models import (
    Partner,
    Report,
)


@transaction.atomic
def report_problem(*, partner: Partner, reason: str, message: str = "") -> Report:
    return Report.objects.create(partner=partner, reason=reason, message=message.strip())


@transaction.atomic
def resolve_report(*, report: Report, by, note: str = "") -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.resolution_note = note.strip()
        report.save()
    return report
