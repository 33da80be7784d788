"""Durations as staff read them: "2 jours", "3 heures", never "2 days, 0:02:06.831255"."""

import datetime

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext


def duration(delta: datetime.timedelta | None) -> str:
    """``delta`` in words, in its largest unit ("2 jours", "3 heures", "1 mois"), in the
    active language: Django's own ``timesince`` words, translated by Django."""
    if delta is None:
        return "–"
    if delta < datetime.timedelta(minutes=1):
        return gettext("less than a minute")
    now = timezone.now()
    return timesince(now - delta, now, depth=1)


def waited_since(when: datetime.datetime | None) -> str:
    """How long ago ``when`` was, in words."""
    return duration(timezone.now() - when) if when else "–"
