"""The contact person's data under the RGPD: retention (purge_personal_data, run daily),
and a person's requests for export or erasure (admin actions on partners).

Only the contact person's fields are personal data; a venue's public details are not.
History entries keep every decision, but lose the contact person's values.
"""

import dataclasses
import datetime
import json

import pgtrigger
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners import history
from partners.models import Partner, PartnerEvent, Status

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


def _partners_of_the_request(modeladmin, request, queryset) -> list[Partner]:
    """``same_contact`` within the staff user's scope; says so when the same contact has
    venues outside it, which an administrator must then cover."""
    partners = list(same_contact(queryset, among=modeladmin.get_queryset(request)))
    if same_contact(queryset, among=Partner.objects.all()).count() > len(partners):
        modeladmin.message_user(
            request,
            _(
                "This contact person also looks after venues outside your départements: "
                "ask an administrator to complete the request for those."
            ),
            messages.WARNING,
        )
    return partners


@admin.action(description=_("Export the contact person's data"), permissions=["change"])
def export_contact_data(modeladmin, request, queryset):
    partners = _partners_of_the_request(modeladmin, request, queryset)
    with transaction.atomic():
        for partner in partners:
            PartnerEvent.objects.create(
                partner=partner, by=request.user, reason="Données du contact exportées."
            )
    body = json.dumps(contact_data(partners), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="donnees-contact.json"'
    return response


@admin.action(description=_("Erase the contact person's data"), permissions=["change"])
def erase_contact_data(modeladmin, request, queryset):
    partners = _partners_of_the_request(modeladmin, request, queryset)
    if request.POST.get("confirm") == "yes":
        for partner in partners:
            erase_contact(partner=partner, by=request.user)
        count = len(partners)
        modeladmin.message_user(
            request,
            ngettext(
                "The contact person's data of %(count)d partner was erased.",
                "The contact person's data of %(count)d partners was erased.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/partners/partner/erase_contact_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Erase the contact person's data?"),
            "opts": modeladmin.model._meta,
            "partners": partners,
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@dataclasses.dataclass
class PurgeReport:
    unconfirmed_deleted: int = 0
    rejected_deleted: int = 0
    contacts_erased: int = 0
    staff_login_records_deleted: int = 0


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
    return report


def _delete(queryset) -> int:
    """Delete, and count the rows of the queryset's own model."""
    _, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)
