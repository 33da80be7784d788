"""Read-only accounts for institutions: police and gendarmerie liaison officers, funding
cities and régions.

They sign in like staff (password and two-factor code, ``signin``), are created on the
reviewers' screen with the role "read-only" (``reviewers``), are in the "Read-only" group
(view permissions only: partners, their hours, the charter, the welcomes) and limited to
their départements (``ReviewerScope``; without one they see nothing). On top of the
permissions, for them:

- the admin answers only the pages of ``READABLE_VIEWS``, and only to GET: every other
  page, action, export or form is refused (403), whatever a mixin added later allows;
- the contact person's fields are hidden, and not searchable: a venue's contact is FLAG!'s
  business, not an institution's (README, "Read-only access for institutions"); so are
  the first names or initials of the venue's trained staff, of whom they see the number;
- every request they make is recorded (``AccessLogMiddleware``, ``AccessLog``), shown
  to administrators only, and deleted after ``RETENTION_STAFF_LOGIN_LOG_DAYS``.
"""

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied

from partners.models import AccessLog
from partners.services.reviewers import READ_ONLY_GROUP
from partners.staff.readonly import NeverWritten

READABLE_VIEWS = frozenset(
    {
        "index",
        "app_list",
        "jsi18n",
        "logout",
        "password_change",
        "password_change_done",
        "partners_partner_changelist",
        "partners_partner_change",
        "partners_partner_figures",
        "partners_welcome_changelist",
        "partners_welcome_change",
        "partners_welcome_figures",
        "partners_charter_changelist",
        "partners_charter_change",
    }
)
# Signing out and changing one's own password are the only forms they send.
SENDABLE_VIEWS = frozenset({"logout", "password_change"})
CONTACT_FIELDSET_FIELDS = {"contact_name", "contact_role", "contact_email", "contact_phone"}
# The trained staff's names, and what an institution sees instead: their number.
TRAINED_NAMES = {"trained_list": "trained"}


def is_read_only(user) -> bool:
    """Whether ``user`` has an institution's read-only account (remembered per request)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    if not hasattr(user, "_read_only"):
        user._read_only = user.groups.filter(name=READ_ONLY_GROUP).exists()
    return user._read_only


def refuse_outside_reading(request) -> None:
    """Raise PermissionDenied for a read-only account outside the pages it may read."""
    if not is_read_only(request.user):
        return
    name = request.resolver_match.url_name if request.resolver_match else None
    if name not in READABLE_VIEWS:
        raise PermissionDenied
    if request.method not in ("GET", "HEAD") and name not in SENDABLE_VIEWS:
        raise PermissionDenied


class ReadOnlyForInstitutions:
    """For a ModelAdmin with a contact person (``PartnerAdmin``): no action, no contact
    fields, no search by contact, no links to exports, stickers or reviews for
    institutions (``read_only_account`` in the templates)."""

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if is_read_only(request.user):
            return {}
        return super().get_actions(request, action_location)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_read_only(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [TRAINED_NAMES.get(f, f) for f in options["fields"]]})
            for name, options in fieldsets
            if not CONTACT_FIELDSET_FIELDS & set(options["fields"])
        ]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if is_read_only(request.user):
            return [f for f in fields if f.lstrip("=^@") not in CONTACT_FIELDSET_FIELDS]
        return fields

    def changelist_view(self, request, extra_context=None):
        extra_context = {"read_only_account": is_read_only(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["read_only_account"] = is_read_only(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)


class AccessLogMiddleware:
    """Records each request of a read-only account once it is answered: who, when, the
    path (without its query), the answer's status and the admin page's object."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and is_read_only(user):
            AccessLog.objects.create(
                user=user,
                username=user.get_username(),
                method=request.method[:10],
                path=request.path[:500],
                status_code=response.status_code,
                **_object_of(request),
            )
        return response


def _object_of(request) -> dict:
    match = request.resolver_match
    model_admin = getattr(match.func, "model_admin", None) if match else None
    object_id = match.kwargs.get("object_id") if match else None
    if model_admin is None or object_id is None:
        return {}
    return {"object_type": model_admin.model._meta.label_lower, "object_id": str(object_id)[:64]}


@admin.register(AccessLog)
class AccessLogAdmin(NeverWritten, admin.ModelAdmin):
    """Administrators read who read what; nobody changes or deletes a record."""

    list_display = ["at", "username", "method", "path", "status_code", "object_type", "object_id"]
    list_filter = ["username", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "path", "=object_id"]
    date_hierarchy = "at"
    fields = list_display

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
