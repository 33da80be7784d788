"""The staff product: the review queue, decisions with their history, stickers, figures.

Every decision calls ``partners.services``; a reviewer limited to some départements
(``ReviewerScope``) sees and acts on those only, because every view, action and
export starts from ``PartnerAdmin.get_queryset``.
"""

import csv
import datetime
import statistics
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

import partners.staff.tasks  # noqa: F401 (the task queue's page, for administrators)
from partners.domain import history, reconfirmation, territories, transitions
from partners.models import (
    Charter,
    OpeningInterval,
    Partner,
    PartnerEvent,
    Report,
    ReviewerScope,
    Status,
)
from partners.services import applications, common, decisions, reports
from partners.staff import privacy, stickers

admin.site.site_header = _("En lieu sûr – staff")
admin.site.site_title = _("En lieu sûr – staff")

NEARBY_METRES = 1000


def allowed_departments(user) -> list[str] | None:
    """The départements a staff user may see, or None for all of them."""
    if user.is_superuser:
        return None
    scope = ReviewerScope.objects.filter(user=user).first()
    return scope.departments if scope else None


def scoped(queryset, user, field: str = "department"):
    departments = allowed_departments(user)
    if departments is None:
        return queryset
    return queryset.filter(**{f"{field}__in": departments})


# List filters.


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


class RegionFilter(admin.SimpleListFilter):
    title = _("région")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(region, region) for region in territories.REGIONS]

    def queryset(self, request, queryset):
        if self.value():
            codes = [c for c, (_n, r) in territories.DEPARTMENTS.items() if r == self.value()]
            return queryset.filter(department__in=codes)
        return queryset


class TerritoryFilter(admin.SimpleListFilter):
    title = _("territory")
    parameter_name = "territory"

    def lookups(self, request, model_admin):
        return [(code, t.name) for code, t in territories.TERRITORIES.items()]

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


# Decisions: the same confirmation form for one partner (buttons on the change page)
# and for many (admin actions).


@dataclass(frozen=True)
class Decision:
    # A key of transitions.APPLIES_IN: the statuses in which it is offered and accepted.
    slug: str
    label: str
    service: object
    reason_required: bool
    reason_label: str = _("Reason (sent to the venue and kept in the history)")
    asks_date: bool = False


DECISIONS = {
    d.slug: d
    for d in [
        Decision(
            "approve",
            _("Approve"),
            decisions.approve_partner,
            reason_required=False,
            reason_label=_("Note to the venue (optional, kept in the history)"),
        ),
        Decision(
            "request_information",
            _("Ask for more information"),
            decisions.request_information,
            reason_required=True,
            reason_label=_("Your question (sent to the venue and kept in the history)"),
        ),
        Decision("reject", _("Reject"), decisions.reject_partner, True),
        Decision("suspend", _("Suspend"), decisions.suspend_partner, True),
        Decision(
            "reinstate",
            _("Reinstate"),
            decisions.reinstate_partner,
            reason_required=False,
            reason_label=_("Note (optional, kept in the history)"),
        ),
        Decision(
            "revoke",
            _("Revoke for good"),
            decisions.revoke_partner,
            True,
        ),
        Decision(
            "mark_sticker_sent",
            _("Mark the sticker as sent"),
            decisions.mark_sticker_sent,
            reason_required=False,
            reason_label=_("Note (optional, kept in the history)"),
            asks_date=True,
        ),
    ]
}


class DecisionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000)
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.fields["reason"].label = decision.reason_label
        self.fields["reason"].required = decision.reason_required
        if decision.asks_date:
            self.fields["sent_on"].initial = timezone.localdate()
        else:
            del self.fields["sent_on"]

    def apply(self, partner: Partner, user) -> Partner:
        kwargs = {"partner": partner, "by": user, "reason": self.cleaned_data["reason"]}
        if self.decision.asks_date:
            kwargs["sent_on"] = self.cleaned_data["sent_on"]
        return self.decision.service(**kwargs)


def _decision_action(decision: Decision):
    def action(modeladmin, request, queryset):
        return modeladmin.decide_many(request, queryset, decision)

    action.__name__ = decision.slug
    return admin.action(description=decision.label, permissions=["change"])(action)


# History.


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


def describe_event(event: PartnerEvent) -> str:
    """What an event did, in the staff's words."""
    labels = dict(Status.choices)
    if event.to_status and event.to_status == event.from_status:
        return gettext("Information requested")
    if event.to_status:
        return f"{labels.get(event.from_status, '∅')} → {labels[event.to_status]}"

    def shown(value):
        if value == history.ERASED:
            return gettext("erased")
        return "∅" if value in (None, "") else value

    return "; ".join(
        f"{history.label(name)}: {shown(before)} → {shown(after)}"
        for name, before, after in history.entries(event.changes)
    )


class ReadOnlyHistory:
    """History entries are never added, changed or deleted from the admin, by anybody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    extra = 0


class PartnerForm(forms.ModelForm):
    edit_reason = forms.CharField(
        label=_("Why this change"),
        help_text=_("Kept in the partner's history with what changed."),
        required=False,
        max_length=500,
    )


@admin.register(Partner)
class PartnerAdmin(OncePublicPartnersKept, LeafletGeoAdmin):
    form = PartnerForm
    list_display = [
        "name",
        "kind",
        "city",
        "department",
        "status",
        "age",
        "possible_duplicate",
        "sticker_number",
    ]
    list_filter = [
        StatusFilter,
        "kind",
        RegionFilter,
        "department",
        TerritoryFilter,
        "possible_duplicate",
        ("confirmed_at", admin.DateFieldListFilter),
        StickerToSendFilter,
        ReconfirmationOverdueFilter,
    ]
    search_fields = [
        "name",
        "city",
        "postcode",
        "siret",
        "=sticker_number",
        "contact_email",
    ]
    actions = [
        *[_decision_action(d) for d in DECISIONS.values()],
        "print_sticker_sheet",
        "export_csv",
        privacy.export_contact_data,
        privacy.erase_contact_data,
    ]
    readonly_fields = [
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
        "time_zone",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Venue"),
            {
                "fields": [
                    "name",
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
            {
                "fields": [
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
            },
        ),
        (_("This edit"), {"fields": ["edit_reason"]}),
    ]
    inlines = [OpeningIntervalInline, PartnerEventInline]

    class Media:
        js = ["partners/admin_nearby.js"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

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

    @admin.display(description=_("waiting for"), ordering="confirmed_at")
    def age(self, partner):
        if partner.status != Status.PENDING or not partner.confirmed_at:
            return "–"
        waited = timezone.now() - partner.confirmed_at
        if waited.days:
            return ngettext("%(count)d day", "%(count)d days", waited.days) % {"count": waited.days}
        hours = waited.seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}

    # Neighbours and duplicates.

    def _nearby(self, request, partner: Partner, metres: int):
        if partner.location is None:
            return Partner.objects.none()
        return (
            self.get_queryset(request)
            .exclude(pk=partner.pk)
            .exclude(status=Status.UNCONFIRMED)
            .filter(location__dwithin=(partner.location, metres))
            .by_distance(partner.location)
        )

    def duplicates_of(self, request, partner: Partner) -> list[Partner]:
        return applications.likely_duplicates(partner=partner, among=self.get_queryset(request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        partner = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if partner is not None:
            nearby = list(self._nearby(request, partner, NEARBY_METRES)[:50])
            extra_context |= {
                "likely_duplicates": self.duplicates_of(request, partner),
                "nearby": nearby,
                "nearby_markers": [
                    {
                        "name": p.name,
                        "status": p.get_status_display(),
                        "lat": p.location.y,
                        "lon": p.location.x,
                        "approved": p.status == Status.APPROVED,
                    }
                    for p in nearby
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # Staff edits are recorded with their before and after.

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name != "edit_reason"]
        request._partner_changes = {
            name: [
                _jsonable(form.initial.get(name)) if change else None,
                _jsonable(form.cleaned_data.get(name)),
            ]
            for name in fields
        }
        # The inlines are saved after this: their "before" is read now.
        request._partner_hours = _hours(obj) if change else ""
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = request._partner_changes
        hours = _hours(form.instance)
        if hours != request._partner_hours:
            changes["hours"] = [request._partner_hours, hours]
        decisions.record_edit(
            partner=form.instance,
            by=request.user,
            changes=changes,
            reason=form.cleaned_data.get("edit_reason", ""),
        )

    # Decisions.

    def decide_many(self, request, queryset, decision: Decision):
        form = DecisionForm(request.POST if "confirm" in request.POST else None, decision=decision)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for partner in queryset.order_by("pk"):
                try:
                    form.apply(partner, request.user)
                    done += 1
                except common.DecisionRefused as refusal:
                    refused.append(str(refusal))
            if done:
                self.message_user(
                    request,
                    gettext("%(decision)s: done for %(count)d partner(s).")
                    % {"decision": decision.label, "count": done},
                    messages.SUCCESS,
                )
            for refusal in refused:
                self.message_user(request, refusal, messages.WARNING)
            return None
        return self._confirmation(request, form, decision, list(queryset), bulk=True)

    def decide_view(self, request, object_id, decision):
        decision = DECISIONS.get(decision)
        partner = self.get_object(request, object_id)
        if decision is None or partner is None:
            raise Http404
        if not self.has_change_permission(request, partner):
            raise PermissionDenied
        change_url = reverse("admin:partners_partner_change", args=[partner.pk])
        form = DecisionForm(request.POST if request.method == "POST" else None, decision=decision)
        if form.is_bound and form.is_valid():
            try:
                form.apply(partner, request.user)
            except common.DecisionRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(decision)s: done for “%(partner)s”.")
                    % {"decision": decision.label, "partner": partner},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        return self._confirmation(request, form, decision, [partner], bulk=False)

    def _confirmation(self, request, form, decision, partners, *, bulk: bool):
        context = {
            **self.admin_site.each_context(request),
            "title": decision.label,
            "opts": self.opts,
            "decision": decision,
            "form": form,
            "partners": partners,
            "bulk": bulk,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(
            request, "admin/partners/partner/decision_confirmation.html", context
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            context["decisions"] = [
                d for d in DECISIONS.values() if transitions.applies(d.slug, obj.status)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Stickers and certificates.

    def _approved_or_404(self, request, object_id) -> Partner:
        partner = self.get_object(request, object_id)
        if partner is None or partner.status != Status.APPROVED:
            raise Http404
        return partner

    def sticker_svg_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        return HttpResponse(stickers.sticker_svg(partner.sticker_number), "image/svg+xml")

    def sticker_pdf_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        response = HttpResponse(stickers.sticker_pdf(partner.sticker_number), "application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="autocollant-{partner.sticker_number}.pdf"'
        )
        return response

    def certificate_view(self, request, object_id):
        partner = self._approved_or_404(request, object_id)
        return TemplateResponse(
            request,
            "partners/staff/certificate.html",
            {
                "partner": partner,
                "sticker": stickers.sticker_svg(partner.sticker_number),
                "verification_url": stickers.verification_url(partner.sticker_number),
            },
        )

    @admin.action(description=_("Print a sheet of their stickers (PDF)"), permissions=["view"])
    def print_sticker_sheet(self, request, queryset):
        numbers = list(
            queryset.filter(status=Status.APPROVED)
            .order_by("sticker_number")
            .values_list("sticker_number", flat=True)
        )
        if not numbers:
            self.message_user(
                request, gettext("None of the selected partners is approved."), messages.WARNING
            )
            return None
        response = HttpResponse(stickers.sheet_pdf(numbers), "application/pdf")
        response["Content-Disposition"] = 'inline; filename="autocollants.pdf"'
        return response

    # Export and figures.

    CSV_FIELDS = [
        "sticker_number",
        "name",
        "kind",
        "status",
        "address",
        "postcode",
        "city",
        "department",
        "phone",
        "website",
        "email",
        "step_free",
        "approved_at",
        "sticker_sent_on",
    ]

    def _csv_response(self, partners):
        """Public fields plus status: never the contact person."""

        class Echo:
            def write(self, value):
                return value

        def cell(value):
            text = "" if value is None else str(value)
            # A spreadsheet would run a cell starting with these as a formula.
            return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

        def rows():
            yield [str(Partner._meta.get_field(f).verbose_name) for f in self.CSV_FIELDS] + [
                gettext("latitude"),
                gettext("longitude"),
            ]
            for p in partners.iterator(chunk_size=2000):
                yield [cell(self._csv_value(p, f)) for f in self.CSV_FIELDS] + [
                    p.location and f"{p.location.y:.6f}",
                    p.location and f"{p.location.x:.6f}",
                ]

        writer = csv.writer(Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="partenaires.csv"'
        return response

    @staticmethod
    def _csv_value(partner, field):
        if field in ("kind", "status"):
            return getattr(partner, f"get_{field}_display")()
        return getattr(partner, field)

    @admin.action(description=_("Export the selected partners as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._csv_response(queryset.order_by("name", "pk"))

    def export_view(self, request):
        """The changelist's filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._csv_response(changelist.get_queryset(request))

    def figures_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = self.get_queryset(request)
        by_status = dict(partners.values_list("status").annotate(n=Count("pk")).order_by())
        by_kind = Counter(dict(partners.values_list("kind").annotate(n=Count("pk")).order_by()))
        by_department = dict(
            partners.filter(status=Status.APPROVED)
            .values_list("department")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_region = Counter()
        for code, n in by_department.items():
            by_region[territories.region_of(code)] += n
        per_month = (
            partners.filter(confirmed_at__isnull=False)
            .annotate(month=TruncMonth("confirmed_at"))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by("-month")[:24]
        )
        decisions = (
            scoped(PartnerEvent.objects, request.user, "partner__department")
            .filter(
                from_status=Status.PENDING,
                to_status__in=[Status.APPROVED, Status.REJECTED],
                partner__confirmed_at__isnull=False,
            )
            .values_list("at", "partner__confirmed_at")
        )
        delays = [(at - confirmed).total_seconds() for at, confirmed in decisions]
        median = datetime.timedelta(seconds=statistics.median(delays)) if delays else None
        kinds = dict(Partner._meta.get_field("kind").choices)
        departments = dict(territories.DEPARTMENT_CHOICES)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Figures"),
            "opts": self.opts,
            "by_status": [(label, by_status.get(value, 0)) for value, label in Status.choices],
            "by_kind": [(kinds[k], n) for k, n in by_kind.most_common()],
            "by_region": by_region.most_common(),
            "by_department": sorted(
                ((departments[c], n) for c, n in by_department.items()), key=lambda r: -r[1]
            ),
            "per_month": list(per_month),
            "median_delay": median,
            "decision_count": len(delays),
            "stickers_to_send": partners.filter(
                status=Status.APPROVED, sticker_sent_on__isnull=True
            ).count(),
            "overdue": partners.filter(reconfirmation.overdue_q()).count(),
            "open_reports": scoped(
                Report.objects.unresolved(), request.user, "partner__department"
            ).count(),
        }
        return TemplateResponse(request, "admin/partners/figures.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("figures/", view(self.figures_view), name="partners_partner_figures"),
            path("export.csv", view(self.export_view), name="partners_partner_export"),
            path(
                "<path:object_id>/decide/<slug:decision>/",
                view(self.decide_view),
                name="partners_partner_decide",
            ),
            path(
                "<path:object_id>/sticker.svg",
                view(self.sticker_svg_view),
                name="partners_partner_sticker_svg",
            ),
            path(
                "<path:object_id>/sticker.pdf",
                view(self.sticker_pdf_view),
                name="partners_partner_sticker_pdf",
            ),
            path(
                "<path:object_id>/certificate/",
                view(self.certificate_view),
                name="partners_partner_certificate",
            ),
            *super().get_urls(),
        ]


@admin.register(PartnerEvent)
class PartnerEventAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """The whole history, read-only for everybody, superusers included."""

    list_display = ["at", "partner", "who", "what", "reason"]
    list_filter = ["to_status", ("at", admin.DateFieldListFilter)]
    list_select_related = ["partner", "by"]
    search_fields = ["partner__name", "partner__sticker_number", "reason"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, "partner__department")


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        max_length=2000,
    )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, "partner__department")

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


class ReviewerScopeForm(forms.ModelForm):
    departments = forms.MultipleChoiceField(
        label=_("départements"),
        choices=territories.DEPARTMENT_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 15}),
    )

    class Meta:
        model = ReviewerScope
        fields = ["user", "departments"]


@admin.register(ReviewerScope)
class ReviewerScopeAdmin(admin.ModelAdmin):
    form = ReviewerScopeForm
    list_display = ["user", "departments"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on"]

    def has_delete_permission(self, request, obj=None):
        # Partners keep the version they signed.
        return False
