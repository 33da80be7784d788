"""Candidates in the admin: filtered by kind, département and white zone, invited by an
action, followed through their history; the conversion figures by kind and territory.
Never public: staff only, within their départements (``ScopedAdmin``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.gis.measure import D
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from partners.domain import territories
from partners.domain.candidates import is_personal
from partners.models import Candidate, CandidateEvent, CandidateStatus, Kind, Partner
from partners.services import invitations
from partners.staff.exports import table_csv_response, table_xlsx_response
from partners.staff.filters import DepartmentFilter, RegionFilter
from partners.staff.scope import ScopedAdmin

# The radii staff may pick for a white zone, in km.
WHITE_ZONE_KM = (1, 5, 10, 20)


def white_zone_q(km: int) -> Q:
    """Candidates with no approved partner within ``km``: PostGIS' ST_DWithin on the
    geography (metres on the spheroid, the GiST index of partners' locations)."""
    near = Partner.objects.public().filter(location__dwithin=(OuterRef("location"), D(km=km)))
    return Q(location__isnull=False) & ~Q(Exists(near))


class WhiteZoneFilter(admin.SimpleListFilter):
    title = _("white zone")
    parameter_name = "white_zone"

    def lookups(self, request, model_admin):
        return [(str(km), _("no partner within %(km)s km") % {"km": km}) for km in WHITE_ZONE_KM]

    def queryset(self, request, queryset):
        if self.value() in {str(km) for km in WHITE_ZONE_KM}:
            return queryset.filter(white_zone_q(int(self.value())))
        return queryset


class CandidateEventInline(admin.TabularInline):
    model = CandidateEvent
    fields = ["at", "by", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CandidateForm(forms.ModelForm):
    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if email and is_personal(email):
            raise forms.ValidationError(
                _(
                    "This looks like a person's address: invite an organisation's generic "
                    "address (mairie@…, accueil@…)."
                )
            )
        return email


CONVERSION_STEPS = [
    ("candidates", _("Candidates"), Q()),
    ("invited", _("Invited"), Q(invited_at__isnull=False)),
    (
        "opened",
        _("Opened"),
        Q(
            status__in=[
                CandidateStatus.OPENED,
                CandidateStatus.APPLIED,
                CandidateStatus.JOINED,
            ]
        ),
    ),
    ("applied", _("Applied"), Q(partner__isnull=False)),
    ("joined", _("Joined"), Q(status=CandidateStatus.JOINED)),
    ("declined", _("Declined"), Q(status=CandidateStatus.DECLINED)),
    ("no_answer", _("No answer"), Q(status=CandidateStatus.NO_ANSWER)),
]


def conversion_rows(candidates, by: str) -> list[list]:
    """Per kind or per territory (``by``: "kind" or "territory"): each step's count, and
    the share of invited candidates that joined (percent, one decimal)."""
    counts = {name: Count("pk", filter=q) for name, _label, q in CONVERSION_STEPS}
    if by == "kind":
        grouped = candidates.values_list("kind").annotate(**counts).order_by()
        labels = dict(Kind.choices)
    else:
        grouped = candidates.values_list("department").annotate(**counts).order_by()
        labels = None
    totals: dict[str, list[int]] = {}
    for key, *values in grouped:
        label = labels[key] if labels else territories.region_of(key)
        row = totals.setdefault(str(label), [0] * len(CONVERSION_STEPS))
        for index, value in enumerate(values):
            row[index] += value
    rows = []
    for label, values in sorted(totals.items()):
        invited, joined = values[1], values[4]
        rows.append([label, *values, round(100 * joined / invited, 1) if invited else None])
    return rows


def conversion_header(by: str) -> list[str]:
    first = gettext("Kind") if by == "kind" else gettext("Territory")
    return [
        first,
        *(str(label) for _n, label, _q in CONVERSION_STEPS),
        gettext("Joined / invited (%)"),
    ]


@admin.register(Candidate)
class CandidateAdmin(ScopedAdmin, admin.ModelAdmin):
    form = CandidateForm
    list_display = ["name", "kind", "city", "department", "email", "status", "status_changed_at"]
    list_filter = [
        "status",
        WhiteZoneFilter,
        "kind",
        RegionFilter,
        DepartmentFilter,
        "source",
    ]
    search_fields = ["name", "city", "postcode", "insee_code", "email"]
    list_select_related = ["partner"]
    list_per_page = 100
    readonly_fields = [
        "source",
        "source_id",
        "source_type",
        "name",
        "kind",
        "address",
        "postcode",
        "city",
        "insee_code",
        "department",
        "location",
        "status",
        "status_changed_at",
        "invited_at",
        "reminders_sent",
        "last_emailed_at",
        "partner",
        "imported_at",
        "created_at",
        "updated_at",
    ]
    # Staff may complete what the source lacks (the BPE gives no email), nothing else.
    fields = ["email", "phone", *readonly_fields]
    inlines = [CandidateEventInline]
    actions = ["invite", "mark_declined"]

    def has_add_permission(self, request):
        # Candidates come from the open data (``import_candidates``).
        return False

    @admin.action(description=_("Invite to apply (email with a prefilled application)"))
    def invite(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        candidates = list(queryset)
        sent = sum(invitations.invite(candidate=c, by=request.user) for c in candidates)
        self.message_user(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )
        if sent < len(candidates):
            self.message_user(
                request,
                ngettext(
                    "%(count)d candidate was not invited: invited before, without an "
                    "address, or its address asked never to be emailed.",
                    "%(count)d candidates were not invited: invited before, without an "
                    "address, or their address asked never to be emailed.",
                    len(candidates) - sent,
                )
                % {"count": len(candidates) - sent},
                messages.WARNING,
            )

    @admin.action(description=_("Mark as declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        done = sum(invitations.mark_declined(candidate=c, by=request.user) for c in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d candidate marked as declined.",
                "%(count)d candidates marked as declined.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    def figures_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        candidates = self.get_queryset(request)
        tables = [
            {
                "caption": caption,
                "header": conversion_header(by),
                "rows": conversion_rows(candidates, by),
                "csv_url": reverse(f"admin:partners_candidate_figures_{by}_csv"),
                "xlsx_url": reverse(f"admin:partners_candidate_figures_{by}_xlsx"),
            }
            for by, caption in (
                ("kind", gettext("Conversion by kind")),
                ("territory", gettext("Conversion by territory")),
            )
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Invitations: figures"),
            "opts": self.opts,
            "tables": tables,
        }
        return TemplateResponse(request, "admin/partners/candidate/figures.html", context)

    def figures_table_view(self, request, by, extension):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = conversion_rows(self.get_queryset(request), by)
        header = conversion_header(by)
        filename = f"invitations-{by}"
        if extension == "xlsx":
            return table_xlsx_response(filename, gettext("Invitations"), header, rows)
        shown = [[("" if v is None else str(v).replace(".", ",")) for v in row] for row in rows]
        return table_csv_response(filename, header, shown)

    def get_urls(self):
        return [
            *(
                path(
                    f"figures/{by}.{extension}",
                    self.admin_site.admin_view(self.figures_table_view),
                    {"by": by, "extension": extension},
                    name=f"partners_candidate_figures_{by}_{extension}",
                )
                for by in ("kind", "territory")
                for extension in ("csv", "xlsx")
            ),
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name="partners_candidate_figures",
            ),
            *super().get_urls(),
        ]
