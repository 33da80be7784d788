"""Staff decisions in the admin: one confirmation form for one partner (the buttons of
its page) and for many (list actions); each calls its service, and the buttons offered
are exactly the decisions ``partners.domain.transitions`` allows in the status."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.domain import transitions
from partners.domain.checks import suspension_proposed
from partners.models import (
    Partner,
)
from partners.services import checks, common, decisions


@dataclass(frozen=True)
class Decision:
    # A key of transitions.APPLIES_IN: the statuses in which it is offered and accepted.
    slug: str
    label: str
    service: object
    reason_label: str = _("Reason (sent to the venue and kept in the history)")
    asks_date: bool = False
    # Whether the service emails the venue (the confirmation page says so).
    tells_venue: bool = True

    @property
    def reason_required(self) -> bool:
        return self.slug in transitions.NEEDS_REASON


DECISIONS = {
    d.slug: d
    for d in [
        Decision(
            "approve",
            _("Approve"),
            decisions.approve_partner,
            reason_label=_("Note to the venue (optional, kept in the history)"),
        ),
        Decision(
            "request_information",
            _("Ask for more information"),
            decisions.request_information,
            reason_label=_("Your question (sent to the venue and kept in the history)"),
        ),
        Decision("reject", _("Reject"), decisions.reject_partner),
        Decision("suspend", _("Suspend"), decisions.suspend_partner),
        Decision(
            "reinstate",
            _("Reinstate"),
            decisions.reinstate_partner,
            reason_label=_("Note (optional, kept in the history)"),
        ),
        Decision(
            "revoke",
            _("Revoke for good"),
            decisions.revoke_partner,
        ),
        Decision(
            "mark_sticker_sent",
            _("Mark the sticker as sent"),
            decisions.mark_sticker_sent,
            reason_label=_("Note (optional, kept in the history)"),
            asks_date=True,
        ),
    ]
}


# Offered on the partner's page only while a mystery check's suspension proposal waits
# (``domain.checks.suspension_proposed_q``): not among the list's actions, nor offered in
# every approved partner's page as ``DECISIONS`` are.
DISMISS_SUSPENSION_PROPOSAL = Decision(
    "dismiss_suspension_proposal",
    _("Set the proposal aside"),
    checks.dismiss_suspension_proposal,
    reason_label=_("Why keep the venue (kept in the history, never sent to the venue)"),
    tells_venue=False,
)

# Every decision of the partner's page, by the slug of its address.
BY_SLUG = {**DECISIONS, DISMISS_SUSPENSION_PROPOSAL.slug: DISMISS_SUSPENSION_PROPOSAL}


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


def decision_action(decision: Decision):
    def action(modeladmin, request, queryset):
        return modeladmin.decide_many(request, queryset, decision)

    action.__name__ = decision.slug
    return admin.action(description=decision.label, permissions=["change"])(action)


class DecisionsMixin:
    actions = [decision_action(d) for d in DECISIONS.values()]

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
        decision = BY_SLUG.get(decision)
        partner = self.get_object(request, object_id)
        if decision is None or partner is None:
            raise Http404
        if not self.has_change_permission(request, partner):
            raise PermissionDenied
        change_url = reverse("admin:partners_partner_change", args=[partner.pk])
        if decision.slug == "approve" and (
            missing := decisions.pin_missing(partner) or decisions.training_missing(partner)
        ):
            # Said before the confirmation page, not after it.
            self.message_user(request, missing, messages.ERROR)
            return HttpResponseRedirect(change_url)
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
            if suspension_proposed(obj):
                context["decisions"].append(DISMISS_SUSPENSION_PROPOSAL)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="partners_partner_decide",
            ),
            *super().get_urls(),
        ]
