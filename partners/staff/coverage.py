"""Where the network is missing, in the admin: the latest coverage run
(``partners.services.coverage``) at the moment chosen (by day, or at 22:00 or 03:00 of a weekday
or a Saturday night), within the reviewer's départements.

A map with a dot a commune coloured by its distance to the nearest partner; the share of the
population within 1 and 5 km, nationally and at each moment, by territory and by département;
the towns of more than 10,000 people with no partner within 5 km; the trend over the monthly
snapshots; the targets of the régions the user sees whole (``CoverageTarget``, set in
``partners/staff/targets.py``), beside each région's share now and a month before. Each
table is downloaded as CSV and XLSX like the figures' (``figures.table_response``), and so
is every commune's row.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gazetteer import communes
from partners.domain import territories
from partners.domain.coverage import (
    DAY,
    DISTANCE_CLASSES,
    MOMENTS,
    MOMENTS_BY_KEY,
    NEAR_METRES,
    REACH_METRES,
    Moment,
    distance_class,
    town_without_partner_q,
    without_partner_q,
)
from partners.models import CommuneCoverage, CoverageRun, CoverageTarget
from partners.public.search import MAX_KM
from partners.staff import charts, maps
from partners.staff.exports import table_csv_response, table_xlsx_response
from partners.staff.figures import _month_axis, _month_label, table_response
from partners.staff.scope import allowed_departments, allowed_regions, scoped

# The distance classes' colours (``DISTANCE_CLASSES``' order): Okabe and Ito's blue and
# bluish green where a partner is within 5 km, vermillion and near-black beyond; each at
# least 3:1 against the map's white, told apart by the usual colour blindnesses.
COLOURS = [charts.BLUE, charts.GREEN, charts.VERMILLION, charts.TEXT]
TABLES = ["classes", "moments", "territories", "departements", "towns", "trend"]
# The trend: the latest runs, one a month (the snapshots) and this month's.
TREND_RUNS = 12
FILENAME = "couverture"


class MomentForm(forms.Form):
    moment = forms.ChoiceField(
        label=_("Moment"),
        choices=[(m.key, m.label) for m in MOMENTS],
        widget=forms.RadioSelect,
        initial=DAY.key,
    )


def chosen_moment(query) -> tuple[MomentForm, Moment]:
    """The moment a page or download asks for (``?moment=``), the day's by default or when
    the value is not one (the form then says so)."""
    if "moment" not in query:
        return MomentForm(), DAY
    form = MomentForm(query)
    return form, MOMENTS_BY_KEY[form.cleaned_data["moment"]] if form.is_valid() else DAY


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def _by_department(rows, moment: Moment) -> dict[str, dict[str, int]]:
    """By département of ``rows``: its population (``people``), the population within 1 and
    5 km at each moment (``<moment>_near``, ``<moment>_reach``), and its towns with none
    within 5 km at ``moment``; in one query."""
    sums = {"people": Sum("population", default=0)}
    for each in MOMENTS:
        for key, metres in (("near", NEAR_METRES), ("reach", REACH_METRES)):
            sums[f"{each.key}_{key}"] = Sum(
                "population", default=0, filter=Q(**{f"{each.field}__lte": metres})
            )
    rows = (
        rows.values("department")
        .annotate(**sums, towns=Count("pk", filter=town_without_partner_q(moment)))
        .order_by("department")
    )
    return {row.pop("department"): row for row in rows}


def _region_share(departments: dict[str, dict[str, int]], region: str, moment: str):
    """The share (percent) of ``region``'s population within 5 km at ``moment``, from
    ``_by_department``'s figures; None when they hold none of its communes."""
    figures = [
        departments[code] for code in territories.departments_of(region) if code in departments
    ]
    people = sum(f["people"] for f in figures)
    if not people:
        return None
    return _share(sum(f[f"{moment}_reach"] for f in figures), people)


@dataclass
class TargetProgress:
    """A target beside its région's share now (the latest run) and a month before (the
    previous month's snapshot), in percent; None where there is no figure. Compared as the
    page shows them, to one decimal."""

    target: CoverageTarget
    now: float | None
    before: float | None
    today: datetime.date

    @property
    def gap(self) -> float | None:
        """The points still to gain (none or negative: reached)."""
        if self.now is None:
            return None
        return round(float(self.target.share) - round(self.now, 1), 1)

    @property
    def reached(self) -> bool:
        return self.gap is not None and self.gap <= 0

    @property
    def change(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return round(self.now, 1) - round(self.before, 1)

    @property
    def status(self) -> str:
        """Where it stands, in words: reached, or how far it is."""
        if self.now is None:
            return gettext("Not measured yet")
        if self.reached:
            return gettext("Reached")
        values = {
            "gap": formats.number_format(self.gap, 1),
            "date": formats.date_format(self.target.by, "j F Y"),
        }
        if self.target.by < self.today:
            return gettext("Not reached by %(date)s: %(gap)s points short") % values
        return gettext("Not yet: %(gap)s points to go by %(date)s") % values


class Coverage:
    """The latest run's figures for ``user`` (their départements) at ``moment``."""

    def __init__(self, user, moment: Moment):
        self.user = user
        self.moment = moment
        self.run = CoverageRun.objects.first()

    @property
    def scoped(self) -> bool:
        return allowed_departments(self.user) is not None

    @cached_property
    def rows(self):
        return scoped(CommuneCoverage.objects.filter(run=self.run), self.user)

    @cached_property
    def departments(self) -> dict[str, dict[str, int]]:
        """The latest run's figures by département (``_by_department``)."""
        return _by_department(self.rows, self.moment)

    @cached_property
    def previous_run(self) -> CoverageRun | None:
        """The snapshot of the month before the latest run's."""
        if self.run is None:
            return None
        month = self.run.computed_on.replace(day=1)
        return CoverageRun.objects.filter(computed_on__lt=month).first()

    def targets(self) -> list[TargetProgress]:
        """The targets of the régions the user sees whole, with where each stands."""
        targets = CoverageTarget.objects.all()
        regions = allowed_regions(self.user)
        if regions is not None:
            targets = targets.filter(region__in=regions)
        before = {}
        if self.previous_run is not None:
            rows = CommuneCoverage.objects.filter(run=self.previous_run)
            before = _by_department(scoped(rows, self.user), self.moment)
        today = timezone.localdate()
        return [
            TargetProgress(
                target,
                now=_region_share(self.departments, target.region, target.moment),
                before=_region_share(before, target.region, target.moment),
                today=today,
            )
            for target in targets
        ]

    def _totals(self, codes) -> Counter:
        totals = Counter()
        for code in codes:
            totals.update(self.departments[code])
        return totals

    @cached_property
    def totals(self) -> Counter:
        return self._totals(self.departments)

    def _reach_series(self) -> list[charts.Series]:
        return [
            charts.Series(gettext("Population"), decimals=0),
            charts.Series(gettext("Within 1 km (%)")),
            charts.Series(gettext("Within 5 km (%)")),
            charts.Series(
                gettext("Towns of more than 10,000 people with none within 5 km"), decimals=0
            ),
        ]

    def _reach_values(self, figures) -> list[float]:
        key = self.moment.key
        return [
            figures["people"],
            _share(figures[f"{key}_near"], figures["people"]),
            _share(figures[f"{key}_reach"], figures["people"]),
            figures["towns"],
        ]

    def classes_table(self) -> maps.DotMap:
        dots, communes_in, people_in = [], Counter(), Counter()
        rows = self.rows.values_list("department", "insee", "population", self.moment.field)
        for department, insee, population, metres in rows:
            index = DISTANCE_CLASSES.index(distance_class(metres))
            communes_in[index] += 1
            people_in[index] += population
            if commune := communes.by_code(insee):
                dots.append((department, commune.lat, commune.lon, index))
        total = sum(people_in.values())
        return maps.DotMap(
            slug="classes",
            title=gettext("Distance to the nearest partner: %(moment)s")
            % {"moment": self.moment.label},
            description=gettext(
                "Map of mainland France with Corsica and, beside it, one inset per overseas "
                "territory. Each commune is a dot where its town hall is, coloured by the "
                "distance to the nearest partner: blue 1 km or less, green 1 to 5 km, "
                "orange-red 5 to 20 km, black farther or none within reach. The table gives the "
                "communes and people of each class."
            ),
            category_label=gettext("Distance to the nearest partner"),
            categories=[str(option.label) for option in DISTANCE_CLASSES],
            series=[
                charts.Series(gettext("Communes"), decimals=0),
                charts.Series(gettext("Population"), decimals=0),
                charts.Series(gettext("Share of the population (%)")),
            ],
            values=[
                [communes_in[i], people_in[i], _share(people_in[i], total)]
                for i in range(len(DISTANCE_CLASSES))
            ],
            decimals=1,
            dots=dots,
            colours=COLOURS,
            zoom=self.scoped,
        )

    def moments_table(self) -> charts.Table:
        totals = self.totals
        return charts.Table(
            slug="moments",
            title=gettext("Share of the population within reach of a partner, by day and night"),
            description="",
            category_label=gettext("Moment"),
            categories=[str(moment.label) for moment in MOMENTS],
            series=[
                charts.Series(gettext("Within 1 km (%)")),
                charts.Series(gettext("Within 5 km (%)")),
            ],
            values=[
                [
                    _share(totals[f"{moment.key}_near"], totals["people"]),
                    _share(totals[f"{moment.key}_reach"], totals["people"]),
                ]
                for moment in MOMENTS
            ],
            decimals=1,
        )

    def territories_table(self) -> charts.Table:
        by_territory = defaultdict(list)
        for code in self.departments:
            by_territory[territories.territory_of(code).code].append(code)
        listed = [code for code in territories.TERRITORIES if code in by_territory]
        return charts.Table(
            slug="territories",
            title=gettext("By territory: %(moment)s") % {"moment": self.moment.label},
            description="",
            category_label=gettext("Territory"),
            categories=[str(territories.TERRITORIES[code].name) for code in listed],
            series=self._reach_series(),
            values=[self._reach_values(self._totals(by_territory[code])) for code in listed],
            decimals=1,
        )

    def departements_table(self) -> charts.Table:
        labels = dict(territories.DEPARTMENT_CHOICES)
        return charts.Table(
            slug="departements",
            title=gettext("By département: %(moment)s") % {"moment": self.moment.label},
            description="",
            category_label=gettext("Département"),
            categories=[labels[code] for code in self.departments],
            series=self._reach_series(),
            values=[self._reach_values(figures) for figures in self.departments.values()],
            decimals=1,
        )

    def towns_table(self) -> charts.Table:
        towns = (
            self.rows.filter(town_without_partner_q(self.moment))
            .order_by("-population", "insee")
            .values_list("insee", "department", "population", self.moment.field)
        )
        names = []
        for insee, department, _population, _metres in towns:
            commune = communes.by_code(insee)
            names.append(f"{commune.name if commune else insee} ({department})")
        return charts.Table(
            slug="towns",
            title=gettext(
                "Towns of more than 10,000 people with no partner within 5 km: %(moment)s"
            )
            % {"moment": self.moment.label},
            description="",
            category_label=gettext("Commune"),
            categories=names,
            series=[
                charts.Series(gettext("Population"), decimals=0),
                charts.Series(gettext("Nearest partner (km)")),
            ],
            values=[
                [population, None if metres is None else metres / 1000]
                for _insee, _department, population, metres in towns
            ],
            decimals=1,
        )

    def trend_table(self) -> charts.Chart:
        runs = list(CoverageRun.objects.order_by("-computed_on")[:TREND_RUNS])[::-1]
        field = self.moment.field
        shares = {
            row["run"]: row
            for row in scoped(CommuneCoverage.objects.filter(run__in=runs), self.user)
            .values("run")
            .annotate(
                people=Sum("population", default=0),
                near=Sum("population", default=0, filter=Q(**{f"{field}__lte": NEAR_METRES})),
                reach=Sum("population", default=0, filter=Q(**{f"{field}__lte": REACH_METRES})),
            )
            .order_by()
        }
        empty = {"people": 0, "near": 0, "reach": 0}
        months = [run.computed_on for run in runs]
        return charts.Chart(
            slug="trend",
            title=gettext("Population within reach, month by month: %(moment)s")
            % {"moment": self.moment.label},
            description=gettext(
                "Bars per month, from the snapshot kept for each month (this month's latest "
                "computation): the share of the population within 1 km and within 5 km of a "
                "partner."
            ),
            category_label=gettext("Month"),
            categories=[_month_label(month) for month in months],
            axis_labels=_month_axis(months),
            series=[
                charts.Series(gettext("Within 1 km (%)"), charts.BLUE),
                charts.Series(gettext("Within 5 km (%)"), charts.GREEN),
            ],
            values=[
                [
                    _share(figures["near"], figures["people"]),
                    _share(figures["reach"], figures["people"]),
                ]
                for figures in (shares.get(run.pk, empty) for run in runs)
            ],
            decimals=1,
        )

    def table(self, slug: str) -> charts.Table:
        built = getattr(self, f"{slug}_table")()
        query = f"?moment={self.moment.key}"
        built.csv_url = reverse(f"admin:partners_partner_coverage_{slug}_csv") + query
        built.xlsx_url = reverse(f"admin:partners_partner_coverage_{slug}_xlsx") + query
        return built

    def communes_export(self, extension: str):
        """Every commune's row of the run: its distances in km at each moment."""
        header = [
            gettext("INSEE code"),
            gettext("Commune"),
            gettext("Département"),
            gettext("Population"),
            *(gettext("%(moment)s: nearest partner (km)") % {"moment": m.label} for m in MOMENTS),
        ]
        rows = []
        fields = [m.field for m in MOMENTS]
        for insee, department, population, *distances in self.rows.order_by("insee").values_list(
            "insee", "department", "population", *fields
        ):
            commune = communes.by_code(insee)
            kms = [None if metres is None else round(metres / 1000, 1) for metres in distances]
            if extension == "csv":
                kms = ["" if km is None else f"{km:.1f}".replace(".", ",") for km in kms]
            rows.append([insee, commune.name if commune else "", department, population, *kms])
        filename = f"{FILENAME}-communes"
        if extension == "xlsx":
            return table_xlsx_response(filename, gettext("Communes"), header, rows)
        return table_csv_response(filename, header, rows)


class CoverageMixin:
    def coverage_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form, moment = chosen_moment(request.GET)
        coverage = Coverage(request.user, moment)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Coverage of the network"),
            "opts": self.opts,
            "form": form,
            "moment": moment,
            "run": coverage.run,
            "max_km": MAX_KM,
        }
        if coverage.run is not None:
            tables = {slug: coverage.table(slug) for slug in TABLES}
            without = coverage.rows.filter(without_partner_q(moment)).aggregate(
                communes=Count("pk"), population=Sum("population", default=0)
            )
            context.update(
                tables=tables,
                scoped=coverage.scoped,
                legend=[
                    (colour, option.label)
                    for colour, option in zip(COLOURS, DISTANCE_CLASSES, strict=True)
                ],
                without=without,
                without_share=_share(without["population"], coverage.totals["people"]),
                communes_csv_url=reverse("admin:partners_partner_coverage_communes_csv"),
                communes_xlsx_url=reverse("admin:partners_partner_coverage_communes_xlsx"),
                targets=coverage.targets(),
                previous_run=coverage.previous_run,
            )
        if request.user.has_perm("partners.view_coveragetarget"):
            context["targets_url"] = reverse("admin:partners_coveragetarget_changelist")
        return TemplateResponse(request, "admin/partners/coverage.html", context)

    def coverage_table_view(self, request, table, extension):
        """One of the coverage page's tables, or every commune's row, for a spreadsheet."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        _form, moment = chosen_moment(request.GET)
        coverage = Coverage(request.user, moment)
        if table == "communes":
            return coverage.communes_export(extension)
        built = coverage.table(table)
        return table_response(built, extension, f"{FILENAME}-{built.slug}-{moment.key}")

    def get_urls(self):
        return [
            *(
                path(
                    f"coverage/{table}.{extension}",
                    self.admin_site.admin_view(self.coverage_table_view),
                    {"table": table, "extension": extension},
                    name=f"partners_partner_coverage_{table}_{extension}",
                )
                for table in [*TABLES, "communes"]
                for extension in ("csv", "xlsx")
            ),
            path(
                "coverage/",
                self.admin_site.admin_view(self.coverage_view),
                name="partners_partner_coverage",
            ),
            *super().get_urls(),
        ]
