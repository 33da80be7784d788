"""The history in the admin: read-only for everybody, superusers included; staff edits
recorded with their before and after; partners that were ever public never deleted."""

import datetime

from django.contrib import admin
from django.contrib.gis.geos import Point
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.domain import history
from partners.models import (
    Partner,
    PartnerEvent,
    Status,
)
from partners.services import decisions
from partners.staff.readonly import NeverWritten
from partners.staff.scope import ScopedAdmin


def _jsonable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Point):
        return f"{value.y:.6f}, {value.x:.6f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)  # phone numbers, model instances


def _hours(partner: Partner) -> str:
    return "; ".join(str(i) for i in partner.opening_intervals.all())


def _closures(partner: Partner) -> str:
    return "; ".join(str(c) for c in partner.closures.all())


def describe_event(event: PartnerEvent) -> str:
    """What an event did, in the staff's words."""
    labels = dict(Status.choices)
    if event.to_status and event.to_status == event.from_status:
        return gettext("Information requested")
    if event.to_status:
        return f"{labels.get(event.from_status, '∅')} → {labels[event.to_status]}"

    def shown(name, value):
        if isinstance(value, dict):  # what a review cleared: {"field": proposed value}
            return ", ".join(f"{history.label(k)} = {v}" for k, v in value.items()) or "∅"
        if value == history.ERASED:
            return gettext("erased")
        return "∅" if value in (None, "") else history.shown_value(name, value)

    return "; ".join(
        f"{history.label(name)}: {shown(name, before)} → {shown(name, after)}"
        for name, before, after in history.entries(event.changes)
    )


class ReadOnlyHistory(NeverWritten):
    """History entries, with who made them and what they changed."""

    @admin.display(description=_("who"))
    def who(self, event):
        return event.by or event.actor or "–"

    @admin.display(description=_("what"))
    def what(self, event):
        return describe_event(event)


class OncePublicPartnersKept:
    """The delete pages name each partner that was ever public as the reason nothing is
    deleted (the database would refuse it: Partner.Meta.triggers), in place of a 500."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [
            _(
                "“%(partner)s” has been public (sticker %(number)s): it stays on record "
                "with its history. Withdraw or revoke it instead."
            )
            % {"partner": partner, "number": partner.sticker_number or "–"}
            for partner in objs
            if partner.was_public
        ]
        if kept:
            return deleted, counts, set(), [*protected, *kept]
        return deleted, counts, perms_needed, protected


class PartnerEventInline(ReadOnlyHistory, admin.TabularInline):
    model = PartnerEvent
    fields = ["at", "who", "what", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History (who, when, what, why)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class EditHistoryMixin:
    """Staff edits are recorded with their before and after, the opening hours and
    closures included."""

    def save_related(self, request, form, formsets, change):
        # The partner is saved, its inlines not yet: the hours read now are the old ones.
        hours_before = _hours(form.instance) if change else ""
        closures_before = _closures(form.instance) if change else ""
        super().save_related(request, form, formsets, change)
        changes = {
            name: [
                _jsonable(form.initial.get(name)) if change else None,
                _jsonable(form.cleaned_data.get(name)),
            ]
            for name in form.changed_data
            if name not in ("edit_reason", "confirm_pin")
        }
        if getattr(form, "pin_change", None):
            changes["pin_source"] = form.pin_change
        hours = _hours(form.instance)
        if hours != hours_before:
            changes["hours"] = [hours_before, hours]
        closures = _closures(form.instance)
        if closures != closures_before:
            changes["closures"] = [closures_before, closures]
        decisions.record_edit(
            partner=form.instance,
            by=request.user,
            changes=changes,
            reason=form.cleaned_data.get("edit_reason", ""),
        )


@admin.register(PartnerEvent)
class PartnerEventAdmin(ScopedAdmin, ReadOnlyHistory, admin.ModelAdmin):
    """The whole history, read-only for everybody, superusers included."""

    list_display = ["at", "partner", "who", "what", "reason"]
    list_filter = ["to_status", ("at", admin.DateFieldListFilter)]
    list_select_related = ["partner", "by"]
    search_fields = ["partner__name", "partner__sticker_number", "reason"]
    date_hierarchy = "at"

    scope_field = "partner__department"
