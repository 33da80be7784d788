import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn checksum holds (La Poste's are an exception stdnum knows)."""
    if not value:
        return
    compact = siret.compact(value)
    if not compact.isdigit() or len(compact) != 14:
        raise ValidationError(_("A SIRET has 14 digits."), code="siret_format")
    if not siret.is_valid(compact):
        raise ValidationError(
            _("This SIRET number is not valid: check the 14 digits."), code="siret_checksum"
        )


def single_line(value: str) -> str:
    """``value`` on one line: each run of spaces, line or paragraph separators (U+2028,
    U+2029, NEL…) and control characters becomes one space, none at either end.

    Names and addresses end up in email subjects, where Python's email refuses any line
    break; these characters are invisible in a one-line field and come from pasting."""
    return " ".join(
        "".join(" " if unicodedata.category(char) == "Cc" else char for char in value).split()
    )
