"""The public pages' forms: "report a problem", a page's territory, the card's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.domain import territories
from partners.domain.honeypot import HoneypotForm
from partners.models import ReportReason
from partners.public import card


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


def _territory_field():
    return forms.ChoiceField(
        label=_("Territory"),
        choices=[(code, t.name) for code, t in territories.TERRITORIES.items()],
        required=False,
    )


class TerritoryForm(forms.Form):
    """Which territory a page is about (``?territoire=988``); mainland when not given."""

    territoire = _territory_field()

    def territory(self) -> territories.Territory:
        code = self.cleaned_data.get("territoire") or territories.MAINLAND
        return territories.TERRITORIES[code]


class CardForm(TerritoryForm):
    langue = forms.ChoiceField(
        label=_("Language"),
        choices=[(code, language.name) for code, language in card.LANGUAGES.items()],
        required=False,
    )
