"""Stickers and certificates printed from the admin: approved partners only."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import (
    Partner,
    Status,
)
from partners.staff import stickers


class PrintingMixin:
    actions = ["print_sticker_sheet"]

    def _approved_or_404(self, request, object_id) -> Partner:
        partner = self.get_object(request, object_id)
        if partner is None or partner.status != Status.APPROVED:
            raise Http404
        return partner

    def sticker_svg_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        return HttpResponse(stickers.sticker_svg(partner.sticker_number), "image/svg+xml")

    def sticker_pdf_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        response = HttpResponse(stickers.sticker_pdf(partner.sticker_number), "application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="autocollant-{partner.sticker_number}.pdf"'
        )
        return response

    def certificate_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        return TemplateResponse(
            request,
            "partners/staff/certificate.html",
            {
                "partner": partner,
                "sticker": stickers.sticker_svg(partner.sticker_number),
                "verification_url": stickers.verification_url(partner.sticker_number),
            },
        )

    @admin.action(description=_("Print a sheet of their stickers (PDF)"), permissions=["view"])
    def print_sticker_sheet(self, request, queryset):
        numbers = list(
            queryset.filter(status=Status.APPROVED)
            .order_by("sticker_number")
            .values_list("sticker_number", flat=True)
        )
        if not numbers:
            self.message_user(
                request, gettext("None of the selected partners is approved."), messages.WARNING
            )
            return None
        response = HttpResponse(stickers.sheet_pdf(numbers), "application/pdf")
        response["Content-Disposition"] = 'inline; filename="autocollants.pdf"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/sticker.svg",
                view(self.sticker_svg_view),
                name="partners_partner_sticker_svg",
            ),
            path(
                "<path:object_id>/sticker.pdf",
                view(self.sticker_pdf_view),
                name="partners_partner_sticker_pdf",
            ),
            path(
                "<path:object_id>/certificate/",
                view(self.certificate_view),
                name="partners_partner_certificate",
            ),
            *super().get_urls(),
        ]
