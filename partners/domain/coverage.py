"""Coverage: how far the people of each commune live from a partner, by day and at night.

A commune is measured from its gazetteer point (its town hall, mostly) to the nearest approved
partner of its own territory, as the public search would answer from there (within its reach,
``partners.public.search.MAX_KM``; farther counts as none). Its population counts as within
a distance when its point is. The measure is taken at five moments (``MOMENTS``): by day,
any approved partner (hours do not matter); and during two nights, each read in the
commune's own time zone (a partner of the same territory shares it): a weekday night,
Wednesday evening to Thursday morning, and Saturday night, Saturday evening to Sunday
morning, at 22:00 and 03:00. The nights are the next ones from the day of the computation,
so a partner's dated closures count as they would that night.
"""

import datetime
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Moment(NamedTuple):
    key: str
    label: str
    # The night's evening (ISO weekday: 3 Wednesday, 6 Saturday) and the hour, venue-local;
    # an hour before noon is the next morning's. None for the day (any approved partner).
    evening: int | None = None
    hour: int | None = None

    @property
    def field(self) -> str:
        """Its column on ``CommuneCoverage``."""
        return f"nearest_{self.key}"

    def night_of(self, today: datetime.date) -> datetime.date | None:
        """The evening its night starts on: the first such weekday from ``today``."""
        if self.evening is None:
            return None
        return today + datetime.timedelta(days=(self.evening - today.isoweekday()) % 7)

    def instant(self, today: datetime.date) -> datetime.datetime | None:
        """Its local date and time (naive: each territory reads it in its own zone)."""
        evening = self.night_of(today)
        if evening is None:
            return None
        day = evening + datetime.timedelta(days=1) if self.hour < 12 else evening
        return datetime.datetime.combine(day, datetime.time(self.hour))


DAY = Moment("day", pgettext_lazy("coverage", "Day (any approved partner)"))
MOMENTS = (
    DAY,
    Moment("weekday_22h", _("Weekday night, 22:00 (Wednesday)"), 3, 22),
    Moment("weekday_03h", _("Weekday night, 03:00 (Thursday morning)"), 3, 3),
    Moment("saturday_22h", _("Saturday night, 22:00"), 6, 22),
    Moment("saturday_03h", _("Saturday night, 03:00 (Sunday morning)"), 6, 3),
)
MOMENTS_BY_KEY = {m.key: m for m in MOMENTS}

# The shares of the population the figures give: within these distances of a partner.
NEAR_METRES, REACH_METRES = 1_000, 5_000
# A commune with no partner within ``REACH_METRES`` is a white zone; the figures list the
# towns of more than this many people among them.
TOWN_POPULATION = 10_000


def without_partner_q(moment: Moment) -> Q:
    """Communes' rows (``CommuneCoverage``) with no partner within ``REACH_METRES`` at
    ``moment``: a white zone."""
    return Q(**{f"{moment.field}__isnull": True}) | Q(**{f"{moment.field}__gt": REACH_METRES})


def town_without_partner_q(moment: Moment) -> Q:
    """The towns of more than ``TOWN_POPULATION`` people in a white zone at ``moment``."""
    return Q(population__gt=TOWN_POPULATION) & without_partner_q(moment)


class DistanceClass(NamedTuple):
    key: str
    label: str
    # Up to this many metres (included); None: farther, or no partner within reach.
    up_to: int | None


DISTANCE_CLASSES = (
    DistanceClass("near", _("1 km or less"), NEAR_METRES),
    DistanceClass("reach", _("1 to 5 km"), REACH_METRES),
    DistanceClass("far", _("5 to 20 km"), 20_000),
    DistanceClass("none", _("more than 20 km, or none within reach"), None),
)


def distance_class(metres: float | None) -> DistanceClass:
    return next(
        option
        for option in DISTANCE_CLASSES
        if option.up_to is None or (metres is not None and metres <= option.up_to)
    )
