"""Every change of a partner's status goes through here, with its history entry.

Admin actions, views and commands call these functions; nothing else writes
``Partner.status``.
"""

from django.db import connection, transaction
from django.utils import timezone

from partners.models import Partner, PartnerEvent, Status


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


# Staff decisions (called by the admin).


@transaction.atomic
def approve_partner(*, partner: Partner, by=None, actor: str = "", reason: str = "") -> Partner:
    """Approve a partner, issuing its sticker number on first approval."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status == Status.APPROVED:
        return partner
    now = timezone.now()
    _record(partner=partner, to_status=Status.APPROVED, by=by, actor=actor, reason=reason)
    if not partner.sticker_number:
        partner.sticker_number = next_sticker_number(partner.department)
    partner.approved_at = partner.approved_at or now
    partner.save()
    return partner


# The venue's journey: application, email confirmation, self-service updates, leaving.
