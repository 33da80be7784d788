"""Problems reported by the public, resolved by staff."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import (
    Report,
)
from partners.services import reports
from partners.staff.scope import ScopedAdmin


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        max_length=2000,
    )


@admin.register(Report)
class ReportAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["created_at", "partner", "reason", "message", "resolved_at", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason"]
    list_select_related = ["partner", "resolved_by"]
    search_fields = ["partner__name", "partner__sticker_number", "message"]
    readonly_fields = [
        "partner",
        "reason",
        "message",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    ]
    actions = ["resolve"]

    scope_field = "partner__department"

    def has_add_permission(self, request):
        # Reports come from the public form.
        return False

    @admin.action(description=_("Mark as resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        form = ResolveForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            unresolved = list(queryset.unresolved())
            for report in unresolved:
                reports.resolve_report(
                    report=report, by=request.user, note=form.cleaned_data["note"]
                )
            self.message_user(
                request,
                gettext("%(count)d report(s) resolved.") % {"count": len(unresolved)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Resolve reports"),
            "opts": self.opts,
            "form": form,
            "reports": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/partners/report/resolve_confirmation.html", context)
