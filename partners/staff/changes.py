"""The review queue of venues' proposed changes (``Partner.pending_changes``): a list of
the partners with changes awaiting review, oldest proposal first; for each, its changes
before and after (the location on a small map as well) and two decisions, apply or
refuse with a reason, which call ``partners.services.changes``. Within the reviewer's
départements, like every admin page (``get_queryset``)."""

import math

from django import forms
from django.contrib import messages
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partners.domain import history, territories
from partners.models import PinSource
from partners.public.maps import base_map_config
from partners.services import changes
from partners.services.common import DecisionRefused
from partners.services.selfservice import AWAITING_REVIEW
from partners.staff.scope import allowed_departments

QUEUE_LIMIT = 200


class ApplyChangesForm(forms.Form):
    prefix = "apply"  # two forms on one page: their fields' ids differ
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("Note to the venue (optional, kept in the history)"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        max_length=2000,
        required=False,
    )


class RefuseChangesForm(forms.Form):
    prefix = "refuse"
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("Reason (sent to the venue and kept in the history)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        error_messages={"required": _("Say why: the venue will read it.")},
    )


def _point(value):
    try:
        point = GEOSGeometry(value) if value else None
    except (GEOSException, ValueError, TypeError):
        return None
    return point if point is not None and point.geom_type == "Point" else None


def _metres(a, b) -> int:
    """The distance between two points, on a sphere: enough to tell staff how far a pin moves."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return round(2 * 6_371_008.8 * math.asin(math.sqrt(h)))


def _shown(field: str, value) -> str:
    if field == "location":
        point = _point(value)
        return f"{point.y:.6f}, {point.x:.6f}" if point else "–"
    if field == "department":
        return dict(territories.DEPARTMENT_CHOICES).get(value, value) if value else "–"
    if field == "pin_source":
        return str(dict(PinSource.choices).get(value, "–"))
    return str(value) if value not in (None, "") else "–"


def change_rows(partner) -> list[dict]:
    """Each proposed change: its label, the public value and the proposed one."""
    rows = []
    for field, proposed in changes.reviewable(partner).items():
        current = getattr(partner, field)
        if field == "location":
            current = current.ewkt if current else None
        rows.append(
            {
                "field": field,
                "label": history.label(field),
                "before": _shown(field, current),
                "after": _shown(field, proposed),
            }
        )
    return rows


class PendingChangesMixin:
    def _changes_queryset(self, request):
        return (
            self.get_queryset(request)
            .exclude(pending_changes={})
            .annotate(
                proposed_at=Max("events__at", filter=Q(events__reason=AWAITING_REVIEW)),
            )
            .order_by("proposed_at", "pk")
        )

    def changes_queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = self._changes_queryset(request)
        rows = [
            {"partner": p, "fields": [history.label(f) for f in changes.reviewable(p)]}
            for p in partners[:QUEUE_LIMIT]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes to review"),
            "opts": self.opts,
            "rows": rows,
            "total": partners.count() if len(rows) == QUEUE_LIMIT else len(rows),
        }
        return TemplateResponse(request, "admin/partners/partner/changes_queue.html", context)

    def _pending_partner(self, request, object_id):
        partner = self.get_object(request, object_id)
        if partner is None:
            raise Http404
        return partner

    def changes_review_view(self, request, object_id, apply_form=None, refuse_form=None):
        partner = self._pending_partner(request, object_id)
        if not self.has_view_permission(request, partner):
            raise PermissionDenied
        if not partner.pending_changes:
            self.message_user(
                request,
                gettext("“%(partner)s” has no change awaiting review.") % {"partner": partner},
                messages.INFO,
            )
            return HttpResponseRedirect(reverse("admin:partners_partner_changes"))
        seen = {"seen": changes.fingerprint(partner.pending_changes)}
        before = partner.location
        after = (
            _point(partner.pending_changes.get("location"))
            if ("location" in partner.pending_changes)
            else None
        )
        map_data = None
        if before is not None and after is not None:
            map_data = {
                **base_map_config(),
                "before": [before.y, before.x],
                "after": [after.y, after.x],
                "beforeLabel": gettext("Public location"),
                "afterLabel": gettext("Proposed location"),
            }
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes proposed by “%(partner)s”") % {"partner": partner.name},
            "opts": self.opts,
            "original": partner,
            "rows": change_rows(partner),
            "moved": _metres(before, after) if map_data else None,
            "map_data": map_data,
            "can_decide": self.has_change_permission(request, partner),
            "apply_form": apply_form or ApplyChangesForm(initial=seen),
            "refuse_form": refuse_form or RefuseChangesForm(initial=seen),
        }
        return TemplateResponse(request, "admin/partners/partner/changes_review.html", context)

    def _decide(self, request, object_id, form_class, service, done_message):
        partner = self._pending_partner(request, object_id)
        if not self.has_change_permission(request, partner):
            raise PermissionDenied
        form = form_class(request.POST)
        if not form.is_valid():
            # The page again, this form with its errors and what was typed.
            return self.changes_review_view(request, object_id, **{f"{form.prefix}_form": form})
        departments = allowed_departments(request.user)
        moved_to = partner.pending_changes.get("department")
        if (
            service is changes.apply_pending_changes
            and departments is not None
            and (moved_to and moved_to not in departments)
        ):
            self.message_user(
                request,
                gettext(
                    "“%(partner)s” would move to a département outside yours: "
                    "ask an administrator to apply this change."
                )
                % {"partner": partner},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:partners_partner_changes_review", args=[partner.pk])
            )
        try:
            service(
                partner=partner,
                by=request.user,
                reason=form.cleaned_data["reason"],
                seen=form.cleaned_data["seen"],
            )
        except DecisionRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:partners_partner_changes_review", args=[partner.pk])
            )
        self.message_user(request, done_message % {"partner": partner}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:partners_partner_changes"))

    def changes_apply_view(self, request, object_id):
        return self._decide(
            request,
            object_id,
            ApplyChangesForm,
            changes.apply_pending_changes,
            gettext("The changes of “%(partner)s” are public; the venue is told."),
        )

    def changes_refuse_view(self, request, object_id):
        return self._decide(
            request,
            object_id,
            RefuseChangesForm,
            changes.refuse_pending_changes,
            gettext("The changes of “%(partner)s” are refused; the venue is told why."),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("changes/", view(self.changes_queue_view), name="partners_partner_changes"),
            path(
                "<path:object_id>/changes/",
                view(self.changes_review_view),
                name="partners_partner_changes_review",
            ),
            path(
                "<path:object_id>/changes/apply/",
                view(require_POST(self.changes_apply_view)),
                name="partners_partner_changes_apply",
            ),
            path(
                "<path:object_id>/changes/refuse/",
                view(require_POST(self.changes_refuse_view)),
                name="partners_partner_changes_refuse",
            ),
            *super().get_urls(),
        ]
