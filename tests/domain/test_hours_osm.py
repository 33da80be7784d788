"""The open data's ``opening_hours`` (OpenStreetMap syntax) says what ``Week`` says: an
OSM parser (opening-hours-py) reads it open at exactly the minutes the site does."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours

from partners.domain.hours import Week, osm_opening_hours

MONDAY = datetime.datetime(2026, 11, 9)  # a Monday; the OSM parser takes naive local times


def _time(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60, minutes % 60)


# Intervals as the database allows them: any two distinct times, or 00:00–00:00.
INTERVALS = st.lists(
    st.one_of(
        st.tuples(
            st.integers(1, 7),
            st.integers(0, 24 * 60 - 1).map(_time),
            st.integers(0, 24 * 60 - 1).map(_time),
        ).filter(lambda i: i[1] != i[2]),
        st.tuples(st.integers(1, 7), st.just(datetime.time(0)), st.just(datetime.time(0))),
    ),
    max_size=6,
)


def _t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def test_common_weeks_read_as_people_write_them():
    weekdays = [(day, _t("09:00"), _t("18:00")) for day in range(1, 6)]
    assert osm_opening_hours(weekdays) == "Mo-Fr 09:00-18:00"
    split = [(1, _t("14:00"), _t("18:00")), (1, _t("09:00"), _t("12:00"))]
    assert osm_opening_hours([*split, (3, _t("09:00"), _t("12:00"))]) == (
        "Mo 09:00-12:00,14:00-18:00, We 09:00-12:00"
    )
    assert osm_opening_hours([(5, _t("22:00"), _t("02:00")), (6, _t("18:00"), _t("00:00"))]) == (
        "Fr 22:00-02:00, Sa 18:00-24:00"
    )
    whole = [(day, _t("00:00"), _t("00:00")) for day in range(1, 8)]
    assert osm_opening_hours(whole) == "24/7"
    assert osm_opening_hours(whole[:6]) == "Mo-Sa 00:00-24:00"
    assert osm_opening_hours([(1, _t("09:00"), _t("10:00")), (2, _t("09:00"), _t("10:00"))]) == (
        "Mo,Tu 09:00-10:00"
    )
    assert osm_opening_hours([]) == ""


@settings(max_examples=200, deadline=None)
@given(intervals=INTERVALS, minutes=st.lists(st.integers(0, 7 * 24 * 60 - 1), max_size=30))
def test_an_osm_parser_reads_the_same_hours_as_the_site(intervals, minutes):
    text = osm_opening_hours(intervals)
    week = Week(intervals)
    # An edge of each interval, a minute either side, and arbitrary minutes of the week.
    edges = [
        (day - 1) * 1440 + t.hour * 60 + t.minute + delta
        for day, opens, closes in intervals
        for t in (opens, closes)
        for delta in (-1, 0, 1)
    ]
    parsed = OpeningHours(text) if text else None
    for minute in edges + minutes:
        moment = MONDAY + datetime.timedelta(minutes=minute % (7 * 1440))
        expected = week.is_open(moment)
        assert (parsed.is_open(moment) if parsed else False) == expected, (text, moment)
