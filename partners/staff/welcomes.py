"""What happened after each welcome, for staff and institutions: the venues' records
(read-only for everybody: only the venue deletes its own, within a week) and their
figures by département and month, as tables, CSV and XLSX."""

from collections import Counter

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from partners.domain import territories
from partners.models import Aggression, Answer, PoliceDelay, Welcome
from partners.staff.exports import table_csv_response, table_xlsx_response
from partners.staff.figures import last_months
from partners.staff.institutions import is_read_only
from partners.staff.readonly import NeverWritten
from partners.staff.scope import ScopedAdmin

TABLES = ("territories", "answers")


def territories_table(welcomes) -> tuple[str, list[str], list[list]]:
    """Welcomes per département (rows, those with any) and month of the welcome (the last
    twelve, this one included), with totals."""
    months = last_months()
    rows = (
        welcomes.filter(on__gte=months[0])
        .annotate(month=TruncMonth("on"))
        .values_list("partner__department", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(department, month): n for department, month, n in rows}
    labels = dict(territories.DEPARTMENT_CHOICES)
    departments = sorted({department for department, _ in counts})
    header = [
        gettext("Département"),
        *(date_format(m, "F Y") for m in months),
        gettext("Total"),
    ]
    body = []
    for department in departments:
        cells = [counts.get((department, m), 0) for m in months]
        body.append([labels[department], *cells, sum(cells)])
    totals = [sum(counts.get((d, m), 0) for d in departments) for m in months]
    body.append([gettext("Total"), *totals, sum(totals)])
    return gettext("Welcomes per département and month"), header, body


def answers_table(welcomes) -> tuple[str, list[str], list[list]]:
    """Over the same twelve months: each question, each answer, its count."""
    welcomes = welcomes.filter(on__gte=last_months()[0])
    questions = [
        ("kind", gettext("Kind of aggression"), Aggression.choices),
        ("police_called", gettext("Police called"), Answer.choices),
        ("police_delay", gettext("Police arrived after"), PoliceDelay.choices),
        ("stayed", gettext("Stayed until help came"), Answer.choices),
    ]
    header = [gettext("Question"), gettext("Answer"), gettext("Welcomes")]
    body = []
    for field, question, choices in questions:
        counts = Counter(dict(welcomes.values_list(field).annotate(n=Count("pk")).order_by()))
        body.extend([question, str(label), counts[value]] for value, label in choices)
    return gettext("What happened, over the last twelve months"), header, body


BUILDERS = {"territories": territories_table, "answers": answers_table}


@admin.register(Welcome)
class WelcomeAdmin(ScopedAdmin, NeverWritten, admin.ModelAdmin):
    scope_field = "partner__department"
    list_display = ["on", "partner", "kind", "police_called", "police_delay", "stayed"]
    list_filter = ["kind", "police_called", "stayed", ("on", admin.DateFieldListFilter)]
    list_select_related = ["partner"]
    search_fields = ["partner__name", "=partner__sticker_number"]
    date_hierarchy = "on"
    fields = ["partner", "on", "kind", "police_called", "police_delay", "stayed", "recorded_at"]

    # The venue records and deletes; here it is read, never written (NeverWritten).

    def may_export(self, request) -> bool:
        return self.has_view_permission(request) and not is_read_only(request.user)

    def figures_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        welcomes = self.get_queryset(request)
        tables = []
        for slug, build in BUILDERS.items():
            caption, header, body = build(welcomes)
            urls = (
                {
                    "csv_url": reverse(f"admin:partners_welcome_figures_{slug}_csv"),
                    "xlsx_url": reverse(f"admin:partners_welcome_figures_{slug}_xlsx"),
                }
                if self.may_export(request)
                else {}
            )
            # On the page thousands are grouped ("1 204"); the downloads keep numbers.
            shown = [
                [number_format(c, force_grouping=True) if isinstance(c, int) else c for c in row]
                for row in body
            ]
            tables.append(
                {"slug": slug, "caption": caption, "header": header, "body": shown, **urls}
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Welcomes in figures"),
            "opts": self.opts,
            "tables": tables,
        }
        return TemplateResponse(request, "admin/partners/welcome/figures.html", context)

    def figures_table_view(self, request, table, extension):
        if not self.may_export(request):
            raise PermissionDenied
        caption, header, body = BUILDERS[table](self.get_queryset(request))
        filename = f"accueils-{table}"
        if extension == "xlsx":
            return table_xlsx_response(filename, caption, header, body)
        return table_csv_response(filename, header, body)

    def get_urls(self):
        return [
            *(
                path(
                    f"figures/{table}.{extension}",
                    self.admin_site.admin_view(self.figures_table_view),
                    {"table": table, "extension": extension},
                    name=f"partners_welcome_figures_{table}_{extension}",
                )
                for table in TABLES
                for extension in ("csv", "xlsx")
            ),
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name="partners_welcome_figures",
            ),
            *super().get_urls(),
        ]
