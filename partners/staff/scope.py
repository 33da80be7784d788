"""A reviewer limited to some départements (``ReviewerScope``) sees and acts on those
only: every staff query, action, export and page starts from ``scoped``. A région's
coordinator is limited the same way, to its départements."""

from partners.domain import territories
from partners.models import (
    ReviewerScope,
)
from partners.services.reviewers import COORDINATOR_GROUP
from partners.staff.institutions import is_read_only


def is_coordinator(user) -> bool:
    """Whether ``user`` is a région's coordinator (remembered per request)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    if not hasattr(user, "_coordinator"):
        user._coordinator = user.groups.filter(name=COORDINATOR_GROUP).exists()
    return user._coordinator


def allowed_departments(user) -> list[str] | None:
    """The départements a staff user may see, or None for all of them. An institution's
    read-only account or a coordinator without départements sees none."""
    if user.is_superuser:
        return None
    scope = ReviewerScope.objects.filter(user=user).first()
    if scope is None:
        return [] if is_read_only(user) or is_coordinator(user) else None
    return scope.departments


def regions_within(departments: list[str] | None) -> list[str] | None:
    """The régions all of whose départements are among ``departments`` (None: all of them,
    and all régions)."""
    if departments is None:
        return None
    return [
        region
        for region in territories.REGIONS
        if set(territories.departments_of(region)) <= set(departments)
    ]


def allowed_regions(user) -> list[str] | None:
    """The régions ``user`` sees whole, or None for all: a région's targets are shown, and
    set, by whoever sees the whole région only."""
    return regions_within(allowed_departments(user))


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
