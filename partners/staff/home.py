"""The admin's home: what waits for staff, each with a link to its filtered list.

Counted within the user's départements (``scoped``) and shown only to users who may view
that list; one query for the partners, one for the reports, one for a checker's visits.
"""

from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from partners.domain import checks, reconfirmation
from partners.domain.coverage import DAY, town_without_partner_q
from partners.models import CommuneCoverage, CoverageRun, Partner, Report, Status
from partners.staff import wording
from partners.staff.institutions import is_read_only
from partners.staff.scope import scoped


@dataclass(frozen=True)
class Work:
    key: str
    count: int
    label: str
    url: str
    note: str = ""


def waiting_work(user) -> list[Work]:
    if is_read_only(user):
        return []  # an institution reads; the work is FLAG!'s
    work = []
    if user.has_perm("partners.view_partner"):
        partners = reverse("admin:partners_partner_changelist")
        counts = scoped(Partner.objects.all(), user).aggregate(
            applications=Count("pk", filter=Q(status=Status.PENDING)),
            oldest=Min("confirmed_at", filter=Q(status=Status.PENDING)),
            changes=Count("pk", filter=~Q(pending_changes={})),
            overdue=Count("pk", filter=reconfirmation.overdue_q()),
            stickers=Count("pk", filter=Q(status=Status.APPROVED, sticker_sent_on__isnull=True)),
            suspensions=Count("pk", filter=checks.suspension_proposed_q()),
        )
        n = counts["applications"]
        work.append(
            Work(
                "applications",
                n,
                ngettext(
                    "%(count)d application to review",
                    "%(count)d applications to review",
                    n,
                )
                % {"count": n},
                f"{partners}?status={Status.PENDING}",
                gettext("the oldest has waited %(duration)s")
                % {"duration": wording.waited_since(counts["oldest"])}
                if counts["oldest"]
                else "",
            )
        )
        n = counts["changes"]
        work.append(
            Work(
                "changes",
                n,
                ngettext(
                    "%(count)d partner with changes awaiting review",
                    "%(count)d partners with changes awaiting review",
                    n,
                )
                % {"count": n},
                reverse("admin:partners_partner_changes"),
            )
        )
        n = counts["overdue"]
        work.append(
            Work(
                "overdue",
                n,
                ngettext(
                    "%(count)d re-confirmation overdue", "%(count)d re-confirmations overdue", n
                )
                % {"count": n},
                f"{partners}?status={Status.APPROVED}&reconfirmation=overdue",
            )
        )
        n = counts["stickers"]
        work.append(
            Work(
                "stickers",
                n,
                ngettext("%(count)d sticker to send", "%(count)d stickers to send", n)
                % {"count": n},
                f"{partners}?status={Status.APPROVED}&sticker=to_send",
            )
        )
        n = counts["suspensions"]
        work.append(
            Work(
                "suspensions",
                n,
                ngettext("%(count)d suspension proposal", "%(count)d suspension proposals", n)
                % {"count": n},
                f"{partners}?status={Status.APPROVED}&check=suspension_proposed",
                gettext("after a second failed mystery check"),
            )
        )
        work.append(coverage_work(user))
    if user.has_perm("partners.view_report"):
        n = scoped(Report.objects.unresolved(), user, "partner__department").count()
        work.insert(
            2 if work else 0,
            Work(
                "reports",
                n,
                ngettext("%(count)d open report", "%(count)d open reports", n) % {"count": n},
                reverse("admin:partners_report_changelist") + "?resolved_at__isempty=1",
            ),
        )
    # A checker's work; administrators, who may record checks too, are not counted the
    # whole network's visits on each visit of their home.
    if user.has_perm("partners.add_check") and not user.is_superuser:
        n = checks.visits(scoped(Partner.objects.all(), user), timezone.localdate()).count()
        work.append(
            Work(
                "visits",
                n,
                ngettext("%(count)d visit to make", "%(count)d visits to make", n) % {"count": n},
                reverse("admin:check_visits"),
            )
        )
    return work


def visits_url(user, work: list[Work]) -> str:
    """The checkers' visits page for a user who may open it but is not counted its
    visits in ``work`` (an administrator: the whole network's visits, uncounted), or ""."""
    if is_read_only(user) or not user.has_perm("partners.add_check"):
        return ""
    if any(item.key == "visits" for item in work):
        return ""
    return reverse("admin:check_visits")


def coverage_work(user) -> Work:
    """The towns of more than 10,000 people with no partner within 5 km by day, from the
    latest coverage run (``partners.staff.coverage``, which lists them)."""
    url = reverse("admin:partners_partner_coverage")
    run = CoverageRun.objects.first()
    if run is None:
        return Work("coverage", 0, gettext("Coverage of the network: not computed yet"), url)
    n = (
        scoped(CommuneCoverage.objects.filter(run=run), user)
        .filter(town_without_partner_q(DAY))
        .count()
    )
    return Work(
        "coverage",
        n,
        ngettext(
            "%(count)d town of more than 10,000 people with no partner within 5 km",
            "%(count)d towns of more than 10,000 people with no partner within 5 km",
            n,
        )
        % {"count": n},
        url,
        gettext("coverage of the network, by day and at night"),
    )
