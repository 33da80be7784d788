"""The nearest search ranks by the true (spheroid) distance, whatever the index's sphere
says: against a brute-force ranking of every partner by its geodesic distance, on dense
clusters where the sphere's order is not the true one, with and without filters, page by
page. One cluster lets the index's walk hold the page, the other (a thin ring, every
partner within the sphere's margin of error of the others) needs the second scan
(``search._NEAREST_SQL``)."""

import datetime
import random

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from geographiclib.geodesic import Geodesic

from partners.models import Kind
from partners.public import search
from tests.factories import PartnerFactory, every_day

pytestmark = pytest.mark.django_db

WGS84 = Geodesic.WGS84
LAT, LON = 48.8566, 2.3522
NOW = datetime.datetime(2026, 6, 3, 11, 0, tzinfo=datetime.UTC)
FILTERS = ({}, {"kind": Kind.PHARMACY.value}, {"open_now": True}, {"step_free": True})
# Every page size from the first result, and pages further on (the list page's).
PAGES = [(0, limit) for limit in range(1, search.MAX_LIMIT + 1)] + [(5, 10), (20, 30)]


def _cluster(rng: random.Random, count: int, nearest: float, farthest: float) -> dict:
    """``count`` approved partners at random bearings, each at a true distance between
    ``nearest`` and ``farthest`` metres: every third a pharmacy, every other one open all
    day every day, every fifth step-free. Returns their true distances by id."""
    distances = {}
    for n in range(count):
        line = WGS84.Direct(LAT, LON, rng.uniform(0, 360), rng.uniform(nearest, farthest))
        partner = PartnerFactory(
            approved=True,
            location=Point(line["lon2"], line["lat2"], srid=4326),
            kind=Kind.PHARMACY if n % 3 == 0 else Kind.LIBRARY,
            step_free=n % 5 == 0,
        )
        if n % 2 == 0:
            every_day(partner, "00:00", "00:00")
        distances[partner.pk] = line["s12"]
    return distances


def _sphere_distances() -> dict[int, float]:
    """Each partner's distance as the index measures it (`<->`, on the sphere)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, location <-> ST_MakePoint(%s, %s)::geography FROM partners_partner",
            [LON, LAT],
        )
        return dict(cursor.fetchall())


def _matching(distances: dict, *, kind: str = "", open_now: bool = False, step_free=False):
    """The brute force: every partner the filters keep, by true distance, then id."""
    kept = search.matching(kind=kind, open_now=open_now, step_free=step_free, now=NOW)
    ids = set(kept.values_list("id", flat=True))
    return sorted(ids, key=lambda pk: (distances[pk], pk))


def _assert_ranked_as_brute_force(distances: dict) -> None:
    reach = search.Reach(LON, LAT)
    for filters in FILTERS:
        expected = _matching(distances, **filters)
        for offset, limit in PAGES:
            rows = search.nearest(reach, now=NOW, offset=offset, limit=limit, **filters)
            page = expected[offset : offset + limit]
            assert [row["id"] for row in rows] == page, (filters, offset, limit)
            for row in rows:
                assert abs(row["distance"] - distances[row["id"]]) < 0.001


def _sphere_order_differs(distances: dict) -> bool:
    spheres = _sphere_distances()
    return sorted(distances, key=spheres.get) != sorted(distances, key=distances.get)


def test_a_dense_cluster_is_ranked_as_a_brute_force_geodesic_ranking():
    # 80 partners between 900 and 1,100 m: the walk's few more than the page's partners
    # reach past the sphere's margin of error.
    distances = _cluster(random.Random(18), 80, 900, 1100)
    assert _sphere_order_differs(distances)
    spheres = sorted(_sphere_distances().values())
    tenth = sorted(distances.values())[9]
    assert spheres[10 + 10 // 2 + 5 - 1] > tenth * search.SPHERE_MARGIN

    _assert_ranked_as_brute_force(distances)


def test_a_thin_ring_within_the_spheres_error_is_ranked_as_a_brute_force_ranking():
    # 60 partners between 1,000 and 1,002 m: every one is within the sphere's margin of
    # error of the nearest, so no walk reaches past it and the second scan ranks them.
    distances = _cluster(random.Random(19), 60, 1000, 1002)
    assert _sphere_order_differs(distances)
    assert max(_sphere_distances().values()) < min(distances.values()) * search.SPHERE_MARGIN

    _assert_ranked_as_brute_force(distances)


def test_the_sphere_margin_covers_the_spheres_error_anywhere():
    """A partner at a true distance d is within d × SPHERE_MARGIN on the index's sphere,
    at every latitude and bearing, up to the reach (the largest ratio is about 1.0056,
    north–south at the equator)."""
    rng = random.Random(20)
    pairs = []
    for _ in range(2000):
        lat, lon = rng.uniform(-89, 89), rng.uniform(-180, 180)
        line = WGS84.Direct(lat, lon, rng.uniform(0, 360), rng.uniform(1, search.MAX_KM * 1000))
        pairs.append((lon, lat, line["lon2"], line["lat2"], line["s12"]))
    pairs.append((0.0, -0.001, 0.0, 0.001, WGS84.Inverse(-0.001, 0, 0.001, 0)["s12"]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max((ST_MakePoint(a, b)::geography <-> ST_MakePoint(c, d)::geography) / s)"
            " FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[])"
            " AS pairs(a, b, c, d, s)",
            [list(column) for column in zip(*pairs, strict=True)],
        )
        (worst,) = cursor.fetchone()
    assert 1.005 < worst < search.SPHERE_MARGIN
