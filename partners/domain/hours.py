"""A venue's weekly opening hours as spans of a week, and the state they give at an
instant: open or closed, and when that changes next.

The API answers "open now, until when" for every partner of a search, so this is on its
hot path: one pass over a handful of integers per partner, no datetimes built per
interval (``make bench``, BENCHMARKS.md).
"""

import datetime
from collections.abc import Iterable

DAY = 86_400_000_000  # microseconds
WEEK = 7 * DAY


def _micros(time: datetime.time) -> int:
    return ((time.hour * 60 + time.minute) * 60 + time.second) * 1_000_000 + time.microsecond


def _since_monday(local: datetime.datetime) -> int:
    return (local.isoweekday() - 1) * DAY + _micros(local.time())


class Week:
    """Opening intervals ``(weekday, opens, closes)`` (ISO weekday, wall-clock times) as
    half-open spans of microseconds since Monday 00:00. A ``closes`` earlier than
    ``opens`` runs past midnight into the next day (Sunday's into Monday), and one equal
    to ``opens`` lasts 24 hours (00:00–00:00: the whole day, "24 h/24"), as
    ``OPEN_AT_SQL`` reads it in SQL.

    Times are wall-clock times in the venue's zone, and so is the arithmetic: a change
    at 02:00 on the night clocks go forward is reported at 02:00, as written.
    """

    def __init__(self, intervals: Iterable[tuple[int, datetime.time, datetime.time]]):
        self.spans: list[tuple[int, int]] = []
        for weekday, opens, closes in intervals:
            start = (weekday - 1) * DAY + _micros(opens)
            end = (weekday - 1) * DAY + _micros(closes)
            if end <= start:
                end += DAY
            self.spans.append((start, end))

    def covers(self, moment: int) -> bool:
        """Whether the spans cover ``moment`` (microseconds since Monday 00:00)."""
        return any(
            start <= moment < end or start <= moment + WEEK < end for start, end in self.spans
        )

    def is_open(self, local: datetime.datetime) -> bool:
        """Whether the venue is open at the venue-local ``local``."""
        return self.covers(_since_monday(local))

    def state(self, local: datetime.datetime) -> tuple[bool, datetime.datetime | None]:
        """Open or closed at the venue-local ``local``, and the next change within a week
        (venue-local, aware), or None when the state never changes."""
        now = _since_monday(local)
        is_open = self.covers(now)
        # How far ahead each span's edges come next, in (0, WEEK].
        ahead = sorted({(edge - now - 1) % WEEK + 1 for span in self.spans for edge in span})
        for delay in ahead:
            if self.covers((now + delay) % WEEK) != is_open:
                return is_open, local + datetime.timedelta(microseconds=delay)
        return is_open, None
