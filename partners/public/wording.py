"""Words the public pages repeat, written once for the server's templates and for the home
page's script (which receives them through ``partners/public/maps.py``): a place's opening
state, and "near <place>" with French's elision and contraction of "de".
"""

import datetime
import re

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# French writes "d'" for "de" before a vowel or a mute h ("près d'Aubusson", "près
# d'Hyères"), but not before an aspirated h ("près de Haguenau", "près de Hautmont"):
# no rule tells them apart, so the communes whose h is aspirated are listed (the larger
# ones; add a name when one is met). Y before a consonant is a vowel ("d'Yvetot").
_ASPIRATED_H = (
    "haut",
    "ham",
    "hem\\b",
    "hagondange",
    "haguenau",
    "halluin",
    "hayange",
    "hoenheim",
    "hochfelden",
    "hondschoote",
    "houilles",
    "huningue",
)
_VOWEL = "aeiouàâäéèêëîïôöùûüœæ"
ELIDES = rf"^(?!(?:{'|'.join(_ASPIRATED_H)}))(?:[{_VOWEL}]|h[{_VOWEL}y]|y[^{_VOWEL}y])"

# "de" before the articles Le and Les contracts: "près du Havre", "près des Abymes".
# Each rule is a pattern (matched without regard to case, in Python and in the home page's
# script alike) and the message it picks; the first that matches wins, and its one group
# is the name the message holds.
NEAR_RULES = (
    (r"^Les (.+)$", lambda: _("near Les %(place)s")),
    (r"^Le (.+)$", lambda: _("near Le %(place)s")),
    (
        rf"(?={ELIDES})(.+)$",
        lambda: pgettext("the place's name begins with a vowel or a mute h", "near %(place)s"),
    ),
    (r"^(.+)$", lambda: _("near %(place)s")),
)


def elides(name: str) -> bool:
    """Whether French writes "d'" rather than "de" before ``name``."""
    return re.match(ELIDES, name, re.IGNORECASE) is not None


def near(place: str) -> str:
    """ "near Lyon", or in French "près de Lyon", "près d'Aubusson", "près du Havre"."""
    for pattern, message in NEAR_RULES:
        if found := re.match(pattern, place, re.IGNORECASE):
            return message() % {"place": found[1]}
    raise AssertionError("the last rule matches any name")


def near_rules() -> list[list[str]]:
    """The rules of ``near`` for the home page's script, in the current language."""
    return [[pattern, message()] for pattern, message in NEAR_RULES]


def opening_messages() -> dict[str, str]:
    """A place's opening state; ``day`` is a weekday as written mid-sentence ("lundi" in
    French), ``date`` a day of the month and its month ("28 décembre": a change more than a
    week ahead, after a closure) and ``time`` the time in the place's own zone ("08:00")."""
    return {
        "openUntil": _("Open until %(time)s"),
        "openUntilDay": _("Open until %(day)s %(time)s"),
        "openUntilDate": _("Open until %(date)s at %(time)s"),
        "opensAt": _("Closed, opens at %(time)s"),
        "opensDay": _("Closed, opens %(day)s at %(time)s"),
        "opensDate": _("Closed, opens on %(date)s at %(time)s"),
        "openNow": _("Open now"),
        "closed": _("Closed now"),
    }


# Past this many days ahead a weekday alone is ambiguous: the change is given by its date.
WEEKDAY_DAYS_AHEAD = 7


def days_ahead(next_change: datetime.datetime | None, today: datetime.date) -> int:
    """How many days after the venue-local ``today`` the venue-local ``next_change`` falls."""
    return (next_change.date() - today).days if next_change else 0


def opening(*, open_now: bool, next_change: datetime.datetime | None, days: int) -> str:
    """``next_change`` is venue-local; ``days`` how many days after the venue's today it
    falls (``days_ahead``)."""
    messages = opening_messages()
    if next_change is None:
        return messages["openNow"] if open_now else messages["closed"]
    if days == 0:
        key = "openUntil" if open_now else "opensAt"
    elif days <= WEEKDAY_DAYS_AHEAD:
        key = "openUntilDay" if open_now else "opensDay"
    else:
        key = "openUntilDate" if open_now else "opensDate"
    # Django's own catalog writes weekdays as they are written in a sentence.
    day = WEEKDAYS[next_change.weekday()]
    date = formats.date_format(next_change, "j F")
    return messages[key] % {"day": day, "date": date, "time": next_change.strftime("%H:%M")}


def closure(starts: datetime.date, ends: datetime.date, reason: str = "") -> str:
    """A dated closure in words: "Closed from 24 to 26 December (holidays)", "Closed on
    1 May"; the years only when it runs into the next one (closures are within a year)."""
    years = starts.year != ends.year
    last = formats.date_format(ends, "j F Y" if years else "j F")
    if starts == ends:
        text = _("Closed on %(date)s") % {"date": last}
    else:
        if years:
            first = formats.date_format(starts, "j F Y")
        elif starts.month != ends.month:
            first = formats.date_format(starts, "j F")
        else:
            first = formats.date_format(starts, "j")
        text = _("Closed from %(first)s to %(last)s") % {"first": first, "last": last}
    return _("%(closure)s (%(reason)s)") % {"closure": text, "reason": reason} if reason else text
