"""Mystery checks recorded by checkers (partners/domain/checks.py says who is visited
and when a fail proposes a suspension). Each step is a history entry: the check, the
retraining email and new visit after a fail, the suspension proposed after a second
one. Staff then suspend through the usual decision (``services.decisions``)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from partners.domain import checks
from partners.models import Check, CheckOutcome, Partner, Status
from partners.services.common import DecisionRefused, email_venue, locked, log_event


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
