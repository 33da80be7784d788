"""The partner list's filters: the review queue first."""

import uuid

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partners.domain import checks, reconfirmation, territories
from partners.models import (
    PinSource,
    Status,
)
from partners.staff.scope import allowed_departments


class StatusFilter(admin.SimpleListFilter):
    """The queue first: without a choice, applications awaiting review; a search without
    a choice looks at every status (a contact asking for their data may be a partner)."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get("q"))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or (self.ALL if self.searching else Status.PENDING)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


def _shown_departments(request) -> list[str] | None:
    """The départements the user may see: a scoped user's place filters offer those
    only."""
    return allowed_departments(request.user)


class RegionFilter(admin.SimpleListFilter):
    title = _("région")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        shown = _shown_departments(request)
        return [
            (region, region)
            for region in territories.REGIONS
            if shown is None or set(territories.departments_of(region)) & set(shown)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(department__in=territories.departments_of(self.value()))
        return queryset


class DepartmentFilter(admin.SimpleListFilter):
    title = _("département")
    parameter_name = "department__exact"

    def lookups(self, request, model_admin):
        shown = _shown_departments(request)
        return [
            (code, label)
            for code, label in territories.DEPARTMENT_CHOICES
            if shown is None or code in shown
        ]

    def queryset(self, request, queryset):
        return queryset.filter(department=self.value()) if self.value() else queryset


class TerritoryFilter(admin.SimpleListFilter):
    title = _("territory")
    parameter_name = "territory"

    def lookups(self, request, model_admin):
        shown = _shown_departments(request)
        overseas = set(territories.TERRITORIES) - {territories.MAINLAND}
        return [
            (code, t.name)
            for code, t in territories.TERRITORIES.items()
            if shown is None or (code in shown if code in overseas else bool(set(shown) - overseas))
        ]

    def queryset(self, request, queryset):
        if self.value() == territories.MAINLAND:
            overseas = [c for c in territories.TERRITORIES if c != territories.MAINLAND]
            return queryset.exclude(department__in=overseas)
        if self.value():
            return queryset.filter(department=self.value())
        return queryset


class ReconfirmationOverdueFilter(admin.SimpleListFilter):
    title = _("re-confirmation")
    parameter_name = "reconfirmation"

    def lookups(self, request, model_admin):
        return [("overdue", _("Re-confirmation overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(reconfirmation.overdue_q())
        return queryset


class StickerToSendFilter(admin.SimpleListFilter):
    title = _("sticker")
    parameter_name = "sticker"

    def lookups(self, request, model_admin):
        return [("to_send", _("To send")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "to_send":
            return queryset.filter(status=Status.APPROVED, sticker_sent_on__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sticker_sent_on__isnull=False)
        return queryset


class PendingChangesFilter(admin.SimpleListFilter):
    """Partners whose new name, address or location waits for review (``pending_changes``)."""

    title = _("changes awaiting review")
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [("pending", _("Awaiting review"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.exclude(pending_changes={})
        return queryset


class PinFilter(admin.SimpleListFilter):
    """Applications whose pin is only their town's centre: staff place it before approving."""

    title = _("pin")
    parameter_name = "pin"

    def lookups(self, request, model_admin):
        return [("unconfirmed", _("Unconfirmed pin")), ("confirmed", _("Confirmed pin"))]

    def queryset(self, request, queryset):
        if self.value() == "unconfirmed":
            return queryset.filter(pin_source=PinSource.TOWN)
        if self.value() == "confirmed":
            return queryset.exclude(pin_source=PinSource.TOWN)
        return queryset


class ApplicationFilter(admin.SimpleListFilter):
    """The sites of multi-site applications, or of one (the link on a site's page)."""

    title = _("multi-site application")
    parameter_name = "application"
    MULTI = "multi"

    def lookups(self, request, model_admin):
        return [(self.MULTI, _("Sites of a multi-site application"))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() == self.MULTI:
            return queryset.filter(application_key__isnull=False)
        try:
            return queryset.filter(application_key=uuid.UUID(self.value()))
        except ValueError:
            return queryset.none()


class TrainingFilter(admin.SimpleListFilter):
    """Partners by their staff with a valid training, against what approval asks
    (``TRAINED_PEOPLE_FOR_APPROVAL``); counted by ``PartnerAdmin.get_queryset``."""

    title = _("staff training")
    parameter_name = "training"

    def lookups(self, request, model_admin):
        return [
            ("missing", _("Fewer trained people than approval asks")),
            ("enough", _("Enough trained people")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(trained_people__lt=settings.TRAINED_PEOPLE_FOR_APPROVAL)
        if self.value() == "enough":
            return queryset.filter(trained_people__gte=settings.TRAINED_PEOPLE_FOR_APPROVAL)


class SuspensionProposedFilter(admin.SimpleListFilter):
    """Partners a second failed mystery check proposes to suspend (``domain.checks``)."""

    title = _("mystery checks")
    parameter_name = "check"
    PROPOSED = "suspension_proposed"

    def lookups(self, request, model_admin):
        return [(self.PROPOSED, _("Suspension proposed"))]

    def queryset(self, request, queryset):
        if self.value() == self.PROPOSED:
            return queryset.filter(checks.suspension_proposed_q())
        return queryset
