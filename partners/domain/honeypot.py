"""The honeypot of the public forms: a field people never see and robots fill in.

A filled honeypot is refused with a message rather than silently thanked: a person whose
browser filled it in by mistake learns why nothing was sent, and the field comes back empty.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    """Rendered by ``partners/_honeypot.html``, last in the form (the message says so)."""

    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def caught_robot(self) -> bool:
        """Adds the refusal to the form's errors when the honeypot is filled."""
        if not self.cleaned_data.get("homepage"):
            return False
        self.add_error(
            None,
            ValidationError(
                _("This form could not be sent. Leave the last field, meant for robots, empty."),
                code="honeypot",
            ),
        )
        return True
