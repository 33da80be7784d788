"""The phone's opening rule (static/partners/hours.js, run in Chromium) gives what the
server's gives (partners/domain/hours.py ``Week.state``, which a domain test holds to the
SQL's OPEN_AT): open or closed, and the venue-local time of the next change, around the
clock, in every kind of week, across clock changes, past midnight and around dated
closures."""

import datetime
import zoneinfo
from pathlib import Path

import pytest

from partners.domain.hours import Week

pytestmark = pytest.mark.browser

HOURS_JS = Path(__file__).resolve().parents[2] / "static" / "partners" / "hours.js"

WEEKS = {
    "office": [(day, "09:00", "18:00") for day in range(1, 6)],
    "split days": [
        (day, opens, closes)
        for day in range(1, 7)
        for opens, closes in [("08:30", "12:15"), ("14:00", "19:45")]
    ],
    "bar past midnight": [(day, "18:00", "02:00") for day in range(1, 8)],
    "sunday night into monday": [(7, "22:00", "06:00"), (3, "10:00", "11:00")],
    "all day every day": [(day, "00:00", "23:59") for day in range(1, 8)],
    "24 hours every day": [(day, "00:00", "00:00") for day in range(1, 8)],
    "24 hours at weekends, a night before": [
        (5, "20:00", "03:00"), (6, "00:00", "00:00"), (7, "00:00", "00:00"),
    ],
    "night shift at the clock change": [(7, "01:30", "03:30"), (6, "23:00", "02:30")],
    "one hour a week": [(4, "12:00", "13:00")],
    "closed": [],
}  # fmt: skip

ZONES = [
    "Europe/Paris",
    "America/Miquelon",
    "Pacific/Noumea",
    "America/Cayenne",
    "Indian/Reunion",
    "Pacific/Tahiti",
]

# Weeks around the 2026 clock changes (Miquelon: 8 March, 1 November; Paris: 29 March,
# 25 October) and one with none, every 47 minutes and 13 seconds: every hour of the day,
# every minute past the hour in turn, the changes' own instants among them.
STARTS = [
    datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 26, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 22, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 29, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
]
STEP = datetime.timedelta(minutes=47, seconds=13)
EXACT = [
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),  # Paris, 02:00 → 03:00
    datetime.datetime(2026, 10, 25, 1, 0, tzinfo=datetime.UTC),  # Paris, 03:00 → 02:00
    datetime.datetime(2026, 3, 8, 5, 0, tzinfo=datetime.UTC),  # Miquelon
]


def instants():
    for start in STARTS:
        moment = start
        while moment < start + datetime.timedelta(days=8):
            yield moment
            moment += STEP
    yield from EXACT
    for exact in EXACT:
        yield exact - datetime.timedelta(seconds=1)
        yield exact + datetime.timedelta(minutes=30)


# Dated closures around the weeks checked: on and around the clock changes (Paris 29 March
# and 25 October, Miquelon 8 March), one day, a long weekend, a fortnight into the next
# month. Venue-local dates, whatever the zone.
CLOSURES = [
    ("2026-03-07", "2026-03-08"),
    ("2026-03-29", "2026-03-29"),
    ("2026-07-03", "2026-07-17"),
    ("2026-10-24", "2026-10-25"),
    ("2026-10-31", "2026-11-02"),
]


def python_state(intervals, zone, instant, closures=()):
    week = Week(
        ((day, datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
         for day, opens, closes in intervals),
        ((datetime.date.fromisoformat(s), datetime.date.fromisoformat(e)) for s, e in closures),
    )  # fmt: skip
    is_open, change = week.state(instant.astimezone(zoneinfo.ZoneInfo(zone)))
    return [is_open, change and change.replace(tzinfo=None).isoformat(timespec="seconds")]


JS = """([hours, zone, instants, closures]) => instants.map((iso) => {
  const state = window.openingState(hours, zone, new Date(iso), closures);
  return [state.open, state.next && state.next.toISOString().slice(0, 19)];
})"""


@pytest.mark.parametrize("closures", [(), CLOSURES], ids=["", "with closures"])
@pytest.mark.parametrize("week", WEEKS)
def test_the_phone_and_the_server_agree_on_open_now_and_the_next_change(chromium, week, closures):
    intervals = WEEKS[week]
    hours = [{"weekday": day, "opens": opens, "closes": closes} for day, opens, closes in intervals]
    sent = [{"starts": starts, "ends": ends, "reason": ""} for starts, ends in closures]
    moments = list(instants())
    page = chromium.new_page()
    try:
        page.add_script_tag(path=HOURS_JS)
        checked = 0
        for zone in ZONES:
            phone = page.evaluate(JS, [hours, zone, [m.isoformat() for m in moments], sent])
            for moment, answer in zip(moments, phone, strict=True):
                expected = python_state(intervals, zone, moment, closures)
                assert answer == expected, (week, zone, moment.isoformat())
                checked += 1
        assert checked > 1000
    finally:
        page.close()


def test_both_rules_see_a_bar_open_past_midnight_and_closed_in_the_afternoon(chromium):
    """A guard against two rules that agree because both are wrong."""
    page = chromium.new_page()
    try:
        page.add_script_tag(path=HOURS_JS)
        hours = [{"weekday": 1, "opens": "18:00", "closes": "02:00"}]
        # Tuesday 01:00 in Paris (winter, UTC+1): open since Monday 18:00, until 02:00.
        tuesday_night = "2026-01-06T00:00:00+00:00"
        assert page.evaluate(JS, [hours, "Europe/Paris", [tuesday_night]]) == [
            [True, "2026-01-06T02:00:00"]
        ]
        # Tuesday 15:00: closed until next Monday 18:00.
        assert page.evaluate(JS, [hours, "Europe/Paris", ["2026-01-06T14:00:00+00:00"]]) == [
            [False, "2026-01-12T18:00:00"]
        ]
    finally:
        page.close()


def test_both_rules_see_a_24_hour_day_open_all_day_and_only_that_day(chromium):
    """00:00–00:00 is the whole day ("Ouvert 24 h/24"), for the phone as for the server."""
    page = chromium.new_page()
    try:
        page.add_script_tag(path=HOURS_JS)
        hours = [{"weekday": 2, "opens": "00:00", "closes": "00:00"}]
        # Tuesday 03:00 in Paris: open until Wednesday 00:00; Wednesday 03:00: closed.
        tuesday_night = datetime.datetime(2026, 1, 6, 2, 0, tzinfo=datetime.UTC)
        wednesday_night = tuesday_night + datetime.timedelta(days=1)
        for moment, expected in [
            (tuesday_night, [True, "2026-01-07T00:00:00"]),
            (wednesday_night, [False, "2026-01-13T00:00:00"]),
        ]:
            phone = page.evaluate(JS, [hours, "Europe/Paris", [moment.isoformat()]])
            assert phone == [expected]
            assert python_state([(2, "00:00", "00:00")], "Europe/Paris", moment) == expected
    finally:
        page.close()


def test_both_rules_close_a_bar_on_a_closed_day_and_say_when_it_reopens(chromium):
    """A guard against two rules that agree because both ignore closures: a bar open every
    evening until 02:00, closed on Thursday 24 December 2026."""
    page = chromium.new_page()
    try:
        page.add_script_tag(path=HOURS_JS)
        bar = [(day, "20:00", "02:00") for day in range(1, 8)]
        hours = [{"weekday": d, "opens": o, "closes": c} for d, o, c in bar]
        closures = [("2026-12-24", "2026-12-24")]
        sent = [{"starts": "2026-12-24", "ends": "2026-12-24", "reason": "congés"}]
        for utc, expected in [
            # Wednesday 23:00 in Paris: open, until the closure's midnight.
            ("2026-12-23T22:00:00+00:00", [True, "2026-12-24T00:00:00"]),
            # Thursday 01:00: its night is in the closed day; Thursday's evening opening
            # runs on into Friday, open from Friday's midnight.
            ("2026-12-24T00:00:00+00:00", [False, "2026-12-25T00:00:00"]),
        ]:
            moment = datetime.datetime.fromisoformat(utc)
            assert page.evaluate(JS, [hours, "Europe/Paris", [utc], sent]) == [expected]
            assert python_state(bar, "Europe/Paris", moment, closures) == expected
    finally:
        page.close()
