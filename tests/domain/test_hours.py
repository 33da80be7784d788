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

from partners.domain.hours import Week
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
