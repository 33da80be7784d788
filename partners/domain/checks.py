"""Mystery checks: which approved partners a checker should visit, in which order, and
when a fail proposes a suspension to staff (recorded by ``partners.services.checks``).

The visits, first first:

1. partners never checked, approved longest ago first;
2. new visits after a fail, once the venue has had ``REVISIT_AFTER_DAYS`` to retrain
   (the retraining email says so), the earliest fail first;
3. partners last checked more than ``CHECK_EVERY_DAYS`` ago, the oldest check first;
4. partners with an open report made since their last check, the oldest report first.

A partner checked within the year, with no fail to follow and no new report, waits. A
partner that has just failed is not visited again before its retraining time, whatever
is reported meanwhile.

A fail proposes a suspension when the same partner failed another check in the
``REPEAT_FAIL_DAYS`` before it, whatever came in between: a venue that passed the new
visit after retraining, then failed again within the year, has not kept what it learnt.
The proposal waits in the staff's home until staff decide on the partner's status
(suspend, or any other status change), staff set it aside and keep the venue
(``services.checks.dismiss_suspension_proposal``), or a later check replaces the fail.
Only a new fail proposing a suspension after that asks staff again.
"""

import datetime

from django.db.models import (
    Case,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext_lazy as _

from partners.models import Check, CheckOutcome, Partner, Report, Status

CHECK_EVERY_DAYS = 365
REVISIT_AFTER_DAYS = 30
REPEAT_FAIL_DAYS = 365


class Visit:
    """Why a partner is to visit, in the order of the visits."""

    NEVER_CHECKED = 1
    REVISIT = 2
    CHECK_DUE = 3
    REPORTED = 4

    LABELS = {
        NEVER_CHECKED: _("Never checked"),
        REVISIT: _("New visit after a fail"),
        CHECK_DUE: _("Last checked over a year ago"),
        REPORTED: _("Reported since the last check"),
    }


def _latest_checks():
    return Check.objects.filter(partner=OuterRef("pk")).order_by(
        "-visited_on", "-created_at", "-pk"
    )


def revisit_from(visited_on: datetime.date) -> datetime.date:
    """The first day of the new visit after a fail on ``visited_on``."""
    return visited_on + datetime.timedelta(days=REVISIT_AFTER_DAYS)


def visits(partners, today: datetime.date):
    """The approved ``partners`` to visit on ``today``, annotated with ``visit`` (a
    ``Visit``), ``last_visit`` and ``waiting_since``, first to visit first."""
    revisit_cutoff = today - datetime.timedelta(days=REVISIT_AFTER_DAYS)
    due_cutoff = today - datetime.timedelta(days=CHECK_EVERY_DAYS)
    reports = Report.objects.unresolved().filter(partner=OuterRef("pk"))
    return (
        partners.filter(status=Status.APPROVED)
        .annotate(
            last_visit=Subquery(_latest_checks().values("visited_on")[:1]),
            last_outcome=Subquery(_latest_checks().values("outcome")[:1]),
        )
        .annotate(
            reported_on=Subquery(
                reports.filter(created_at__date__gt=OuterRef("last_visit"))
                .order_by("created_at")
                .values("created_at")[:1]
            )
        )
        .annotate(
            visit=Case(
                When(last_visit__isnull=True, then=Value(Visit.NEVER_CHECKED)),
                When(
                    last_outcome=CheckOutcome.FAIL,
                    last_visit__gt=revisit_cutoff,
                    then=Value(None),
                ),
                When(last_outcome=CheckOutcome.FAIL, then=Value(Visit.REVISIT)),
                When(last_visit__lte=due_cutoff, then=Value(Visit.CHECK_DUE)),
                When(reported_on__isnull=False, then=Value(Visit.REPORTED)),
                default=Value(None),
                output_field=IntegerField(),
            ),
            waiting_since=Case(
                When(last_visit__isnull=True, then=TruncDate("approved_at")),
                When(
                    last_outcome=CheckOutcome.FAIL,
                    last_visit__lte=revisit_cutoff,
                    then="last_visit",
                ),
                When(last_visit__lte=due_cutoff, then="last_visit"),
                default=TruncDate("reported_on"),
                output_field=DateField(),
            ),
        )
        .filter(visit__isnull=False)
        .order_by("visit", "waiting_since", "pk")
    )


def suspension_proposed_q() -> Q:
    """Approved partners whose latest check is a fail proposing a suspension, with no
    status decision, and not set aside, since it was recorded."""
    latest = _latest_checks()
    # The few partners a check ever proposed to suspend first (a hashed semi-join): the
    # latest check is looked up for those only, not for every partner the home counts.
    proposed = Check.objects.filter(proposes_suspension=True).values("partner")
    return Q(status=Status.APPROVED, pk__in=proposed) & Q(
        Exact(Subquery(latest.values("proposes_suspension")[:1]), True),
        GreaterThan(
            Subquery(latest.values("created_at")[:1]),
            Greatest(
                "status_changed_at",
                Coalesce("suspension_proposal_dismissed_at", "status_changed_at"),
            ),
        ),
    )


def suspension_proposed(partner: Partner) -> bool:
    """Whether a suspension proposal waits for staff on ``partner``."""
    return Partner.objects.filter(suspension_proposed_q(), pk=partner.pk).exists()


def repeats_a_fail(partner: Partner, visited_on: datetime.date) -> bool:
    """Whether a fail on ``visited_on`` follows another fail of ``partner`` within
    ``REPEAT_FAIL_DAYS``."""
    since = visited_on - datetime.timedelta(days=REPEAT_FAIL_DAYS)
    return partner.checks.filter(
        outcome=CheckOutcome.FAIL, visited_on__gte=since, visited_on__lte=visited_on
    ).exists()


def last_checked_on(partner: Partner) -> datetime.date | None:
    """The day of the partner's latest check (the public sticker page says its month)."""
    return partner.checks.order_by("-visited_on").values_list("visited_on", flat=True).first()
