"""The public figures (``/chiffres/``): what happened after the welcomes of the last twelve
complete months, by région, month, kind of aggression, police and whether the person
stayed; every count under 5 hidden, and those that would reveal one
(``partners/domain/disclosure.py``).

The page is a monthly snapshot: it counts the welcomes recorded before the first day of
this month, so it changes once a month, not with each record (comparing two days would
otherwise tell a small count).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from partners.domain import disclosure, territories
from partners.models import Aggression, Answer, PoliceDelay, Welcome

MONTHS = 12


def snapshot_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the ``MONTHS`` complete months before ``today``'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(datetime.date(year, month, 1))
    return months[::-1]


@dataclass
class Row:
    label: str
    count: int | None  # None: hidden


@dataclass
class Table:
    slug: str
    caption: str
    heading: str
    rows: list[Row]
    total_label: str
    total: int | None


def public_figures(now: datetime.datetime | None = None) -> dict:
    today = timezone.localdate(now)
    months = snapshot_months(today)
    cutoff = timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time()))
    welcomes = Welcome.objects.filter(
        recorded_at__lt=cutoff, on__gte=months[0], on__lt=today.replace(day=1)
    )
    counts: Counter = Counter()
    by_department = welcomes.values_list("partner__department").annotate(n=Count("pk")).order_by()
    for department, n in by_department:
        counts["region", territories.region_of(department)] += n
    per_month = (
        welcomes.annotate(month=TruncMonth("on")).values_list("month").annotate(n=Count("pk"))
    )
    for month, n in per_month.order_by():
        counts["month", month] += n
    for field in ("kind", "police_called", "police_delay", "stayed"):
        for value, n in welcomes.values_list(field).annotate(n=Count("pk")).order_by():
            if value:
                counts[field, value] += n
    counts["total"] = welcomes.count()

    dimensions = {
        "region": [(region, region) for region in territories.REGIONS],
        "month": [(month, date_format(month, "F Y")) for month in months],
        "kind": Aggression.choices,
        "police_called": Answer.choices,
        "stayed": Answer.choices,
    }
    parts = {name: [(name, value) for value, _ in values] for name, values in dimensions.items()}
    parts["police_delay"] = [("police_delay", value) for value in PoliceDelay.values]
    keys = [*(k for keys in parts.values() for k in keys), "total"]
    full = {key: counts[key] for key in keys}
    lines = [("total", parts[name]) for name in dimensions]
    lines.append((("police_called", Answer.YES.value), parts["police_delay"]))
    hidden = disclosure.hidden_cells(full, lines)

    def shown(key):
        return None if key in hidden else full[key]

    def table(slug, caption, heading, name, labels, total_key="total", total_label=None):
        return Table(
            slug=slug,
            caption=caption,
            heading=heading,
            rows=[Row(str(label), shown((name, value))) for value, label in labels],
            total_label=total_label or gettext("Total"),
            total=shown(total_key),
        )

    return {
        "months": months,
        "threshold": disclosure.THRESHOLD,
        "total": shown("total"),
        "tables": [
            table(
                "regions",
                gettext("Welcomes by région"),
                gettext("Région"),
                "region",
                dimensions["region"],
            ),
            table(
                "months",
                gettext("Welcomes by month"),
                gettext("Month of the welcome"),
                "month",
                dimensions["month"],
            ),
            table(
                "kinds",
                gettext("Kind of aggression"),
                gettext("Kind"),
                "kind",
                Aggression.choices,
            ),
            table(
                "police",
                gettext("Were the police called?"),
                gettext("Answer"),
                "police_called",
                Answer.choices,
            ),
            table(
                "delays",
                gettext("When the police were called, how long they took"),
                gettext("Time to arrive"),
                "police_delay",
                PoliceDelay.choices,
                total_key=("police_called", Answer.YES.value),
                total_label=gettext("Police called"),
            ),
            table(
                "stayed",
                gettext("Did the person stay until help came?"),
                gettext("Answer"),
                "stayed",
                Answer.choices,
            ),
        ],
    }


def figures(request):
    return render(request, "partners/public/figures.html", public_figures())
