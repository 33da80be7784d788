"""Coverage targets in the admin: set by administrators, or by a région's coordinators for
their own région (a user sees and sets the targets of the régions whose every département
they see, ``allowed_regions``); shown on the coverage page (``partners/staff/coverage.py``)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.domain import territories
from partners.models import CoverageTarget
from partners.staff.scope import allowed_regions


class CoverageTargetForm(forms.ModelForm):
    class Meta:
        model = CoverageTarget
        fields = ["region", "moment", "share", "by"]
        # "75,5" as a French reader types it.
        localized_fields = ["share"]
        help_texts = {
            "share": _(
                "The share of the région's population living within 5 km of a partner at "
                "that moment, in percent (the coverage page's figure)."
            ),
        }

    def clean_by(self):
        by = self.cleaned_data["by"]
        if "by" in self.changed_data and by < timezone.localdate():
            raise forms.ValidationError(_("This date is past: choose a date to come."))
        return by


class TargetRegionFilter(admin.SimpleListFilter):
    """The régions the user sees whole, only."""

    title = _("région")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = allowed_regions(request.user)
        return [
            (region, region)
            for region in territories.REGIONS
            if regions is None or region in regions
        ]

    def queryset(self, request, queryset):
        return queryset.filter(region=self.value()) if self.value() else queryset


@admin.register(CoverageTarget)
class CoverageTargetAdmin(admin.ModelAdmin):
    form = CoverageTargetForm
    list_display = ["region", "moment", "share", "by", "set_by", "set_at"]
    list_filter = [TargetRegionFilter, "moment"]
    list_select_related = ["set_by"]

    def get_queryset(self, request):
        targets = super().get_queryset(request)
        regions = allowed_regions(request.user)
        return targets if regions is None else targets.filter(region__in=regions)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        regions = allowed_regions(request.user)
        if db_field.name == "region" and regions is not None:
            kwargs["choices"] = [("", "---------"), *((region, region) for region in regions)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)
