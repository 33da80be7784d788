"""Opening hours: ``hours.Week`` against the rule stated plainly, and the nearest
search's SQL against ``Week``."""

import datetime
import random
import zoneinfo

import pytest
import time_machine
from django.contrib.gis.geos import Point
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partners.domain.hours import Week, next_moment
from partners.models import OpeningInterval, ScheduleMoment
from tests.factories import OpeningIntervalFactory, PartnerFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A week without a clock change: wall-clock minutes and real minutes agree.
MONDAY = datetime.datetime(2026, 6, 1, tzinfo=PARIS)


def covers(interval, local: datetime.datetime) -> bool:
    """The rule as the join form explains it: an interval covers its day from ``opens``
    to ``closes``; one closing earlier than it opens runs on into the next morning;
    00:00–00:00 ("open 24 hours") covers its whole day."""
    weekday, opens, closes = interval
    day, time = local.isoweekday(), local.time()
    if opens == closes == datetime.time(0):
        return weekday == day
    overnight = closes < opens
    if weekday == day and opens <= time and (time < closes or overnight):
        return True
    return weekday % 7 + 1 == day and overnight and time < closes


def minutes():
    return st.integers(0, 24 * 60 - 1).map(lambda m: datetime.time(m // 60, m % 60))


WHOLE_DAY = datetime.time(0)
intervals = st.lists(
    st.one_of(
        st.tuples(st.integers(1, 7), minutes(), minutes()).filter(lambda i: i[1] != i[2]),
        st.tuples(st.integers(1, 7), st.just(WHOLE_DAY), st.just(WHOLE_DAY)),
    ),
    max_size=6,
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(intervals=intervals, start=st.integers(0, 7 * 24 * 60 - 1))
def test_week_state_is_the_first_minute_the_rule_gives_another_answer(intervals, start):
    now = MONDAY + datetime.timedelta(minutes=start, seconds=30)
    is_open = any(covers(i, now) for i in intervals)
    expected = None
    # Intervals start and end on whole minutes: the state can only change on one.
    first = now.replace(second=0) + datetime.timedelta(minutes=1)
    for minute in range(7 * 24 * 60):
        moment = first + datetime.timedelta(minutes=minute)
        if any(covers(i, moment) for i in intervals) != is_open:
            expected = moment
            break
    assert Week(intervals).state(now) == (is_open, expected)


def test_week_reads_wall_clock_times_across_a_clock_change():
    # Sunday 29 March 2026, 01:30 in Paris; clocks go from 02:00 to 03:00.
    night = Week([(7, datetime.time(1), datetime.time(4))])
    before = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    is_open, change = night.state(before)
    assert is_open
    assert change.isoformat() == "2026-03-29T04:00:00+02:00"


ZONES = ("Europe/Paris", "America/Miquelon", "Pacific/Noumea")
# Days around the clock changes of 2026 (Miquelon: 8 March and 1 November; Paris: 29
# March and 25 October), and one without.
AROUND = [
    datetime.datetime(2026, month, day, tzinfo=datetime.UTC)
    for month, day in ((3, 7), (3, 28), (6, 1), (10, 24), (10, 31))
]


@hypothesis_settings(max_examples=120, deadline=None)
@given(
    venues=st.lists(
        st.tuples(st.sampled_from(ZONES), intervals, st.lists(st.integers(-2, 2), max_size=2)),
        min_size=1,
        max_size=3,
    ),
    around=st.sampled_from(AROUND),
    offset=st.integers(0, 3 * 24 * 3600 - 1),
)
def test_no_venue_changes_state_before_the_next_moment(venues, around, offset):
    """Every venue's state, and its next change, stay as they are from ``now`` until
    ``next_moment``: checked at each minute between (hours and clock changes fall on
    whole minutes, closures on midnights) and just before it."""
    now = around + datetime.timedelta(seconds=offset, microseconds=250_000)
    weeks = []
    for zone, hours, closed in venues:
        day = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        dates = [(day + datetime.timedelta(days=d),) * 2 for d in closed]
        weeks.append((zoneinfo.ZoneInfo(zone), Week(hours, dates)))
    moments = [
        time.hour * 3600 + time.minute * 60
        for _zone, hours, _closed in venues
        for _weekday, *times in hours
        for time in times
    ]
    until = next_moment(now, moments, [zone for zone, _h, _c in venues])
    assert until > now
    assert until - now <= datetime.timedelta(days=1)

    def states(at):
        return [week.state(at.astimezone(zone)) for zone, week in weeks]

    expected = states(now)
    minute = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    while minute < until:
        assert states(minute) == expected, minute
        minute += datetime.timedelta(minutes=1)
    assert states(until - datetime.timedelta(microseconds=1)) == expected


def test_the_next_moment_is_the_first_opening_or_closing_or_midnight_in_any_zone():
    paris = [8 * 3600, 20 * 3600]
    noon = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Paris
    assert next_moment(noon, paris, ["Europe/Paris"]).isoformat() == "2026-12-01T19:00:00+00:00"
    evening = datetime.datetime(2026, 12, 1, 19, 30, tzinfo=datetime.UTC)  # 20:30
    assert next_moment(evening, paris, ["Europe/Paris"]) == datetime.datetime(
        2026,
        12,
        1,
        23,
        0,
        tzinfo=datetime.UTC,  # midnight in Paris
    )
    # 08:00 in Nouméa (UTC+11) is 21:00 UTC, before Paris's midnight.
    assert next_moment(evening, paris, ["Europe/Paris", "Pacific/Noumea"]).hour == 21
    # A moment is after ``now``, not at it.
    at_eight = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=datetime.UTC)
    assert next_moment(at_eight, paris, ["Europe/Paris"]).hour == 19


def test_the_next_moment_of_a_night_the_clocks_change_is_the_change():
    # 29 March 2026: Paris goes from 02:00 (UTC+1) to 03:00 (UTC+2) at 01:00 UTC. A venue
    # closing at 02:30 closes when the clocks jump, at 01:00 UTC, not at 01:30.
    before = datetime.datetime(2026, 3, 29, 0, 59, 30, tzinfo=datetime.UTC)
    assert next_moment(before, [9000], ["Europe/Paris"]) == datetime.datetime(
        2026, 3, 29, 1, 0, tzinfo=datetime.UTC
    )
    # 25 October 2026: 02:30 comes twice; the second time, it is the next moment.
    second = datetime.datetime(2026, 10, 25, 1, 10, tzinfo=datetime.UTC)  # 02:10, UTC+1
    assert next_moment(second, [9000], ["Europe/Paris"]) == datetime.datetime(
        2026, 10, 25, 1, 30, tzinfo=datetime.UTC
    )


@pytest.mark.django_db
def test_every_opening_and_closing_time_is_a_schedule_moment():
    """Kept by PostgreSQL from the intervals, as a statement writes them (an insert, an
    update, seed_demo's COPY), and never removed: more moments are still right."""

    def moments():
        return set(ScheduleMoment.objects.values_list("at", flat=True))

    partner = PartnerFactory()
    assert moments() == set()
    late = OpeningIntervalFactory(
        partner=partner, weekday=5, opens=datetime.time(22, 15), closes=datetime.time(1)
    )
    assert moments() == {datetime.time(22, 15), datetime.time(1)}
    OpeningInterval.objects.filter(pk=late.pk).update(closes=datetime.time(3, 1))
    assert moments() == {datetime.time(22, 15), datetime.time(1), datetime.time(3, 1)}
    partner.opening_intervals.all().delete()
    assert len(moments()) == 3


@pytest.mark.django_db
def test_nearest_open_now_agrees_with_the_state_it_reports(client):
    """The search's "open now" filter runs in SQL, the open_now field in Python: on
    random hours at random instants, the filter keeps exactly the partners reported open."""
    rng = random.Random(7)
    for n in range(40):
        partner = PartnerFactory(approved=True, location=Point(2.35 + n / 1000, 48.85, srid=4326))
        for _ in range(rng.randint(0, 4)):
            opens = datetime.time(rng.randrange(24), rng.choice([0, 30]))
            closes = datetime.time(rng.randrange(24), rng.choice([0, 15]))
            if opens != closes:
                OpeningIntervalFactory(
                    partner=partner, weekday=rng.randint(1, 7), opens=opens, closes=closes
                )
    query = {"lat": 48.85, "lon": 2.35, "limit": 50}
    for hour in range(0, 7 * 24, 5):
        now = MONDAY + datetime.timedelta(hours=hour, minutes=rng.randrange(60))
        with time_machine.travel(now, tick=False):
            everyone = client.get("/api/v1/partners/nearest", query).json()["results"]
            open_only = client.get("/api/v1/partners/nearest", query | {"open_now": 1}).json()
        reported_open = [r["id"] for r in everyone if r["open_now"]]
        assert [r["id"] for r in open_only["results"]] == reported_open, now
