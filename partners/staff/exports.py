"""CSV exports of partners: public fields and status, never the contact person."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import (
    Partner,
)


class ExportMixin:
    actions = ["export_csv"]

    CSV_FIELDS = [
        "sticker_number",
        "name",
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

    def _csv_response(self, partners):
        """Public fields plus status: never the contact person."""

        class Echo:
            def write(self, value):
                return value

        def cell(value):
            text = "" if value is None else str(value)
            # A spreadsheet would run a cell starting with these as a formula.
            return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

        def rows():
            yield [str(Partner._meta.get_field(f).verbose_name) for f in self.CSV_FIELDS] + [
                gettext("latitude"),
                gettext("longitude"),
            ]
            for p in partners.iterator(chunk_size=2000):
                yield [cell(self._csv_value(p, f)) for f in self.CSV_FIELDS] + [
                    p.location and f"{p.location.y:.6f}",
                    p.location and f"{p.location.x:.6f}",
                ]

        writer = csv.writer(Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="partenaires.csv"'
        return response

    @staticmethod
    def _csv_value(partner, field):
        if field in ("kind", "status"):
            return getattr(partner, f"get_{field}_display")()
        return getattr(partner, field)

    @admin.action(description=_("Export the selected partners as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._csv_response(queryset.order_by("name", "pk"))

    def export_view(self, request):
        """The changelist's filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._csv_response(changelist.get_queryset(request))

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="partners_partner_export",
            ),
            *super().get_urls(),
        ]
