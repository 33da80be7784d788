"""The staff product in the admin: the review queue, decisions with their history,
stickers, exports and figures.

``PartnerAdmin`` is assembled from one mixin per job (``partners/staff/``); every decision
calls ``partners.services``, and everything starts from the reviewer's scope
(``ScopedAdmin``). Registered by ``PartnersConfig.ready``.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

import partners.staff.candidates
import partners.staff.checks
import partners.staff.reports
import partners.staff.targets
import partners.staff.tasks
import partners.staff.welcomes  # noqa: F401 (the task queue's page, the welcomes' pages, targets)
from partners.domain import checks, territories
from partners.models import (
    MAX_CLOSURES,
    Charter,
    Closure,
    OpeningInterval,
    Partner,
    PinSource,
    ReviewerScope,
    Status,
)
from partners.staff import privacy, reviewers, wording
from partners.staff.changes import PendingChangesMixin
from partners.staff.coverage import CoverageMixin
from partners.staff.decisions import DecisionsMixin
from partners.staff.exports import ExportMixin
from partners.staff.figures import FiguresMixin
from partners.staff.filters import (
    ApplicationFilter,
    DepartmentFilter,
    PendingChangesFilter,
    PinFilter,
    ReconfirmationOverdueFilter,
    RegionFilter,
    StatusFilter,
    StickerToSendFilter,
    SuspensionProposedFilter,
    TerritoryFilter,
    TrainingFilter,
)
from partners.staff.history import EditHistoryMixin, OncePublicPartnersKept, PartnerEventInline
from partners.staff.institutions import ReadOnlyForInstitutions
from partners.staff.nearby import NearbyMixin
from partners.staff.printing import PrintingMixin
from partners.staff.scope import ScopedAdmin, allowed_departments

admin.site.site_header = _("En lieu sûr – staff")
admin.site.site_title = _("En lieu sûr – staff")


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    extra = 0


class ClosureInline(admin.TabularInline):
    """Dated closures: "open now" honours them everywhere (``OPEN_AT_SQL``). Past ones
    change nothing; a venue's own update drops them."""

    model = Closure
    extra = 0
    max_num = MAX_CLOSURES


class PartnerForm(forms.ModelForm):
    edit_reason = forms.CharField(
        label=_("Why this change"),
        help_text=_("Kept in the partner's history with what changed."),
        required=False,
        max_length=500,
    )
    confirm_pin = forms.BooleanField(
        label=_("The pin is on the venue's door"),
        help_text=_(
            "Tick when you have checked the pin; moving it on the map also confirms it. "
            "An unconfirmed pin (the town's centre) cannot be approved."
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        # Staff placing or checking the pin confirm it; the history records the change.
        self.pin_change = None
        if self.instance.pk and ("location" in self.changed_data or cleaned.get("confirm_pin")):
            before = self.instance.pin_source
            if before != PinSource.STAFF:
                self.instance.pin_source = PinSource.STAFF
                self.pin_change = [before, PinSource.STAFF.value]
        return cleaned


STATUS_FIELDS = [
    "status",
    "status_changed_at",
    "confirmed_at",
    "approved_at",
    "sticker_number",
    "sticker_sent_on",
    "charter",
    "charter_accepted_at",
    "reconfirmed_at",
    "reconfirmation_requested_at",
    "created_at",
    "updated_at",
]

# The edit form's own fields, not the partner's: shown only to who may edit.
EDIT_FORM_FIELDS = {"confirm_pin", "edit_reason"}


@admin.register(Partner)
class PartnerAdmin(
    ScopedAdmin,
    ReadOnlyForInstitutions,
    OncePublicPartnersKept,
    DecisionsMixin,
    PendingChangesMixin,
    EditHistoryMixin,
    NearbyMixin,
    PrintingMixin,
    ExportMixin,
    FiguresMixin,
    CoverageMixin,
    LeafletGeoAdmin,
):
    form = PartnerForm
    list_display = [
        "name",
        "kind",
        "city",
        "department",
        "status",
        "age",
        "possible_duplicate",
        "pin",
        "trained",
        "sticker_number",
    ]
    list_filter = [
        StatusFilter,
        "kind",
        RegionFilter,
        DepartmentFilter,
        TerritoryFilter,
        "possible_duplicate",
        PinFilter,
        ("confirmed_at", admin.DateFieldListFilter),
        StickerToSendFilter,
        ReconfirmationOverdueFilter,
        PendingChangesFilter,
        ApplicationFilter,
        TrainingFilter,
        SuspensionProposedFilter,
    ]
    search_fields = [
        "name",
        "organisation",
        "city",
        "postcode",
        "siret",
        "=sticker_number",
        "contact_email",
    ]
    # Status and dates change through the services only; the time zone follows the
    # département.
    readonly_fields = [*STATUS_FIELDS, "time_zone", "pin_source", "trained_list"]
    fieldsets = [
        (
            _("Venue"),
            {
                "fields": [
                    "name",
                    "organisation",
                    "kind",
                    "siret",
                    "possible_duplicate",
                    "welcome_note",
                    "languages",
                ]
            },
        ),
        (
            _("Address and location"),
            {
                "description": _(
                    "Drag the pin to correct the location. The circles are the partners "
                    "within 1 km, listed below the form."
                ),
                "fields": [
                    "address",
                    "postcode",
                    "city",
                    "insee_code",
                    "department",
                    "time_zone",
                    "location",
                    "pin_source",
                    "confirm_pin",
                ],
            },
        ),
        (_("Public contact"), {"fields": ["phone", "website", "email"]}),
        (_("Accessibility"), {"fields": ["step_free", "accessibility_note"]}),
        (
            _("Contact person (private)"),
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
        (
            _("Status"),
            {"fields": STATUS_FIELDS},
        ),
        (_("Staff training"), {"fields": ["trained_list"]}),
        (_("This edit"), {"fields": ["edit_reason"]}),
    ]
    inlines = [OpeningIntervalInline, ClosureInline, PartnerEventInline]
    actions = [
        *DecisionsMixin.actions,
        *PrintingMixin.actions,
        *ExportMixin.actions,
        privacy.export_contact_data,
        privacy.erase_contact_data,
    ]

    class Media:
        js = ["partners/admin_nearby.js"]

    def get_ordering(self, request):
        # The queue, oldest confirmation first; other lists by name.
        if request.GET.get(StatusFilter.parameter_name, Status.PENDING) == Status.PENDING:
            return ["confirmed_at", "pk"]
        return ["name", "pk"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        departments = allowed_departments(request.user)
        if db_field.name == "department" and departments is not None:
            kwargs["choices"] = [c for c in territories.DEPARTMENT_CHOICES if c[0] in departments]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).with_trained_people()

    def get_fieldsets(self, request, obj=None):
        """For who only reads (an institution, a view-only account): no field of the edit
        form itself, no instruction to drag the pin, the location in degrees."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = [
                "coordinates" if field == "location" else field
                for field in options["fields"]
                if field not in EDIT_FORM_FIELDS
            ]
            if fields:
                shown.append((name, {"fields": fields}))
        return shown

    @admin.display(description=_("location"))
    def coordinates(self, partner):
        if partner.location is None:
            return "–"
        return _("%(latitude).5f, %(longitude).5f (latitude, longitude)") % {
            "latitude": partner.location.y,
            "longitude": partner.location.x,
        }

    @admin.display(description=_("trained"), ordering="trained_people")
    def trained(self, partner):
        return partner.trained_people

    @admin.display(description=_("people with a valid training"))
    def trained_list(self, partner):
        if partner.pk is None:
            return "–"
        trainings = partner.trainings.valid()
        if not trainings:
            return gettext("Nobody yet (%(required)d needed for approval).") % {
                "required": settings.TRAINED_PEOPLE_FOR_APPROVAL
            }
        return format_html_join(
            ", ",
            "{} ({})",
            (
                (training.name, formats.date_format(training.passed_at, "SHORT_DATE_FORMAT"))
                for training in trainings
            ),
        )

    @admin.display(description=_("pin"), ordering="pin_source")
    def pin(self, partner):
        return _("unconfirmed pin") if partner.pin_unconfirmed else "–"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        partner = self.get_object(request, object_id)
        if request.method == "GET" and partner is not None and partner.pin_unconfirmed:
            messages.warning(
                request,
                _(
                    "Unconfirmed pin: it is only the town's centre. Drag it onto the venue's "
                    "door (or tick “The pin is on the venue's door”) and save before approving."
                ),
            )
        if request.method == "GET" and partner is not None and checks.suspension_proposed(partner):
            messages.warning(
                request,
                _(
                    "A second mystery check failed within a year: suspension proposed. "
                    "Read the checks, then suspend the partner, or keep it and set the "
                    "proposal aside with your reason."
                ),
            )
        if partner is not None and partner.application_key:
            # Each site is vetted on its own; staff see the others of its application.
            extra_context = (extra_context or {}) | {
                "other_sites": list(
                    self.get_queryset(request)
                    .filter(application_key=partner.application_key)
                    .exclude(pk=partner.pk)
                    .order_by("pk")
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("waiting for"), ordering="confirmed_at")
    def age(self, partner):
        if partner.status != Status.PENDING or not partner.confirmed_at:
            return "–"
        return wording.waited_since(partner.confirmed_at)


class ReviewerScopeForm(forms.ModelForm):
    departments = forms.MultipleChoiceField(
        label=_("départements"),
        choices=reviewers.department_groups(),
        widget=reviewers.DepartmentsWidget,
    )

    class Meta:
        model = ReviewerScope
        fields = ["departments"]


@admin.register(ReviewerScope)
class ReviewerScopeAdmin(admin.ModelAdmin):
    form = ReviewerScopeForm
    list_display = ["user", "departments"]
    list_select_related = ["user"]
    readonly_fields = ["user"]

    class Media:
        css = {"all": ["partners/admin_reviewers.css"]}

    def add_view(self, request, form_url="", extra_context=None):
        # A reviewer is created with their départements and device on one screen.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:reviewer_add")


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on"]

    def has_delete_permission(self, request, obj=None):
        # Partners keep the version they signed.
        return False
