"""At night, "open now" reads only the places open at that hour, through their own index
(``Partner.open_hours_of_day``, kept by PostgreSQL from the opening intervals): the
answers are those of the rule itself (``OPEN_AT_SQL``) at every hour of the week, dated
closures included (the index stays a superset: a closure only closes), and the search no
longer checks every place within reach."""

import datetime
import random
import zoneinfo

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from partners.domain.hours import Week
from partners.models import NIGHT_HOURS, WEEK_PREFETCH, OpeningInterval, Partner
from partners.public import search
from tests.factories import ClosureFactory, OpeningIntervalFactory, PartnerFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOUMEA = zoneinfo.ZoneInfo("Pacific/Noumea")
# Monday 30 November 2026, and the week after it.
MONDAY = datetime.date(2026, 11, 30)


def time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def expected_bits(partner: Partner) -> int:
    """Counted minute by minute: the hours of the day in which some interval is open."""
    bits = 0
    for interval in partner.opening_intervals.all():
        start = interval.opens.hour * 60 + interval.opens.minute
        end = interval.closes.hour * 60 + interval.closes.minute
        # 00:00–00:00 is the whole day: ``end`` wraps round to ``start``.
        minutes = range(start, end) if end > start else [*range(start, 1440), *range(end)]
        for minute in minutes:
            bits |= 1 << (minute // 60)
    return bits


def bits(partner: Partner) -> int:
    return Partner.objects.values_list("open_hours_of_day", flat=True).get(pk=partner.pk)


def test_hours_of_the_day_follow_every_change_of_the_intervals():
    partner = PartnerFactory(approved=True)
    assert bits(partner) == 0

    OpeningIntervalFactory(partner=partner, weekday=2, opens=time("09:30"), closes=time("12:00"))
    assert bits(partner) == expected_bits(partner) == 0b1110 << 8

    # Past midnight: 22:15 on Friday to 01:00 on Saturday.
    late = OpeningIntervalFactory(
        partner=partner, weekday=5, opens=time("22:15"), closes=time("01:00")
    )
    assert bits(partner) == expected_bits(partner)
    assert bits(partner) & (1 << 0)
    assert bits(partner) & (1 << 23)
    assert not bits(partner) & (1 << 1)

    OpeningInterval.objects.filter(pk=late.pk).update(closes=time("03:01"))
    assert bits(partner) & (1 << 3)
    assert bits(partner) == expected_bits(partner)

    # Until midnight exactly: open in hour 23, not in hour 0.
    OpeningInterval.objects.filter(pk=late.pk).update(opens=time("20:00"), closes=time("00:00"))
    assert bits(partner) == expected_bits(partner)
    assert bits(partner) & (1 << 23)
    assert not bits(partner) & 1

    partner.opening_intervals.all().delete()
    assert bits(partner) == 0

    # Open 24 hours on Sunday: every hour of the day.
    OpeningIntervalFactory(partner=partner, weekday=7, opens=time("00:00"), closes=time("00:00"))
    assert bits(partner) == expected_bits(partner) == (1 << 24) - 1


def test_hours_of_the_day_of_many_partners_in_one_statement():
    rng = random.Random(7)
    partners = [PartnerFactory(approved=True) for _ in range(30)]
    OpeningInterval.objects.bulk_create(
        OpeningInterval(
            partner=partner,
            weekday=rng.randint(1, 7),
            opens=datetime.time(rng.randrange(24), rng.choice((0, 15, 30, 59))),
            closes=datetime.time(rng.randrange(24), rng.choice((1, 20, 45))),
        )
        for partner in partners
        for _ in range(rng.randint(1, 4))
    )
    for partner in partners:
        assert bits(partner) == expected_bits(partner)


def around_the_clock(zone) -> list[datetime.datetime]:
    """Every hour of a week, on the hour, at :59 and at a random minute, in ``zone``."""
    rng = random.Random(str(zone))
    instants = []
    for day in range(7):
        for hour in range(24):
            for minute in (0, 59, rng.randrange(60)):
                date = MONDAY + datetime.timedelta(days=day)
                instants.append(datetime.datetime.combine(date, datetime.time(hour, minute), zone))
    return instants


@pytest.mark.parametrize(
    ("zone", "department", "point"),
    [(PARIS, "75", (2.3522, 48.8566)), (NOUMEA, "988", (166.4580, -22.2758))],
    ids=["Paris", "Nouméa"],
)
def test_open_now_at_every_hour_is_what_the_rule_says(zone, department, point):
    rng = random.Random(department)
    lon, lat = point
    partners = []
    for index in range(24):
        partner = PartnerFactory(
            approved=True,
            department=department,
            location=Point(lon + rng.uniform(-0.05, 0.05), lat + rng.uniform(-0.05, 0.05)),
        )
        partners.append(partner)
        for _ in range(rng.randint(1, 3)):
            opens = datetime.time(rng.randrange(24), rng.choice((0, 30, 45)))
            closes = datetime.time(rng.randrange(24), rng.choice((0, 15, 59)))
            if opens != closes:
                OpeningIntervalFactory(
                    partner=partner, weekday=(index % 7) + 1, opens=opens, closes=closes
                )
        if index % 4 == 0:
            # Open 24 hours one day (00:00–00:00), the day after its other intervals: an
            # overnight interval runs into it.
            OpeningIntervalFactory(
                partner=partner,
                weekday=(index + 1) % 7 + 1,
                opens=time("00:00"),
                closes=time("00:00"),
            )
        if index % 3 == 1:
            # Closed one or two days of the week checked, the day after some of its
            # intervals: their nights run into the closure, or out of it.
            first = MONDAY + datetime.timedelta(days=(index + 1) % 7)
            ClosureFactory(
                partner=partner, starts=first, ends=first + datetime.timedelta(index % 2)
            )
    reach = search.Reach(lon, lat)
    ids = [partner.pk for partner in partners]

    checked_at_night = whole_days = closed_by_closure = 0
    partners = list(Partner.objects.filter(pk__in=ids).prefetch_related(*WEEK_PREFETCH))
    for now in around_the_clock(zone):
        found = [row["id"] for row in search.nearest(reach, open_now=True, now=now, limit=50)]
        rule = set(Partner.objects.filter(pk__in=ids).open_at(now).values_list("pk", flat=True))
        assert set(found) == rule, now
        counted = search.matching(open_now=True, now=now, reach=reach).values_list("pk", flat=True)
        assert set(counted) == rule, now
        # The Python twin (``hours.Week``) agrees, 24-hour days included.
        assert {p.pk for p in partners if p.is_open_at(now)} == rule, now
        whole_days += any(
            i.whole_day and i.weekday == now.isoweekday()
            for p in partners
            for i in p.opening_intervals.all()
        )
        checked_at_night += now.hour in NIGHT_HOURS and bool(rule)
        local = now.date()
        closed_by_closure += sum(
            Week((i.weekday, i.opens, i.closes) for i in p.opening_intervals.all()).is_open(now)
            and any(c.starts <= local <= c.ends for c in p.closures.all())
            for p in partners
        )
    # The night's indexes were put to the test with places actually open.
    assert checked_at_night > 20
    assert whole_days > 100
    # Closures did close places whose hours say open.
    assert closed_by_closure > 20


def test_at_three_in_the_morning_the_search_walks_the_index_of_that_hour():
    PartnerFactory(approved=True)
    now = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=PARIS)
    query = search._nearest_sql(
        False, open_now=True, step_free=False, opens_later=False, night_hour=now.hour
    )
    reach = search.Reach(2.3522, 48.8566)
    params = {
        "here": f"SRID=4326;POINT({reach.lon} {reach.lat})",
        "approved": "approved",
        "territory": "FR",
        "reach": 50_000,
        "kinds": [],
        "now": now,
        "last": 10,
        "offset": 0,
        "limit": 10,
        "margin": search.SPHERE_MARGIN,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "partner_open_at_03h_idx" in plan

    # The list page counts its pages with the ORM: it states the index's condition (on
    # so few rows PostgreSQL would rather read any index).
    counted = search.matching(open_now=True, now=now, reach=reach)
    assert '("partners_partner"."open_hours_of_day" & 8) > 0' in str(counted.query)


def state_everywhere(partner: Partner, now: datetime.datetime) -> bool:
    """Open or not at ``now`` by the SQL's rule, the ORM's, the nearest search's and the
    Python twin's: all must agree."""
    lon, lat = partner.location.x, partner.location.y
    sql = Partner.objects.open_at(now).filter(pk=partner.pk).exists()
    found = {row["id"] for row in search.nearest(search.Reach(lon, lat), open_now=True, now=now)}
    counted = search.matching(open_now=True, now=now, reach=search.Reach(lon, lat))
    twin = Partner.objects.prefetch_related(*WEEK_PREFETCH).get(pk=partner.pk).is_open_at(now)
    assert (partner.pk in found) == counted.filter(pk=partner.pk).exists() == sql == twin, now
    return sql


def test_a_closure_closes_the_night_running_into_it_and_not_the_evening_before():
    bar = PartnerFactory(approved=True)
    for day in range(1, 8):
        OpeningIntervalFactory(partner=bar, weekday=day, opens=time("20:00"), closes=time("02:00"))
    # Closed on Thursday 3 December 2026 only.
    ClosureFactory(partner=bar, starts=datetime.date(2026, 12, 3), ends=datetime.date(2026, 12, 3))

    def at(text):
        return datetime.datetime.fromisoformat(text).replace(tzinfo=PARIS)

    assert state_everywhere(bar, at("2026-12-02T23:59"))  # Wednesday evening: kept
    assert not state_everywhere(bar, at("2026-12-03T00:00"))  # its night, in the closed day
    assert not state_everywhere(bar, at("2026-12-03T01:59"))
    assert not state_everywhere(bar, at("2026-12-03T21:00"))  # Thursday evening: closed
    # Thursday's night, past midnight, is in Friday: open again.
    assert state_everywhere(bar, at("2026-12-04T00:30"))
    assert state_everywhere(bar, at("2026-12-04T21:00"))


def test_a_closure_on_the_night_clocks_go_back_closes_both_of_its_half_past_two():
    """Sunday 25 October 2026 in Paris: 03:00 becomes 02:00 again; 02:30 comes twice, and
    both are in the closed Sunday. Saturday's evening before midnight is kept."""
    club = PartnerFactory(approved=True)
    OpeningIntervalFactory(partner=club, weekday=6, opens=time("22:00"), closes=time("04:00"))
    OpeningIntervalFactory(partner=club, weekday=7, opens=time("22:00"), closes=time("04:00"))
    ClosureFactory(
        partner=club, starts=datetime.date(2026, 10, 25), ends=datetime.date(2026, 10, 25)
    )
    utc = datetime.UTC
    assert state_everywhere(club, datetime.datetime(2026, 10, 24, 21, 30, tzinfo=utc))  # 23:30
    # 02:30 summer time (00:30 UTC), then 02:30 winter time (01:30 UTC).
    assert not state_everywhere(club, datetime.datetime(2026, 10, 25, 0, 30, tzinfo=utc))
    assert not state_everywhere(club, datetime.datetime(2026, 10, 25, 1, 30, tzinfo=utc))
    # Sunday's night runs into Monday, which is open: 01:00 on Monday 26.
    assert state_everywhere(club, datetime.datetime(2026, 10, 26, 0, 0, tzinfo=utc))
