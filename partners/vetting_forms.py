"""Forms of the public "report a problem" page and the venue's yearly re-confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.honeypot import HoneypotForm
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


class ReconfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True)

    def __init__(self, *args, charter, charter_changed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if charter_changed:
            label = _(
                "We have read the charter, version %(version)s, accept it and will honour it."
            ) % {"version": charter.version}
        else:
            label = _("We still honour the charter, version %(version)s.") % {
                "version": charter.version
            }
        self.fields["confirm"].label = label
        self.fields["confirm"].error_messages["required"] = _(
            "Please tick the box to confirm your commitment."
        )
