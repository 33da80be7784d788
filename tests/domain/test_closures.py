"""Dated closures: ``hours.Week`` against the rule stated plainly (closed on the whole
venue-local days a closure covers), and the database's check."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partners.domain.hours import Week
from tests.domain.test_hours import covers, intervals
from tests.factories import ClosureFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A fortnight without a clock change: wall-clock minutes and real minutes agree.
MONDAY = datetime.datetime(2026, 6, 1, tzinfo=PARIS)

closures = st.lists(
    st.tuples(st.integers(-3, 12), st.integers(0, 4)).map(
        lambda c: (
            MONDAY.date() + datetime.timedelta(days=c[0]),
            MONDAY.date() + datetime.timedelta(days=c[0] + c[1]),
        )
    ),
    max_size=3,
)


def open_at(intervals, closed, moment) -> bool:
    """The rule: open when an interval covers the moment and no closure covers its date."""
    if any(starts <= moment.date() <= ends for starts, ends in closed):
        return False
    return any(covers(i, moment) for i in intervals)


@hypothesis_settings(max_examples=60, deadline=None)
@given(intervals=intervals, closed=closures, start=st.integers(0, 7 * 24 * 60 - 1))
def test_week_state_with_closures_is_the_first_minute_the_rule_gives_another_answer(
    intervals, closed, start
):
    now = MONDAY + datetime.timedelta(minutes=start, seconds=30)
    is_open = open_at(intervals, closed, now)
    expected = None
    first = now.replace(second=0) + datetime.timedelta(minutes=1)
    # Until a week after the last closure: the state repeats after that.
    last = max([ends for _starts, ends in closed], default=now.date())
    horizon = (last - now.date()).days + 8
    for minute in range(max(horizon, 7) * 24 * 60):
        moment = first + datetime.timedelta(minutes=minute)
        if open_at(intervals, closed, moment) != is_open:
            expected = moment
            break
    assert Week(intervals, closed).state(now) == (is_open, expected)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str, zone=PARIS) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)


BAR = [(day_, datetime.time(20), datetime.time(2)) for day_ in range(1, 8)]


def test_a_closure_closes_the_night_spilling_into_it_and_keeps_the_evening_before():
    # Closed on Thursday 24 December 2026.
    week = Week(BAR, [(day("2026-12-24"), day("2026-12-24"))])
    # Wednesday 23:00: open, until the closure's midnight.
    assert week.state(at("2026-12-23T23:00")) == (True, at("2026-12-24T00:00"))
    # Thursday 01:00: the night is the closed day's: closed until Friday 00:00, where
    # Thursday's evening would still be running, so it opens for its last two hours.
    assert week.state(at("2026-12-24T01:00")) == (False, at("2026-12-25T00:00"))
    assert week.state(at("2026-12-25T01:00")) == (True, at("2026-12-25T02:00"))


def test_after_a_long_closure_the_next_change_is_its_end_beyond_a_week():
    office = [(d, datetime.time(9), datetime.time(18)) for d in range(1, 6)]
    week = Week(office, [(day("2026-12-19"), day("2027-01-03"))])
    # Friday 18 December, 12:00: open until 18:00.
    assert week.state(at("2026-12-18T12:00")) == (True, at("2026-12-18T18:00"))
    # Monday 21 December: closed until Monday 4 January at 09:00.
    assert week.state(at("2026-12-21T10:00")) == (False, at("2027-01-04T09:00"))


def test_a_24_hour_venue_closes_at_the_closures_first_midnight():
    always = [(d, datetime.time(0), datetime.time(0)) for d in range(1, 8)]
    assert Week(always).state(at("2026-12-20T12:00")) == (True, None)
    week = Week(always, [(day("2026-12-25"), day("2026-12-25"))])
    assert week.state(at("2026-12-20T12:00")) == (True, at("2026-12-25T00:00"))
    assert week.state(at("2026-12-25T12:00")) == (False, at("2026-12-26T00:00"))


def test_past_closures_change_nothing():
    week = Week(BAR, [(day("2026-01-01"), day("2026-01-31"))])
    assert week.state(at("2026-12-23T23:00")) == (True, at("2026-12-24T02:00"))


def test_across_the_autumn_clock_change_the_closure_is_read_on_the_wall_clock():
    # Sunday 25 October 2026 in Paris: 03:00 becomes 02:00 again. Closed that Sunday.
    week = Week(
        [(6, datetime.time(22), datetime.time(4))], [(day("2026-10-25"), day("2026-10-25"))]
    )
    saturday = at("2026-10-24T23:30")
    assert week.state(saturday) == (True, at("2026-10-25T00:00"))
    for fold in (0, 1):
        night = datetime.datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=PARIS)
        assert not week.is_open(night)


@pytest.mark.django_db
def test_the_database_refuses_a_closure_ending_before_it_starts():
    with pytest.raises(IntegrityError, match="closure_ends_after_it_starts"):
        ClosureFactory(starts=day("2026-12-26"), ends=day("2026-12-24"))
