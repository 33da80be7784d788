"""Exports of partners for spreadsheets: public fields and status, never the contact person.

Two formats of the same rows. CSV as French Excel opens it with a double click: ``;``
between cells (the comma is the decimal separator there), a UTF-8 byte-order mark (without
it Excel reads the accents as Windows-1252), through ``defusedcsv`` so that no cell runs as
a formula. XLSX through ``openpyxl``, every cell typed: text stays text (a name starting
with "=" is not a formula), dates are dates. Phones are written as dialled locally
("01 49 27 86 21"): "+33…" would read as a formula to neutralise or a number to round.
Yes and no are words.
"""

import datetime
import io
import re

from defusedcsv import csv
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from partners.models import Partner
from partners.public.fields import phone_display
from partners.staff.institutions import is_read_only

FIELDS = [
    "sticker_number",
    "name",
    "organisation",
    "kind",
    "status",
    "address",
    "postcode",
    "city",
    "department",
    "phone",
    "website",
    "email",
    "step_free",
    "approved_at",
    "sticker_sent_on",
]
FILENAME = "partenaires"
BOM = "\ufeff"


def headers() -> list[str]:
    return [str(Partner._meta.get_field(f).verbose_name) for f in FIELDS] + [
        gettext("latitude"),
        gettext("longitude"),
    ]


def values(partner: Partner) -> list:
    """A partner's cells as Python values: text, numbers, dates; None when empty."""
    cells = []
    for field in FIELDS:
        value = getattr(partner, field)
        if field in ("kind", "status"):
            value = getattr(partner, f"get_{field}_display")()
        elif field == "phone":
            value = phone_display(str(value), partner.department) if value else None
        elif isinstance(value, bool):
            value = (
                pgettext("spreadsheet cell", "yes") if value else pgettext("spreadsheet cell", "no")
            )
        elif isinstance(value, datetime.datetime):
            # Local time, without the zone a spreadsheet cannot read.
            value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        cells.append(value if value != "" else None)
    location = partner.location
    return [*cells, location and round(location.y, 6), location and round(location.x, 6)]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.6f}".replace(".", ",")  # French decimal comma
    return str(value)


class _Echo:
    """A file that hands back what is written: csv.writer's rows as strings."""

    def write(self, value):
        return value


def _csv_lines(header: list[str], rows):
    """The lines of a CSV as French Excel opens it: the byte-order mark, then ``;``
    between cells, through defusedcsv."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_text(value) for value in row])


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(partners) -> StreamingHttpResponse:
    rows = (values(partner) for partner in partners.iterator(chunk_size=2000))
    response = StreamingHttpResponse(
        _csv_lines(headers(), rows), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{FILENAME}.csv")


def table_csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    """A small table (the figures') as French Excel opens it, like the partners' CSV."""
    body = "".join(_csv_lines(header, rows))
    return _attachment(
        HttpResponse(body, content_type="text/csv; charset=utf-8"), f"{filename}.csv"
    )


def table_xlsx_response(filename: str, sheet_title: str, header: list[str], rows) -> HttpResponse:
    """Rows of Python values as an Excel workbook, every cell typed: the partners' export,
    and the figures' small tables."""
    book = Workbook(write_only=True)
    # A sheet's name: 31 characters at most, none of []:*?/\.
    sheet = book.create_sheet(re.sub(r"[][:*?/\\]", " ", sheet_title)[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, **style):
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # never a formula, whatever it starts with
        for name, setting in style.items():
            setattr(written, name, setting)
        if isinstance(value, datetime.datetime):
            written.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, datetime.date):
            written.number_format = "DD/MM/YYYY"
        return written

    sheet.append([cell(title, font=bold) for title in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    body = io.BytesIO()
    book.save(body)
    response = HttpResponse(
        body.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, f"{filename}.xlsx")


def xlsx_response(partners) -> HttpResponse:
    rows = (values(partner) for partner in partners.iterator(chunk_size=2000))
    return table_xlsx_response(FILENAME, pgettext("spreadsheet sheet", "Partners"), headers(), rows)


FORMATS = {"csv": csv_response, "xlsx": xlsx_response}


class ExportMixin:
    actions = ["export_csv", "export_xlsx"]

    @admin.action(
        description=_("Export the selected partners (CSV for Excel)"), permissions=["view"]
    )
    def export_csv(self, request, queryset):
        return csv_response(queryset.order_by("name", "pk"))

    @admin.action(description=_("Export the selected partners (Excel .xlsx)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return xlsx_response(queryset.order_by("name", "pk"))

    def export_view(self, request, extension):
        """The changelist's filters and search, as a file."""
        if not self.has_view_permission(request) or is_read_only(request.user):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return FORMATS[extension](changelist.get_queryset(request))

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [
            path("export.csv", view, {"extension": "csv"}, name="partners_partner_export"),
            path("export.xlsx", view, {"extension": "xlsx"}, name="partners_partner_export_xlsx"),
            *super().get_urls(),
        ]
