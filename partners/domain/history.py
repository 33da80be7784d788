"""The shape of a history entry's ``changes``, for every writer and every reader.

``changes`` maps a name to ``[before, after]``, JSON values as stored. A name is a
``Partner`` field or one of ``LABELS`` ("hours", "closures"): readers never ask the model
for a name, so a change need not be a field to be shown. An erased contact field records
``[ERASED, ""]``: its old value is precisely what is not kept.

Rows written before this module keep their shape in production databases, and
``entries()`` reads them too: erasures wrote ``{"field": "erased"}``, staff edits of the
hours wrote ``"opening_hours"``.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from partners.models import CheckOutcome, Partner

ERASED = "erased"
# Changes that are not Partner fields.
LABELS = {
    "hours": _("opening hours"),
    "closures": _("closures"),
    "opening_hours": _("opening hours"),  # the admin's name for "hours" until 2026-11
    # Mystery checks (partners/services/checks.py).
    "check": _("mystery check"),
    "retraining_revisit_from": _("retraining email sent; new visit from"),
    "suspension_proposed": _("suspension proposed (a second fail within a year)"),
    "suspension_proposal_dismissed": _("suspension proposal set aside (venue kept)"),
}
# Values stored as a code, shown as its label.
CHOICES = {"check": CheckOutcome}
# Staff's own steps, never in the venue's history: mystery checks stay a mystery (the
# venue hears of a fail by the retraining email, and of a suspension by its decision).
STAFF_ONLY = {
    "check",
    "retraining_revisit_from",
    "suspension_proposed",
    "suspension_proposal_dismissed",
}


def erased(fields) -> dict:
    return {field: [ERASED, ""] for field in fields}


def entries(changes: dict) -> list[tuple[str, object, object]]:
    """``(name, before, after)`` for each change, whatever shape it was written in."""
    rows = []
    for name, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((name, *value))
        elif value == ERASED:
            rows.append((name, ERASED, ""))
        else:
            rows.append((name, None, value))
    return rows


def for_venue(changes: dict) -> bool:
    """Whether the venue's own page shows an entry with these changes."""
    return not changes or not set(changes) <= STAFF_ONLY


def shown_value(name: str, value):
    """A stored value in the staff's words: a check's outcome by its label, yes for true."""
    choices = CHOICES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if value is True:
        return str(_("yes"))
    return value


# The venue's words where the staff's would read cut short: its history names what
# changed, not from what to what, and its pin is one thing, wherever it is and whoever
# placed or confirmed it.
VENUE_LABELS = {
    "location": _("position on the map"),
    "pin_source": _("position on the map"),
}


def venue_labels(names) -> str:
    """What changed, in the venue's words, each once ("position on the map, name")."""
    hidden = ("department", "insee_code")  # follow from the address
    shown = (str(VENUE_LABELS.get(name) or label(name)) for name in names if name not in hidden)
    return ", ".join(dict.fromkeys(shown))


def label(name: str) -> str:
    """The staff's and the venue's word for a change."""
    if name in LABELS:
        return str(LABELS[name])
    try:
        return str(Partner._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
