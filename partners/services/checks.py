"""Mystery checks recorded by checkers (partners/domain/checks.py says who is visited
and when a fail proposes a suspension). Each step is a history entry: the check, the
retraining email and new visit after a fail, the suspension proposed after a second
one. Staff then suspend through the usual decision (``services.decisions``), or set the
proposal aside and keep the venue (``dismiss_suspension_proposal``)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from partners.domain import checks
from partners.models import Check, CheckOutcome, Partner, Status
from partners.services.common import (
    DecisionRefused,
    allow,
    email_venue,
    locked,
    log_event,
    reason_for,
)


@transaction.atomic
def record_check(
    *,
    partner: Partner,
    checker,
    visited_on: datetime.date,
    sticker_visible: bool,
    staff_knew: bool,
    welcome: str,
    outcome: str,
    notes: str = "",
) -> Check:
    partner = locked(partner)
    if partner.status != Status.APPROVED:
        raise DecisionRefused(
            _("“%(partner)s” is no longer an approved partner: there is nothing to check.")
            % {"partner": partner}
        )
    failed = outcome == CheckOutcome.FAIL
    check = Check.objects.create(
        partner=partner,
        checker=checker,
        visited_on=visited_on,
        sticker_visible=sticker_visible,
        staff_knew=staff_knew,
        welcome=welcome,
        outcome=outcome,
        notes=notes.strip(),
        # Before this check exists: the fail it repeats is an earlier one.
        proposes_suspension=failed and checks.repeats_a_fail(partner, visited_on),
    )
    log_event(partner=partner, by=checker, changes={"check": [None, outcome]})
    if failed:
        revisit_from = checks.revisit_from(visited_on)
        email_venue(partner, "check_failed", revisit_from=revisit_from)
        log_event(
            partner=partner,
            actor="system",
            changes={"retraining_revisit_from": [None, revisit_from.isoformat()]},
        )
    if check.proposes_suspension:
        log_event(partner=partner, actor="system", changes={"suspension_proposed": [None, True]})
    return check


@transaction.atomic
def dismiss_suspension_proposal(*, partner: Partner, by, reason: str) -> Partner:
    """Staff keep the venue: the waiting suspension proposal is set aside, with why.

    The dismissal is a time on the partner (``suspension_proposal_dismissed_at``, that of
    its history entry), as a status decision is (``status_changed_at``): a proposal waits
    only if its check was recorded after both (``domain.checks.suspension_proposed_q``),
    so the next fail proposing a suspension asks staff again. Not a mark on the check:
    checks are records that never change (``Check.Meta.triggers``), and one time on the
    partner is all the query needs. The history keeps who set it aside, when and why;
    the venue is not told, as it is not told of its checks.
    """
    reason = reason_for("dismiss_suspension_proposal", reason)
    partner = locked(partner)
    allow(partner, "dismiss_suspension_proposal", _("Setting a suspension proposal aside"))
    if not checks.suspension_proposed(partner):
        raise DecisionRefused(
            _("No suspension proposal waits for “%(partner)s”: there is nothing to set aside.")
            % {"partner": partner}
        )
    event = log_event(
        partner=partner,
        by=by,
        reason=reason,
        changes={"suspension_proposal_dismissed": [None, True]},
    )
    partner.suspension_proposal_dismissed_at = event.at
    partner.save(update_fields=["suspension_proposal_dismissed_at", "updated_at"])
    return partner
