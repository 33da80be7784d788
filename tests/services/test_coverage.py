"""The coverage's computation (partners/services/coverage.py) against a hand-checked case:
every commune of the gazetteer measured, a few with partners placed at known distances
from their point, open by day, at night only, on Saturday night only, and in Nouméa's own
time; pending partners and partners beyond 50 km not counted; the monthly snapshots; the
KNN indexes walked, a statement a batch of communes rather than a query a commune."""

import datetime
import io
import math
import re

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazetteer import communes
from gazetteer.models import Commune, load_communes
from partners.domain.coverage import MOMENTS, MOMENTS_BY_KEY
from partners.models import NIGHT_HOURS, CommuneCoverage, CoverageRun, OpeningInterval, Status
from partners.services import coverage
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

# A Monday: the nights measured are Wednesday 17 June (to Thursday) and Saturday 20 June
# (to Sunday).
MONDAY = datetime.date(2026, 6, 15)
EARTH = 6_371_008.8


def near(insee: str, *, north_m: float = 0, east_m: float = 0, approved=True):
    """A partner this far north and east of the commune's point."""
    commune = communes.by_code(insee)
    lat = commune.lat + math.degrees(north_m / EARTH)
    lon = commune.lon + math.degrees(east_m / (EARTH * math.cos(math.radians(commune.lat))))
    return PartnerFactory(
        approved=approved,
        department=commune.department,
        postcode=commune.postcodes[0],
        city=commune.name,
        location=Point(lon, lat, srid=4326),
    )


def hours(partner, *intervals):
    for weekday, opens, closes in intervals:
        OpeningInterval.objects.create(
            partner=partner,
            weekday=weekday,
            opens=datetime.time(*opens),
            closes=datetime.time(*closes),
        )


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), within 0.5 % of the spheroid's."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH * math.asin(math.sqrt(h))


@pytest.fixture
def network():
    # Mende: a library 500 m north, open by day from Monday to Saturday.
    hours(near("48095", north_m=500), *[(day, (9,), (18,)) for day in range(1, 7)])
    # Aurillac: a bar 3 km east, open every night from 21:00 to 05:00 only.
    hours(near("15014", east_m=3000), *[(day, (21,), (5,)) for day in range(1, 8)])
    # Rodez (65 km from Aurillac's bar): a club 800 m south, open on Saturday night only.
    hours(near("12202", north_m=-800), (6, (20,), (4,)))
    # Nouméa: a place 200 m west, open on Wednesday from 21:00 to 23:00, Nouméa time (at
    # 22:00 in Paris it is 07:00 on Thursday there).
    hours(near("98818", east_m=-200), (3, (21,), (23,)))
    # Brest: only a pending application, at the town hall's door.
    assert near("29019", approved=False).status == Status.PENDING


def distances(insee: str) -> dict[str, float | None]:
    row = CommuneCoverage.objects.get(insee=insee)
    return {moment.key: getattr(row, moment.field) for moment in MOMENTS}


def test_every_commune_measured_at_each_moment_within_its_territory(network):
    counts = coverage.compute(today=MONDAY)
    assert counts["communes"] == len(communes.all_communes()) == 34_963
    assert counts["partners"] == 4
    assert Commune.objects.count() == 34_963

    assert distances("48095") == {
        "day": pytest.approx(500, rel=0.01),
        "weekday_22h": None,
        "weekday_03h": None,
        "saturday_22h": None,
        "saturday_03h": None,
    }
    assert distances("15014") == {key: pytest.approx(3000, rel=0.01) for key in MOMENTS_BY_KEY}
    # Saturday night's bar: closed on the weekday night; open on Saturday at 22:00 and,
    # past midnight, on Sunday at 03:00. Aurillac's bar, 65 km away, is out of reach.
    assert distances("12202") == {
        "day": pytest.approx(800, rel=0.01),
        "weekday_22h": None,
        "weekday_03h": None,
        "saturday_22h": pytest.approx(800, rel=0.01),
        "saturday_03h": pytest.approx(800, rel=0.01),
    }
    assert distances("98818") == {
        "day": pytest.approx(200, rel=0.01),
        "weekday_22h": pytest.approx(200, rel=0.01),
        "weekday_03h": None,
        "saturday_22h": None,
        "saturday_03h": None,
    }
    # A pending application is no partner.
    assert distances("29019") == dict.fromkeys(MOMENTS_BY_KEY)
    # Mende's nearest neighbour is measured to Mende's library; the other territories'
    # communes never are: La Réunion has no partner.
    mende = communes.by_code("48095")
    library = (mende.lat + math.degrees(500 / EARTH), mende.lon)
    neighbour = min(
        (c for c in communes.all_communes() if c.insee != mende.insee),
        key=lambda c: metres((c.lat, c.lon), (mende.lat, mende.lon)),
    )
    assert distances(neighbour.insee)["day"] == pytest.approx(
        metres((neighbour.lat, neighbour.lon), library), rel=0.01
    )
    assert distances("97411")["day"] is None
    assert not CommuneCoverage.objects.filter(nearest_day__gt=50_000).exists()

    run = CoverageRun.objects.get()
    assert (run.computed_on, run.weekday_night, run.saturday_night, run.partners) == (
        MONDAY,
        datetime.date(2026, 6, 17),
        datetime.date(2026, 6, 20),
        4,
    )
    row = CommuneCoverage.objects.get(insee="48095")
    assert (row.department, row.population) == ("48", 12_464)


def test_the_nights_are_the_next_ones_and_their_hours_have_an_index():
    moments = {m.key: m.instant(datetime.date(2026, 6, 20)) for m in MOMENTS}
    assert moments == {
        "day": None,
        "weekday_22h": datetime.datetime(2026, 6, 24, 22),
        "weekday_03h": datetime.datetime(2026, 6, 25, 3),
        "saturday_22h": datetime.datetime(2026, 6, 20, 22),
        "saturday_03h": datetime.datetime(2026, 6, 21, 3),
    }
    # A night's partners are read from the partial index of that hour (partners/models.py).
    assert all(m.hour in NIGHT_HOURS for m in MOMENTS if m.hour is not None)


def test_a_run_a_day_and_the_last_of_each_month_kept(network):
    for day in (datetime.date(2026, 5, 20), datetime.date(2026, 5, 31), MONDAY):
        coverage.compute(today=day)
    coverage.compute(today=MONDAY)
    runs = list(CoverageRun.objects.values_list("computed_on", flat=True))
    assert runs == [MONDAY, datetime.date(2026, 5, 31)]
    assert CommuneCoverage.objects.count() == 2 * 34_963
    coverage.compute(today=datetime.date(2026, 6, 16))
    runs = list(CoverageRun.objects.values_list("computed_on", flat=True))
    assert runs == [datetime.date(2026, 6, 16), datetime.date(2026, 5, 31)]


def test_a_statement_a_batch_of_communes_not_a_query_a_commune(network):
    with CaptureQueriesContext(connection) as queries:
        coverage.compute(today=MONDAY)
    inserts = [q for q in queries if "INSERT INTO partners_communecoverage" in q["sql"]]
    assert len(inserts) == math.ceil(34_963 / coverage.BATCH)
    assert len(queries) < 40


def test_each_moment_walks_its_knn_index():
    call_command("seed_demo", count=3000, seed=3, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_partner")
        cursor.execute("ANALYZE partners_openinginterval")
    load_communes()
    statement = coverage.measure_sql(0, MONDAY).as_string(connection.connection)
    select = statement[statement.index("SELECT") :]
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN {select}",
            {"communes": ["75056", "48095", "98818"]},
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on partners_partner" not in plan
    scans = re.findall(r"Index Scan using (\S+) on partners_partner", plan)
    assert sorted(scans) == sorted(
        [
            re.search(r"partners_partner_location_\w+", plan).group(0),
            "partner_open_at_22h_idx",
            "partner_open_at_03h_idx",
            "partner_open_at_22h_idx",
            "partner_open_at_03h_idx",
        ]
    )
    assert plan.count("Order By: (location <-> c.location)") == 5


def test_the_command_measures_today_with_a_line_for_cron(network):
    out = io.StringIO()
    with time_machine.travel(datetime.datetime(2026, 6, 15, 2, 30, tzinfo=datetime.UTC)):
        call_command("compute_coverage", stdout=out)
    assert CoverageRun.objects.get().computed_on == MONDAY
    assert re.fullmatch(
        r"34963 communes measured against 4 approved partners in \d+\.\d s "
        r"\(gazetteer table: 34963 added, 0 changed, 0 removed\)\.\n",
        out.getvalue(),
    )
