"""The admin's actions for a contact person's RGPD requests: export and erasure, within
the reviewer's scope (``partners.services.privacy`` does the work)."""

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.models import Partner, PartnerEvent
from partners.services.privacy import contact_data, erase_contact, same_contact


def _partners_of_the_request(modeladmin, request, queryset) -> list[Partner]:
    """``same_contact`` within the staff user's scope; says so when the same contact has
    venues outside it, which an administrator must then cover."""
    partners = list(same_contact(queryset, among=modeladmin.get_queryset(request)))
    if same_contact(queryset, among=Partner.objects.all()).count() > len(partners):
        modeladmin.message_user(
            request,
            _(
                "This contact person also looks after venues outside your départements: "
                "ask an administrator to complete the request for those."
            ),
            messages.WARNING,
        )
    return partners


@admin.action(description=_("Export the contact person's data"), permissions=["change"])
def export_contact_data(modeladmin, request, queryset):
    partners = _partners_of_the_request(modeladmin, request, queryset)
    with transaction.atomic():
        for partner in partners:
            PartnerEvent.objects.create(
                partner=partner, by=request.user, reason="Données du contact exportées."
            )
    body = json.dumps(contact_data(partners), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="donnees-contact.json"'
    return response


@admin.action(description=_("Erase the contact person's data"), permissions=["change"])
def erase_contact_data(modeladmin, request, queryset):
    partners = _partners_of_the_request(modeladmin, request, queryset)
    if request.POST.get("confirm") == "yes":
        for partner in partners:
            erase_contact(partner=partner, by=request.user)
        count = len(partners)
        modeladmin.message_user(
            request,
            ngettext(
                "The contact person's data of %(count)d partner was erased.",
                "The contact person's data of %(count)d partners was erased.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/partners/partner/erase_contact_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Erase the contact person's data?"),
            "opts": modeladmin.model._meta,
            "partners": partners,
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
