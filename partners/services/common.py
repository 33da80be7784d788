"""What every service shares: the partner row locked, the decision checked against
``partners.domain.transitions``, the history entry written, the venue emailed on commit.

Nothing but the services writes ``Partner.status``: admin actions, views and commands call
the services, which call these.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from partners.domain import transitions
from partners.models import (
    Closure,
    OpeningInterval,
    Partner,
    PartnerEvent,
)
from partners.services import emails


def record_status(*, partner, to_status, by=None, actor="", reason="", changes=None):
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


class DecisionRefused(Exception):
    """The decision does not apply to the partner in its current status."""


def locked(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def allow(partner: Partner, decision: str, label) -> None:
    """Refuse ``decision`` (a key of ``transitions.APPLIES_IN``) in any other status."""
    if not transitions.applies(decision, partner.status):
        raise DecisionRefused(
            _("%(decision)s does not apply to “%(partner)s”, whose status is “%(status)s”.")
            % {"decision": label, "partner": partner, "status": partner.get_status_display()}
        )


def reason_for(decision: str, reason: str) -> str:
    """The decision's reason, stripped; refused when empty for a decision that needs one
    (``transitions.NEEDS_REASON``)."""
    reason = (reason or "").strip()
    if not reason and decision in transitions.NEEDS_REASON:
        raise ValueError("This decision needs a reason.")
    return reason


def log_event(*, partner, by=None, actor="", reason="", changes) -> PartnerEvent:
    """A history entry that changes no status: an edit, a request, a re-confirmation."""
    return PartnerEvent.objects.create(
        partner=partner, by=by, actor=actor, reason=reason, changes=changes
    )


def email_venue(partner: Partner, template: str, **context) -> None:
    emails.send(
        template=template,
        to=[partner.contact_email],
        context={"partner": partner, "contact": settings.STAFF_CONTACT_EMAIL, **context},
    )


def set_closures(partner: Partner, closures) -> None:
    """The partner's closures become ``closures`` ((starts, ends, reason)); past ones,
    which change nothing any more, go with the rest."""
    partner.closures.all().delete()
    Closure.objects.bulk_create(
        Closure(partner=partner, starts=starts, ends=ends, reason=reason)
        for starts, ends, reason in closures
    )


def set_hours(partner: Partner, hours) -> None:
    partner.opening_intervals.all().delete()
    OpeningInterval.objects.bulk_create(
        OpeningInterval(partner=partner, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in hours
    )
