"""Mystery checks: the checker's visits and checklist, pages of the staff site made for a
phone (no script, big touch targets), and the checks' list for staff.

A checker (the "Checker" group, ``partners.add_check`` only) sees the approved partners of
their départements (``scoped``), with their public details only: never the contact
person, never a decision. The order of the visits and the second-fail rule live in
``partners.domain.checks``; recording a check in ``partners.services.checks``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.domain import checks
from partners.models import Check, CheckOutcome, CheckWelcome, Partner
from partners.services import common
from partners.services.checks import record_check
from partners.staff.readonly import NeverWritten
from partners.staff.scope import ScopedAdmin, scoped

PERMISSION = "partners.add_check"
VISITS_PER_PAGE = 30
# How long after a visit it may still be recorded.
LATEST_RECORDING_DAYS = 60
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


class CheckForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Day of the visit"),
        # A date input takes and gives ISO dates, whatever the language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sticker_visible = forms.TypedChoiceField(
        label=_("Was the sticker visible from the entrance?"),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    staff_knew = forms.TypedChoiceField(
        label=_("Did the staff know what to do?"),
        help_text=_("Call 17 or 112 for the person, let them stay inside until help comes."),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    welcome = forms.ChoiceField(
        label=_("The welcome"), choices=CheckWelcome.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        help_text=_(
            "A fail sends the venue a retraining email and schedules a new visit; a second "
            "fail within a year asks staff whether to suspend the venue."
        ),
        choices=CheckOutcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes (staff only)"),
        help_text=_(
            "What you saw and heard. Never shown to the venue or the public. Nothing about "
            "the staff's or anyone's identity."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["visited_on"].initial = today
        self.fields["visited_on"].widget.attrs["max"] = today.isoformat()

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > self.today:
            raise forms.ValidationError(
                _("The visit cannot be in the future: give the day you went."), code="future"
            )
        if (self.today - visited_on).days > LATEST_RECORDING_DAYS:
            raise forms.ValidationError(
                _("Record a visit within %(days)d days; ask staff about an older one.")
                % {"days": LATEST_RECORDING_DAYS},
                code="too_old",
            )
        return visited_on


def _require_checker(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _context(request, title: str, **context) -> dict:
    return {**admin.site.each_context(request), "title": title, **context}


def visit_list(request):
    """The visits to make in the checker's départements, first first (``admin:check_visits``)."""
    _require_checker(request)
    visits = checks.visits(scoped(Partner.objects.all(), request.user), timezone.localdate())
    page = Paginator(
        visits.only("pk", "name", "kind", "address", "postcode", "city", "sticker_number"),
        VISITS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    for partner in page:
        partner.visit_label = checks.Visit.LABELS[partner.visit]
    return TemplateResponse(
        request,
        "admin/partners/checks/visits.html",
        _context(request, gettext("Visits to make"), page=page),
    )


def checklist(request, pk):
    """One visit's checklist (``admin:check_form``): any approved partner of the
    checker's départements, whether or not it is among the visits."""
    _require_checker(request)
    partner = get_object_or_404(scoped(Partner.objects.public(), request.user), pk=pk)
    form = CheckForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            record_check(partner=partner, checker=request.user, **form.cleaned_data)
        except common.DecisionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                gettext("The check of “%(partner)s” is recorded. Thank you!")
                % {"partner": partner.name},
            )
        return redirect("admin:check_visits")
    last = checks.last_checked_on(partner)
    return TemplateResponse(
        request,
        "admin/partners/checks/checklist.html",
        _context(
            request,
            gettext("Check of “%(partner)s”") % {"partner": partner.name},
            partner=partner,
            form=form,
            last_checked=formats.date_format(last, "F Y") if last else "",
        ),
    )


@admin.register(Check)
class CheckAdmin(ScopedAdmin, NeverWritten, admin.ModelAdmin):
    """Every check, for staff: recorded by checkers on their pages, never changed."""

    list_display = [
        "visited_on",
        "partner",
        "outcome",
        "sticker_visible",
        "staff_knew",
        "welcome",
        "proposes_suspension",
        "checker",
    ]
    list_filter = ["outcome", "proposes_suspension", ("visited_on", admin.DateFieldListFilter)]
    list_select_related = ["partner", "checker"]
    search_fields = ["partner__name", "=partner__sticker_number"]
    date_hierarchy = "visited_on"

    scope_field = "partner__department"
