from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from partners import privacy
from partners.models import Charter, OpeningInterval, Partner, PartnerEvent


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    extra = 0


class PartnerEventInline(admin.TabularInline):
    model = PartnerEvent
    fields = ["at", "by", "actor", "from_status", "to_status", "reason", "changes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(LeafletGeoAdmin):
    list_display = ["name", "kind", "city", "department", "status", "sticker_number"]
    list_filter = ["status", "kind", "department", "step_free"]
    search_fields = ["name", "city", "postcode", "siret", "sticker_number", "contact_email"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "confirmed_at",
        "approved_at",
        "sticker_number",
        "charter",
        "charter_accepted_at",
        "time_zone",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (_("Venue"), {"fields": ["name", "kind", "siret", "welcome_note", "languages"]}),
        (
            _("Address and location"),
            {
                "fields": [
                    "address",
                    "postcode",
                    "city",
                    "insee_code",
                    "department",
                    "time_zone",
                    "location",
                ]
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
            {
                "fields": [
                    "status",
                    "status_changed_at",
                    "confirmed_at",
                    "approved_at",
                    "sticker_number",
                    "charter",
                    "charter_accepted_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [OpeningIntervalInline, PartnerEventInline]
    actions = [privacy.export_contact_data, privacy.erase_contact_data]


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on"]

    def has_delete_permission(self, request, obj=None):
        # Partners keep the version they signed.
        return False
