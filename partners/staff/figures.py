"""The network at a glance: partners by status, kind and région, the review's pace, and
what waits for staff; three figures (applications and decisions per month and review
delays per month as charts, approved partners per département on a map), each with its
table, its CSV and its XLSX (``exports.table_csv_response``, ``exports.table_xlsx_response``)."""

import datetime
import statistics
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from partners.domain import reconfirmation, territories
from partners.models import (
    Partner,
    PartnerEvent,
    Report,
    Status,
)
from partners.staff import charts, institutions, maps
from partners.staff.exports import table_csv_response, table_xlsx_response
from partners.staff.scope import scoped

MONTHS = 12
DAY = 86400


def last_months(count: int = MONTHS) -> list[datetime.date]:
    """The first days of the last ``count`` months, this one included, oldest first."""
    today = timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _per_month(queryset, field: str, since: datetime.date) -> dict[datetime.date, int]:
    rows = (
        queryset.filter(**{f"{field}__date__gte": since})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {timezone.localtime(month).date(): n for month, n in rows}


def decisions_of(user):
    """Reviews of an application (pending → approved or rejected), within ``user``'s scope."""
    return scoped(PartnerEvent.objects, user, "partner__department").filter(
        from_status=Status.PENDING,
        to_status__in=[Status.APPROVED, Status.REJECTED],
        partner__confirmed_at__isnull=False,
    )


def _month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _month_axis(months: list[datetime.date]) -> list[tuple[str, str]]:
    """Under the bars: "avr.", the year under the first month and each January."""
    return [
        (date_format(m, "N"), str(m.year) if i == 0 or m.month == 1 else "")
        for i, m in enumerate(months)
    ]


def applications_chart(partners, user) -> charts.Chart:
    months = last_months()
    applied = _per_month(partners.filter(confirmed_at__isnull=False), "confirmed_at", months[0])
    events = decisions_of(user)
    approved = _per_month(events.filter(to_status=Status.APPROVED), "at", months[0])
    rejected = _per_month(events.filter(to_status=Status.REJECTED), "at", months[0])
    return charts.Chart(
        slug="applications",
        title=gettext("Applications and decisions per month"),
        description=gettext(
            "Bars per month over the last twelve months: applications (email confirmed), "
            "approvals and rejections."
        ),
        category_label=gettext("Month"),
        categories=[_month_label(m) for m in months],
        axis_labels=_month_axis(months),
        series=[
            charts.Series(gettext("Applications"), charts.BLUE),
            charts.Series(pgettext("chart series", "Approved"), charts.GREEN),
            charts.Series(pgettext("chart series", "Rejected"), charts.VERMILLION),
        ],
        values=[[applied.get(m, 0), approved.get(m, 0), rejected.get(m, 0)] for m in months],
    )


def territories_map(partners) -> maps.Map:
    counts = dict(
        partners.filter(status=Status.APPROVED)
        .values_list("department")
        .annotate(n=Count("pk"))
        .order_by()
    )
    listed = sorted(counts, key=lambda code: (-counts[code], code))
    labels = dict(territories.DEPARTMENT_CHOICES)
    return maps.Map(
        slug="territories",
        title=gettext("Approved partners per département"),
        description=gettext(
            "Map of mainland France with Corsica and, beside it, one inset per overseas "
            "territory. Each département with approved partners is a circle where its "
            "people live, its area proportional to its partners; the table lists the same "
            "numbers."
        ),
        category_label=gettext("Département"),
        categories=[labels[code] for code in listed],
        series=[charts.Series(gettext("Approved partners"), charts.BLUE)],
        values=[[counts[code]] for code in listed],
        counts=counts,
    )


def delays_chart(user) -> charts.Chart:
    months = last_months()
    delays: dict[datetime.date, list[float]] = {m: [] for m in months}
    rows = (
        decisions_of(user)
        .filter(at__date__gte=months[0])
        .values_list("at", "partner__confirmed_at")
    )
    for at, confirmed in rows:
        month = timezone.localtime(at).date().replace(day=1)
        if month in delays:
            delays[month].append((at - confirmed).total_seconds() / DAY)

    def p90(values):
        if len(values) < 2:
            return values[0] if values else 0
        return statistics.quantiles(values, n=10, method="inclusive")[-1]

    return charts.Chart(
        slug="delays",
        title=gettext("Review delays per month (days)"),
        description=gettext(
            "For the applications decided each month over the last twelve months, the days "
            "from email confirmation to decision: the median, and the 90th percentile "
            "(nine in ten decided within it). A month without decisions shows 0."
        ),
        category_label=gettext("Month of the decision"),
        categories=[_month_label(m) for m in months],
        axis_labels=_month_axis(months),
        series=[
            charts.Series(gettext("Median"), charts.BLUE),
            charts.Series(gettext("90th percentile"), charts.VERMILLION),
        ],
        values=[[statistics.median(delays[m]) if delays[m] else 0, p90(delays[m])] for m in months],
        decimals=1,
    )


CHARTS = ["applications", "territories", "delays"]


def table_response(table: charts.Table, extension: str, filename: str):
    """A figure's table, as its page shows it, as CSV or XLSX. An empty value (None) is an
    empty cell."""
    header = [table.category_label, *(s.label for s in table.series)]
    pairs = zip(table.categories, table.values, strict=True)
    if extension == "xlsx":
        # Numbers as numbers, rounded as the page shows them.
        rows = [
            [
                category,
                *(
                    None if v is None else round(v, table.decimals_of(s))
                    for v, s in zip(values, table.series, strict=True)
                ),
            ]
            for category, values in pairs
        ]
        return table_xlsx_response(filename, table.title, header, rows)
    rows = [
        [
            category,
            *(
                "" if v is None else table.shown(v, s).replace(".", ",")
                for v, s in zip(values, table.series, strict=True)
            ),
        ]
        for category, values in pairs
    ]
    return table_csv_response(filename, header, rows)


def figure_charts(partners, user) -> list[charts.Table]:
    built = [applications_chart(partners, user), territories_map(partners), delays_chart(user)]
    if not institutions.is_read_only(user):
        for chart in built:
            chart.csv_url = reverse(f"admin:partners_partner_figures_{chart.slug}_csv")
            chart.xlsx_url = reverse(f"admin:partners_partner_figures_{chart.slug}_xlsx")
    return built


class FiguresMixin:
    def figures_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = self.get_queryset(request)
        by_status = dict(partners.values_list("status").annotate(n=Count("pk")).order_by())
        by_kind = Counter(dict(partners.values_list("kind").annotate(n=Count("pk")).order_by()))
        by_department = dict(
            partners.filter(status=Status.APPROVED)
            .values_list("department")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_region = Counter()
        for code, n in by_department.items():
            by_region[territories.region_of(code)] += n
        per_month = (
            partners.filter(confirmed_at__isnull=False)
            .annotate(month=TruncMonth("confirmed_at"))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by("-month")[:24]
        )
        decisions = decisions_of(request.user).values_list("at", "partner__confirmed_at")
        delays = [(at - confirmed).total_seconds() for at, confirmed in decisions]
        median = datetime.timedelta(seconds=statistics.median(delays)) if delays else None
        kinds = dict(Partner._meta.get_field("kind").choices)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Figures"),
            "opts": self.opts,
            "read_only_account": institutions.is_read_only(request.user),
            "by_status": [(label, by_status.get(value, 0)) for value, label in Status.choices],
            "by_kind": [(kinds[k], n) for k, n in by_kind.most_common()],
            "by_region": by_region.most_common(),
            "per_month": list(per_month),
            "charts": figure_charts(partners, request.user),
            "median_delay": median,
            "decision_count": len(delays),
            "stickers_to_send": partners.filter(
                status=Status.APPROVED, sticker_sent_on__isnull=True
            ).count(),
            "overdue": partners.filter(reconfirmation.overdue_q()).count(),
            "open_reports": scoped(
                Report.objects.unresolved(), request.user, "partner__department"
            ).count(),
        }
        return TemplateResponse(request, "admin/partners/figures.html", context)

    def figures_table_view(self, request, chart, extension):
        """One figure's table, as the figures page shows it, for a spreadsheet."""
        if not self.has_view_permission(request) or institutions.is_read_only(request.user):
            raise PermissionDenied
        partners = self.get_queryset(request)
        built = {
            "applications": lambda: applications_chart(partners, request.user),
            "territories": lambda: territories_map(partners),
            "delays": lambda: delays_chart(request.user),
        }[chart]()
        return table_response(built, extension, f"chiffres-{built.slug}")

    def get_urls(self):
        return [
            *(
                path(
                    f"figures/{chart}.{extension}",
                    self.admin_site.admin_view(self.figures_table_view),
                    {"chart": chart, "extension": extension},
                    name=f"partners_partner_figures_{chart}_{extension}",
                )
                for chart in CHARTS
                for extension in ("csv", "xlsx")
            ),
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name="partners_partner_figures",
            ),
            *super().get_urls(),
        ]
