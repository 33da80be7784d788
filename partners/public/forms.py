"""The public "report a problem" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.domain.honeypot import HoneypotForm
from partners.models import ReportReason


class ReportForm(HoneypotForm):
    reason = forms.ChoiceField(
        label=_("What is the problem?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Details (optional)"),
        help_text=_("Do not write your name or contact details: reports are anonymous."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        self.caught_robot()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("message", "").strip():
            self.add_error("message", _("Please describe the problem."))
        return cleaned
