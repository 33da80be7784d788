"""A reviewer limited to some départements (``ReviewerScope``) sees and acts on those
only: every staff query, action, export and page starts from ``scoped``."""

from partners.models import (
    ReviewerScope,
)
from partners.staff.institutions import is_read_only


def allowed_departments(user) -> list[str] | None:
    """The départements a staff user may see, or None for all of them. An institution's
    read-only account without départements sees none."""
    if user.is_superuser:
        return None
    scope = ReviewerScope.objects.filter(user=user).first()
    if scope is None:
        return [] if is_read_only(user) else None
    return scope.departments


def scoped(queryset, user, field: str = "department"):
    departments = allowed_departments(user)
    if departments is None:
        return queryset
    return queryset.filter(**{f"{field}__in": departments})


class ScopedAdmin:
    """A ModelAdmin whose every list, page, action and export holds the reviewer's
    départements only (``scope_field`` names the partner's département)."""

    scope_field = "department"

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, self.scope_field)
