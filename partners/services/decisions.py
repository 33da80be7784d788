"""Staff decisions, called by the admin. Each locks the partner row, so two staff deciding
at once are serialised, writes its history entry and emails the venue once the
transaction commits."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import (
    Partner,
    PartnerEvent,
    Status,
)
from partners.services import invitations
from partners.services.common import (
    DecisionRefused,
    allow,
    email_venue,
    locked,
    log_event,
    reason_for,
    record_status,
)


def next_sticker_number(department: str) -> str:
    """The next sticker number: the département, then a serial unique network-wide."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('partners_sticker_serial')")
        (serial,) = cursor.fetchone()
    return f"{department}-{serial:05d}"


def pin_missing(partner: Partner) -> str:
    """Why ``partner`` cannot be approved before staff place its pin, or "" when it can."""
    if partner.location is None:
        return _(
            "“%(partner)s” has no location yet: place its pin on the map before approving it."
        ) % {"partner": partner}
    if partner.pin_unconfirmed:
        return _(
            "“%(partner)s” has an unconfirmed pin (its town's centre): place it on the "
            "venue's door, or confirm it, on the partner's page before approving it."
        ) % {"partner": partner}
    return ""


def training_missing(partner: Partner) -> str:
    """Why ``partner`` cannot be approved before enough of its staff pass the training
    (``settings.TRAINED_PEOPLE_FOR_APPROVAL``), or "" when it can."""
    required = settings.TRAINED_PEOPLE_FOR_APPROVAL
    trained = partner.trainings.valid().count() if required else 0
    if trained >= required:
        return ""
    return ngettext(
        "“%(partner)s” has %(trained)d trained person out of the %(required)d needed: ask the "
        "venue to share the training link of its page with its staff before approving it.",
        "“%(partner)s” has %(trained)d trained people out of the %(required)d needed: ask the "
        "venue to share the training link of its page with its staff before approving it.",
        trained,
    ) % {"partner": partner, "trained": trained, "required": required}


@transaction.atomic
def approve_partner(*, partner: Partner, by=None, actor: str = "", reason: str = "") -> Partner:
    """Approve a partner, issuing its sticker number on first approval.

    Approving an approved partner changes nothing: two staff approving at once get
    the same partner and the same number, and neither request fails.
    """
    partner = locked(partner)
    if partner.status == Status.APPROVED:
        return partner
    allow(partner, "approve", _("Approval"))
    if missing := pin_missing(partner) or training_missing(partner):
        raise DecisionRefused(missing)
    now = timezone.now()
    record_status(partner=partner, to_status=Status.APPROVED, by=by, actor=actor, reason=reason)
    if not partner.sticker_number:
        partner.sticker_number = next_sticker_number(partner.department)
    partner.approved_at = partner.approved_at or now
    partner.save()
    invitations.partner_approved(partner=partner)
    email_venue(partner, "decision_approved", reason=reason)
    return partner


@transaction.atomic
def reject_partner(*, partner: Partner, by, reason: str) -> Partner:
    reason = reason_for("reject", reason)
    partner = locked(partner)
    allow(partner, "reject", _("Rejection"))
    record_status(partner=partner, to_status=Status.REJECTED, by=by, reason=reason)
    partner.save()
    email_venue(partner, "decision_rejected", reason=reason)
    return partner


@transaction.atomic
def request_information(*, partner: Partner, by, reason: str) -> Partner:
    """Ask the venue a question; the application stays in the queue."""
    reason = reason_for("request_information", reason)
    partner = locked(partner)
    allow(partner, "request_information", _("A request for information"))
    PartnerEvent.objects.create(
        partner=partner,
        by=by,
        from_status=partner.status,
        to_status=partner.status,
        reason=reason,
    )
    email_venue(partner, "decision_information_requested", reason=reason)
    return partner


@transaction.atomic
def suspend_partner(*, partner: Partner, by, reason: str) -> Partner:
    """Off the public map for now; the sticker number is kept for reinstatement."""
    reason = reason_for("suspend", reason)
    partner = locked(partner)
    allow(partner, "suspend", _("Suspension"))
    record_status(partner=partner, to_status=Status.SUSPENDED, by=by, reason=reason)
    partner.save()
    email_venue(partner, "decision_suspended", reason=reason)
    return partner


@transaction.atomic
def reinstate_partner(*, partner: Partner, by, reason: str = "") -> Partner:
    partner = locked(partner)
    allow(partner, "reinstate", _("Reinstatement"))
    record_status(partner=partner, to_status=Status.APPROVED, by=by, reason=reason)
    partner.save()
    email_venue(partner, "decision_reinstated", reason=reason)
    return partner


@transaction.atomic
def revoke_partner(*, partner: Partner, by, reason: str) -> Partner:
    """For good: the sticker number stays on record, so /verif says it is revoked and
    it is never issued again."""
    reason = reason_for("revoke", reason)
    partner = locked(partner)
    allow(partner, "revoke", _("Revocation"))
    record_status(partner=partner, to_status=Status.REVOKED, by=by, reason=reason)
    partner.save()
    email_venue(partner, "decision_revoked", reason=reason)
    return partner


@transaction.atomic
def mark_sticker_sent(
    *, partner: Partner, by, sent_on: datetime.date | None = None, reason: str = ""
) -> Partner:
    partner = locked(partner)
    allow(partner, "mark_sticker_sent", _("Sending the sticker"))
    sent_on = sent_on or timezone.localdate()
    before = partner.sticker_sent_on
    partner.sticker_sent_on = sent_on
    partner.save(update_fields=["sticker_sent_on", "updated_at"])
    log_event(
        partner=partner,
        by=by,
        reason=reason,
        changes={"sticker_sent_on": [before and before.isoformat(), sent_on.isoformat()]},
    )
    email_venue(partner, "decision_sticker_sent")
    return partner


@transaction.atomic
def record_edit(*, partner: Partner, by, changes: dict, reason: str = "") -> PartnerEvent | None:
    """Record a staff edit, already saved by the admin form: {"field": [before, after]}."""
    if not changes:
        return None
    return log_event(partner=partner, by=by, reason=reason, changes=changes)
