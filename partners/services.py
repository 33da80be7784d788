"""Every change of a partner's status goes through here, with its history entry.

Admin actions, views and commands call these functions; nothing else writes
``Partner.status``.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import emails, reconfirmation
from partners.models import Charter, Partner, PartnerEvent, Report, Status


def next_sticker_number(department: str) -> str:
    """The next sticker number: the département, then a serial unique network-wide."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('partners_sticker_serial')")
        (serial,) = cursor.fetchone()
    return f"{department}-{serial:05d}"


def _record(*, partner, to_status, by=None, actor="", reason="", changes=None):
    event = PartnerEvent.objects.create(
        partner=partner,
        by=by,
        actor=actor,
        from_status=partner.status,
        to_status=to_status,
        reason=reason,
        changes=changes or {},
    )
    partner.status = to_status
    partner.status_changed_at = event.at
    return event


# Staff decisions (called by the admin). Each locks the partner row, so two staff
# deciding at once are serialised; each emails the venue once the transaction commits.


class DecisionRefused(Exception):
    """The decision does not apply to the partner in its current status."""


def _locked(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def _allow(partner: Partner, decision, allowed: set[str]) -> None:
    if partner.status not in allowed:
        raise DecisionRefused(
            _("%(decision)s does not apply to “%(partner)s”, whose status is “%(status)s”.")
            % {"decision": decision, "partner": partner, "status": partner.get_status_display()}
        )


def _require(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("This decision needs a reason.")
    return reason


def _log(*, partner, by=None, actor="", reason="", changes) -> PartnerEvent:
    """A history entry that changes no status: an edit, a request, a re-confirmation."""
    return PartnerEvent.objects.create(
        partner=partner, by=by, actor=actor, reason=reason, changes=changes
    )


def _email_venue(partner: Partner, template: str, **context) -> None:
    emails.send(
        template=template,
        to=[partner.contact_email],
        context={"partner": partner, "contact": settings.STAFF_CONTACT_EMAIL, **context},
    )


@transaction.atomic
def approve_partner(*, partner: Partner, by=None, actor: str = "", reason: str = "") -> Partner:
    """Approve a partner, issuing its sticker number on first approval.

    Approving an approved partner changes nothing: two staff approving at once get
    the same partner and the same number, and neither request fails.
    """
    partner = _locked(partner)
    if partner.status == Status.APPROVED:
        return partner
    _allow(partner, _("Approval"), {Status.PENDING, Status.REJECTED, Status.SUSPENDED})
    if partner.location is None:
        raise DecisionRefused(
            _("“%(partner)s” has no location yet: place its pin on the map before approving it.")
            % {"partner": partner}
        )
    now = timezone.now()
    _record(partner=partner, to_status=Status.APPROVED, by=by, actor=actor, reason=reason)
    if not partner.sticker_number:
        partner.sticker_number = next_sticker_number(partner.department)
    partner.approved_at = partner.approved_at or now
    partner.save()
    _email_venue(partner, "decision_approved", reason=reason)
    return partner


@transaction.atomic
def reject_partner(*, partner: Partner, by, reason: str) -> Partner:
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, _("Rejection"), {Status.PENDING})
    _record(partner=partner, to_status=Status.REJECTED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_rejected", reason=reason)
    return partner


@transaction.atomic
def request_information(*, partner: Partner, by, reason: str) -> Partner:
    """Ask the venue a question; the application stays in the queue."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, _("A request for information"), {Status.PENDING})
    PartnerEvent.objects.create(
        partner=partner,
        by=by,
        from_status=partner.status,
        to_status=partner.status,
        reason=reason,
    )
    _email_venue(partner, "decision_information_requested", reason=reason)
    return partner


@transaction.atomic
def suspend_partner(*, partner: Partner, by, reason: str) -> Partner:
    """Off the public map for now; the sticker number is kept for reinstatement."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, _("Suspension"), {Status.APPROVED})
    _record(partner=partner, to_status=Status.SUSPENDED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_suspended", reason=reason)
    return partner


@transaction.atomic
def reinstate_partner(*, partner: Partner, by, reason: str = "") -> Partner:
    partner = _locked(partner)
    _allow(partner, _("Reinstatement"), {Status.SUSPENDED})
    _record(partner=partner, to_status=Status.APPROVED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_reinstated", reason=reason)
    return partner


@transaction.atomic
def revoke_partner(*, partner: Partner, by, reason: str) -> Partner:
    """For good: the sticker number stays on record, so /verif says it is revoked and
    it is never issued again."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, _("Revocation"), {Status.APPROVED, Status.SUSPENDED})
    _record(partner=partner, to_status=Status.REVOKED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_revoked", reason=reason)
    return partner


@transaction.atomic
def mark_sticker_sent(
    *, partner: Partner, by, sent_on: datetime.date | None = None, reason: str = ""
) -> Partner:
    partner = _locked(partner)
    _allow(partner, _("Sending the sticker"), {Status.APPROVED})
    sent_on = sent_on or timezone.localdate()
    before = partner.sticker_sent_on
    partner.sticker_sent_on = sent_on
    partner.save(update_fields=["sticker_sent_on", "updated_at"])
    _log(
        partner=partner,
        by=by,
        reason=reason,
        changes={"sticker_sent_on": [before and before.isoformat(), sent_on.isoformat()]},
    )
    _email_venue(partner, "decision_sticker_sent")
    return partner


@transaction.atomic
def record_edit(*, partner: Partner, by, changes: dict, reason: str = "") -> PartnerEvent | None:
    """Record a staff edit, already saved by the admin form: {"field": [before, after]}."""
    if not changes:
        return None
    return _log(partner=partner, by=by, reason=reason, changes=changes)


# Yearly re-confirmation that the venue still honours the charter.


@transaction.atomic
def request_reconfirmation(*, partner: Partner, actor: str) -> Partner:
    partner = _locked(partner)
    now = timezone.now()
    before = partner.reconfirmation_requested_at
    partner.reconfirmation_requested_at = now
    partner.save(update_fields=["reconfirmation_requested_at", "updated_at"])
    _log(
        partner=partner,
        actor=actor,
        changes={"reconfirmation_requested_at": [before and before.isoformat(), now.isoformat()]},
    )
    _email_venue(
        partner,
        "reconfirmation_request",
        url=settings.SITE_URL + reconfirmation.url_path(partner),
        grace_days=settings.RECONFIRMATION_GRACE_DAYS,
    )
    return partner


@transaction.atomic
def reconfirm_partner(*, partner: Partner, charter: Charter) -> Partner:
    """The venue confirms it still honours the charter, in the version it was shown."""
    partner = _locked(partner)
    _allow(partner, _("Re-confirmation"), {Status.APPROVED})
    now = timezone.now()
    changes = {
        "reconfirmed_at": [
            partner.reconfirmed_at and partner.reconfirmed_at.isoformat(),
            now.isoformat(),
        ]
    }
    partner.reconfirmed_at = now
    if partner.charter_id != charter.pk:
        changes["charter"] = [partner.charter and partner.charter.version, charter.version]
        changes["charter_accepted_at"] = [
            partner.charter_accepted_at and partner.charter_accepted_at.isoformat(),
            now.isoformat(),
        ]
        partner.charter = charter
        partner.charter_accepted_at = now
    partner.save()
    _log(partner=partner, actor="venue", changes=changes)
    _email_venue(partner, "reconfirmation_thanks")
    return partner


# Reports from the public.


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


# The venue's journey: application, email confirmation, self-service updates, leaving.
