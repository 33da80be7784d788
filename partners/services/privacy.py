"""The contact person's data under the RGPD: retention (``purge_personal_data``, run
daily), and a person's requests for export or erasure (the admin's actions in
``partners.staff.privacy`` call these).

Only the contact person's fields are personal data; a venue's public details are not.
History entries keep every decision, but lose the contact person's values.
"""

import dataclasses
import datetime

import pgtrigger
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from partners.domain import history
from partners.models import AccessLog as ReadOnlyAccess
from partners.models import Partner, PartnerEvent, Status, TrainingCompletion

CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


FORMER_PARTNER_STATUSES = (Status.WITHDRAWN, Status.REVOKED)


@transaction.atomic
def erase_contact(*, partner: Partner, by=None, actor: str = "", reason: str = "") -> Partner:
    """Empty the contact person's fields and scrub them from the partner's history."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for field in CONTACT_FIELDS:
        setattr(partner, field, "")
    partner.contact_erased_at = timezone.now()
    partner.pending_changes = {
        key: value for key, value in partner.pending_changes.items() if key not in CONTACT_FIELDS
    }
    partner.save(update_fields=[*CONTACT_FIELDS, "contact_erased_at", "pending_changes"])
    # History entries are never changed (the database refuses, PartnerEvent.Meta), except
    # here: the RGPD's right to erasure and retention limits reach the contact's values in
    # the history too. Only those values go; who decided what, when and why stays.
    with pgtrigger.ignore("partners.PartnerEvent:history_is_append_only"):
        for event in partner.events.all():
            scrubbed = {k: v for k, v in event.changes.items() if k not in CONTACT_FIELDS}
            if scrubbed != event.changes:
                PartnerEvent.objects.filter(pk=event.pk).update(changes=scrubbed)
    PartnerEvent.objects.create(
        partner=partner,
        by=by,
        actor=actor,
        reason=reason or "Données du contact effacées.",
        changes=history.erased(CONTACT_FIELDS),
    )
    return partner


def contact_data(partners) -> dict:
    """Everything held about the contact person of ``partners``, as JSON-ready data."""
    return {
        "exported_at": timezone.now(),
        "controller": "FLAG!",
        "venues": [
            {
                "reference": partner.reference,
                "venue": partner.name,
                "status": partner.status,
                **{field: str(getattr(partner, field)) for field in CONTACT_FIELDS},
                "application_created_at": partner.created_at,
                "email_confirmed_at": partner.confirmed_at,
                "charter_version": partner.charter.version if partner.charter else None,
                "charter_accepted_at": partner.charter_accepted_at,
                "contact_erased_at": partner.contact_erased_at,
                "history": [
                    {
                        "at": event.at,
                        "from_status": event.from_status,
                        "to_status": event.to_status,
                        "reason": event.reason,
                        "changes": event.changes,
                    }
                    for event in partner.events.all()
                ],
            }
            for partner in partners
        ],
    }


def same_contact(queryset, *, among):
    """The selected partners and every other one in ``among`` whose contact has the same
    email: a person's request covers all the venues they are the contact of. ``among`` is
    what the staff user may see (``PartnerAdmin.get_queryset``): a reviewer limited to some
    départements never reaches the venues of the others through the email."""
    selected = list(queryset.values_list("pk", "contact_email"))
    emails = {email.lower() for _, email in selected if email}
    return (
        among.annotate(email_lower=Lower("contact_email"))
        .filter(Q(pk__in=[pk for pk, _ in selected]) | Q(email_lower__in=emails))
        .select_related("charter")
        .prefetch_related("events")
        .order_by("pk")
    )


@dataclasses.dataclass
class PurgeReport:
    unconfirmed_deleted: int = 0
    rejected_deleted: int = 0
    contacts_erased: int = 0
    staff_login_records_deleted: int = 0
    expired_trainings_deleted: int = 0
    read_only_accesses_deleted: int = 0


def purge_personal_data(*, now: datetime.datetime | None = None) -> PurgeReport:
    """Apply the retention periods of settings.RETENTION_* (see the privacy notice)."""
    now = now or timezone.now()
    report = PurgeReport()

    def days_ago(days: int) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    # PostgreSQL deletes their opening hours and history with them (DB_CASCADE).
    with transaction.atomic():
        report.unconfirmed_deleted = _delete(
            Partner.objects.filter(
                status=Status.UNCONFIRMED,
                created_at__lt=days_ago(settings.RETENTION_UNCONFIRMED_DAYS),
            )
        )
        report.rejected_deleted = _delete(
            Partner.objects.filter(
                status=Status.REJECTED,
                status_changed_at__lt=days_ago(settings.RETENTION_REJECTED_DAYS),
            )
        )
    former = Partner.objects.filter(
        status__in=FORMER_PARTNER_STATUSES,
        status_changed_at__lt=days_ago(settings.RETENTION_FORMER_CONTACT_DAYS),
        contact_erased_at__isnull=True,
    )
    for partner in former.iterator():
        erase_contact(
            partner=partner, actor="purge_personal_data", reason="Durée de conservation écoulée."
        )
        report.contacts_erased += 1
    staff_cutoff = days_ago(settings.RETENTION_STAFF_LOGIN_LOG_DAYS)
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        report.staff_login_records_deleted += _delete(
            model.objects.filter(attempt_time__lt=staff_cutoff)
        )
    # A training's name is kept while the training counts, a year (``TrainingCompletion``).
    report.expired_trainings_deleted = _delete(
        TrainingCompletion.objects.filter(expires_at__lte=now)
    )
    # Institutions' accesses are never deleted otherwise (ReadOnlyAccess.Meta's trigger).
    with transaction.atomic(), pgtrigger.ignore("partners.AccessLog:access_log_is_append_only"):
        report.read_only_accesses_deleted = _delete(
            ReadOnlyAccess.objects.filter(at__lt=staff_cutoff)
        )
    return report


def _delete(queryset) -> int:
    """Delete, and count the rows of the queryset's own model."""
    _, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)
