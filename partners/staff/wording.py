"""Durations as staff read them: "9 jours", "3 heures", never "2 days, 0:02:06.831255".

Days stay days (a queue reads "45 jours", not "1 mois"); Django's own words, translated
by Django (``timesince``'s ``TIME_STRINGS``).
"""

import datetime

from django.utils import timezone
from django.utils.html import avoid_wrapping
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import gettext


def duration(delta: datetime.timedelta | None) -> str:
    """``delta`` in words, in its largest unit up to days, in the active language."""
    if delta is None:
        return "–"
    if delta.days >= 1:
        words = TIME_STRINGS["day"] % {"num": delta.days}
    elif delta >= datetime.timedelta(hours=1):
        words = TIME_STRINGS["hour"] % {"num": delta.seconds // 3600}
    elif delta >= datetime.timedelta(minutes=1):
        words = TIME_STRINGS["minute"] % {"num": delta.seconds // 60}
    else:
        words = gettext("less than a minute")
    # "9 jours" never split across two lines.
    return avoid_wrapping(words)


def waited_since(when: datetime.datetime | None) -> str:
    """How long ago ``when`` was, in words."""
    return duration(timezone.now() - when) if when else "–"
