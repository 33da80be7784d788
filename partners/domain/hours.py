"""A venue's weekly opening hours as spans of a week, its dated closures, and the state
they give at an instant: open or closed, and when that changes next.

The API answers "open now, until when" for every partner of a search, so this is on its
hot path: one pass over a handful of integers per partner, no datetimes built per
interval (``make bench``, BENCHMARKS.md). Closures cost nothing to a venue that has none.
"""

import bisect
import datetime
import zoneinfo
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

    ``closures`` are dated closures ``(starts, ends)``, venue-local dates, both included:
    the venue is closed on those whole calendar days, whatever its hours say. An evening
    opening running past midnight into a closed day closes at that midnight; one running
    out of the closure's last day into an open day is open after that midnight.

    Times are wall-clock times in the venue's zone, and so is the arithmetic: a change
    at 02:00 on the night clocks go forward is reported at 02:00, as written.
    """

    def __init__(
        self,
        intervals: Iterable[tuple[int, datetime.time, datetime.time]],
        closures: Iterable[tuple[datetime.date, datetime.date]] = (),
    ):
        self.spans: list[tuple[int, int]] = []
        for weekday, opens, closes in intervals:
            start = (weekday - 1) * DAY + _micros(opens)
            end = (weekday - 1) * DAY + _micros(closes)
            if end <= start:
                end += DAY
            self.spans.append((start, end))
        self.closures = sorted(closures)
        # The edges at which the spans' cover changes (open to closed or back), in
        # [0, WEEK): between two of them the state is the same, so the next change
        # without closures is the nearest of them ahead (``state``).
        edges = {edge % WEEK for span in self.spans for edge in span}
        self.changes = sorted(m for m in edges if self.covers(m) != self.covers((m - 1) % WEEK))

    def covers(self, moment: int) -> bool:
        """Whether the spans cover ``moment`` (microseconds since Monday 00:00)."""
        return any(
            start <= moment < end or start <= moment + WEEK < end for start, end in self.spans
        )

    def closed_on(self, day: datetime.date) -> bool:
        """Whether a dated closure covers the venue-local date ``day``."""
        return any(starts <= day <= ends for starts, ends in self.closures)

    def is_open(self, local: datetime.datetime) -> bool:
        """Whether the venue is open at the venue-local ``local``."""
        return not self.closed_on(local.date()) and self.covers(_since_monday(local))

    def state(self, local: datetime.datetime) -> tuple[bool, datetime.datetime | None]:
        """Open or closed at the venue-local ``local``, and the next change (venue-local,
        aware), or None when the state never changes. The next change is looked for within
        a week, or, when closures are coming, until a week after the last one ends."""
        now = _since_monday(local)
        today = local.date()
        is_open = self.is_open(local)
        coming = [(s, e) for s, e in self.closures if e >= today]
        if not coming:
            if not self.changes:
                return is_open, None
            # The first change after ``now``, or the week's first when none is left this
            # week. The cover changes an even number of times around the week, so that
            # change is never ``now`` itself.
            ahead = bisect.bisect_right(self.changes, now)
            edge = self.changes[ahead] if ahead < len(self.changes) else self.changes[0] + WEEK
            return is_open, local + datetime.timedelta(microseconds=edge - now)
        # How far ahead each span's edges come next, in (0, WEEK].
        ahead = {(edge - now - 1) % WEEK + 1 for span in self.spans for edge in span}
        # The edges of the weeks until a week after the last closure, and the midnights
        # at which each closure begins and ends.
        clock = now % DAY
        last = max(e for _s, e in coming)
        weeks = (last - today).days // 7 + 2
        delays = {delay + week * WEEK for delay in ahead for week in range(weeks)}
        for starts, ends in coming:
            for day in (starts, ends + datetime.timedelta(days=1)):
                delay = (day - today).days * DAY - clock
                if delay > 0:
                    delays.add(delay)
        for delay in sorted(delays):
            day = today + datetime.timedelta(days=(clock + delay) // DAY)
            if (not self.closed_on(day) and self.covers((now + delay) % WEEK)) != is_open:
                return is_open, local + datetime.timedelta(microseconds=delay)
        return is_open, None


def next_moment(
    now: datetime.datetime, moments: Iterable[int], zones: Iterable[str]
) -> datetime.datetime:
    """The first instant after ``now`` at which some venue's state may change, given the
    ``moments`` (seconds since midnight, venue-local) at which venues open or close, in
    any of ``zones``. Until then, every venue's state, and when it changes next, stay as
    they are: a state reads the wall clock only (``Week``), and the wall clock crosses no
    moment and no midnight (closures and weekdays turn then) before that instant, unless a
    zone's clocks change, which they do on a whole minute: then it is the next minute's
    start. Returned in UTC."""
    seconds = sorted({0, *moments})
    zones = [zoneinfo.ZoneInfo(name) for name in zones]
    soonest = None
    for zone in zones:
        local = now.astimezone(zone)
        index = bisect.bisect_right(seconds, local.hour * 3600 + local.minute * 60 + local.second)
        day = local.date()
        if index == len(seconds):
            day, index = day + datetime.timedelta(days=1), 0
        wall = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            seconds=seconds[index]
        )
        # A wall time the clocks pass twice (summer time ending) is two instants.
        for fold in (0, 1):
            at = wall.replace(tzinfo=zone, fold=fold).astimezone(datetime.UTC)
            if at > now and (soonest is None or at < soonest):
                soonest = at
    if any(
        now.astimezone(zone).utcoffset() != soonest.astimezone(zone).utcoffset() for zone in zones
    ):
        return now.astimezone(datetime.UTC).replace(second=0, microsecond=0) + datetime.timedelta(
            minutes=1
        )
    return soonest


OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def _osm_days(weekdays: list[int]) -> str:
    """ISO weekdays as an OSM day selector: runs of three days or more as ranges
    (``Mo-Fr``), the others listed (``Mo,We``)."""
    runs: list[list[int]] = []
    for day in weekdays:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{OSM_DAYS[run[0] - 1]}-{OSM_DAYS[run[-1] - 1]}")
        else:
            parts.extend(OSM_DAYS[day - 1] for day in run)
    return ",".join(parts)


OSM_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _osm_date(day: datetime.date) -> str:
    return f"{day.year} {OSM_MONTHS[day.month - 1]} {day.day:02d}"


def osm_closure(starts: datetime.date, ends: datetime.date) -> str:
    """A dated closure as an OSM rule closing its whole days: ``2026 Dec 25 off``,
    ``2026 Dec 28-2027 Jan 02 off`` (a ``<monthday_range>`` from ``<date_from>`` to
    ``<date_to>``, each ``<year> <month> <daynum>``, the year always written so that a
    closure may run into the next one: https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification)."""
    if starts == ends:
        return f"{_osm_date(starts)} off"
    return f"{_osm_date(starts)}-{_osm_date(ends)} off"


def osm_opening_hours(
    intervals: Iterable[tuple[int, datetime.time, datetime.time]],
    closures: Iterable[tuple[datetime.date, datetime.date]] = (),
) -> str:
    """Opening intervals and dated closures in OpenStreetMap's ``opening_hours`` syntax,
    as open-data users read it: ``Mo-Fr 09:00-18:00, Sa 22:00-02:00; 2026 Dec 25 off``;
    ``24/7`` for every whole day; empty when no hours were given (closures then say
    nothing more: the hours are unknown).

    Days with the same times share a rule. Rules are joined with ``, `` (OSM's additional
    rule), not ``; ``: a later ``;`` rule would override the hours an earlier one runs past
    midnight into its day. ``00:00`` as a closing time is written ``24:00``; a closing
    time earlier than the opening runs into the next day, as ``Week`` reads it.

    Each closure follows as a normal rule (``; … off``), which is what it should be: it
    overrides the weekly rules on its days, including the hours an evening runs past
    midnight into its first day, and leaves the hours its last evening runs into the next
    day open, as ``Week`` has it (tests/domain/test_hours_osm.py checks all this against
    an OSM parser)."""
    by_day: dict[int, list[str]] = {}
    for weekday, opens, closes in sorted(intervals):
        end = "24:00" if closes == datetime.time(0) else f"{closes:%H:%M}"
        by_day.setdefault(weekday, []).append(f"{opens:%H:%M}-{end}")
    if not by_day:
        return ""
    rules = {day: ",".join(times) for day, times in by_day.items()}
    if len(rules) == 7 and set(rules.values()) == {"00:00-24:00"}:
        text = "24/7"
    else:
        days_of: dict[str, list[int]] = {}
        for day, times in sorted(rules.items()):
            days_of.setdefault(times, []).append(day)
        text = ", ".join(f"{_osm_days(days)} {times}" for times, days in days_of.items())
    return "; ".join([text, *(osm_closure(starts, ends) for starts, ends in sorted(closures))])
