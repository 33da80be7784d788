"""The open data's ``opening_hours`` (OpenStreetMap syntax) says what ``Week`` says: an
OSM parser (opening-hours-py) reads it open at exactly the minutes the site does, dated
closures included."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours

from partners.domain.hours import Week, osm_opening_hours

D = datetime.date

# A Monday whose next six weeks run into the next year; the OSM parser takes naive local
# times.
MONDAY = datetime.datetime(2026, 12, 14)


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


def test_closures_follow_as_dated_rules_closing_their_whole_days():
    weekdays = [(day, _t("09:00"), _t("18:00")) for day in range(1, 6)]
    christmas = (D(2026, 12, 24), D(2026, 12, 26))
    new_year = (D(2026, 12, 31), D(2027, 1, 2))  # across the year's end
    one_day = (D(2027, 5, 1), D(2027, 5, 1))
    text = osm_opening_hours(weekdays, [one_day, new_year, christmas])
    assert text == (
        "Mo-Fr 09:00-18:00; 2026 Dec 24-2026 Dec 26 off; 2026 Dec 31-2027 Jan 02 off; "
        "2027 May 01 off"
    )
    whole = [(day, _t("00:00"), _t("00:00")) for day in range(1, 8)]
    assert osm_opening_hours(whole, [one_day]) == "24/7; 2027 May 01 off"
    # No hours given: closures add nothing to hours nobody knows.
    assert osm_opening_hours([], [christmas]) == ""

    parsed = OpeningHours(text)
    week = Week(weekdays, [christmas, new_year, one_day])
    for moment, is_open in [
        (datetime.datetime(2026, 12, 23, 17, 59), True),  # Wednesday, the day before
        (datetime.datetime(2026, 12, 24, 9, 0), False),  # Thursday, its first day
        (datetime.datetime(2026, 12, 25, 12, 0), False),
        (datetime.datetime(2026, 12, 28, 9, 0), True),  # Monday after it
        (datetime.datetime(2026, 12, 30, 12, 0), True),
        (datetime.datetime(2026, 12, 31, 12, 0), False),  # New Year's Eve, closed
        (datetime.datetime(2027, 1, 1, 12, 0), False),  # in the next year, still closed
        (datetime.datetime(2027, 1, 4, 9, 30), True),
        (datetime.datetime(2027, 4, 30, 12, 0), True),  # Friday before the one day
        (datetime.datetime(2027, 5, 3, 12, 0), True),
        (datetime.datetime(2028, 12, 25, 12, 0), True),  # a closure is for its year only
    ]:
        assert week.is_open(moment) is is_open, moment
        assert parsed.is_open(moment) is is_open, moment
    assert OpeningHours("24/7; 2027 May 01 off").is_open(datetime.datetime(2027, 5, 1, 23, 59)) is (
        False
    )


def test_a_closed_day_cuts_the_night_running_into_it_not_the_one_running_out_of_it():
    nights = [(day, _t("22:00"), _t("02:00")) for day in range(1, 8)]
    closed = (D(2026, 12, 25), D(2026, 12, 25))
    parsed = OpeningHours(osm_opening_hours(nights, [closed]))
    week = Week(nights, [closed])
    for moment, is_open in [
        (datetime.datetime(2026, 12, 24, 23, 0), True),
        (datetime.datetime(2026, 12, 25, 1, 0), False),  # the 24th's night, into the 25th
        (datetime.datetime(2026, 12, 25, 23, 0), False),
        (datetime.datetime(2026, 12, 26, 1, 0), True),  # the 25th's night, into the 26th
    ]:
        assert week.is_open(moment) is is_open, moment
        assert parsed.is_open(moment) is is_open, moment


# Closures within five weeks of MONDAY, a few days long at most, or one day.
CLOSURES = st.lists(
    st.tuples(st.integers(-3, 35), st.integers(0, 4)).map(
        lambda c: (
            MONDAY.date() + datetime.timedelta(days=c[0]),
            MONDAY.date() + datetime.timedelta(days=c[0] + c[1]),
        )
    ),
    max_size=3,
)
SPAN = 6 * 7 * 1440  # minutes: six weeks from MONDAY


@settings(max_examples=200, deadline=None)
@given(
    intervals=INTERVALS,
    closures=CLOSURES,
    minutes=st.lists(st.integers(0, SPAN - 1), max_size=30),
)
def test_an_osm_parser_reads_the_same_hours_as_the_site(intervals, closures, minutes):
    text = osm_opening_hours(intervals, closures)
    week = Week(intervals, closures)
    # An edge of each interval every week, and each closure's midnights, a minute either
    # side; and arbitrary minutes of the six weeks.
    edges = [
        week_start + (day - 1) * 1440 + t.hour * 60 + t.minute + delta
        for week_start in range(0, SPAN, 7 * 1440)
        for day, opens, closes in intervals
        for t in (opens, closes)
        for delta in (-1, 0, 1)
    ]
    edges += [
        (day - MONDAY.date()).days * 1440 + delta
        for starts, ends in closures
        for day in (starts, ends + datetime.timedelta(days=1))
        for delta in (-1, 0, 1)
    ]
    parsed = OpeningHours(text) if text else None
    for minute in edges + minutes:
        moment = MONDAY + datetime.timedelta(minutes=minute)
        expected = week.is_open(moment)
        assert (parsed.is_open(moment) if parsed else False) == expected, (text, moment)
