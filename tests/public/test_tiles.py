import math
import re
from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partners.models import Partner, Status
from partners.public import search, tiles
from partners.services import decisions
from tests.factories import PRIVATE_MARKERS, PartnerFactory, hidden_partners, private_contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The slippy-map tile holding a point, from the usual Web Mercator formulas."""
    n = 2**z
    x = math.floor((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = math.floor((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)
    return x, y


def get_tile(client, z, x, y, **headers):
    return client.get(f"/api/v1/partners/tiles/{z}/{x}/{y}.json", headers=headers)


def tile_total(data: dict) -> int:
    return sum(count for _lat, _lon, count in data.get("clusters", [])) + len(
        data.get("points", [])
    )


@pytest.mark.parametrize("z", [0, 3, 5, 7])
def test_tile_counts_add_up_to_the_approved_partners_in_each_tile(client, z):
    call_command("seed_demo", count=600, seed=11)
    PartnerFactory(name="Café en attente", location=Point(2.35, 48.85, srid=4326))
    expected = Counter(
        tile_of(p.location.x, p.location.y, z) for p in Partner.objects.public().only("location")
    )

    totals = {}
    for x, y in expected:
        response = get_tile(client, z, x, y)
        assert response.status_code == 200
        totals[x, y] = tile_total(response.json())

    assert totals == dict(expected)
    assert sum(totals.values()) == 600


def test_a_crowded_tile_answers_clusters_each_inside_the_tile(client):
    call_command("seed_demo", count=600, seed=11)

    data = get_tile(client, 0, 0, 0).json()

    assert "points" not in data
    assert len(data["clusters"]) > 1
    assert sum(count for *_, count in data["clusters"]) == 600
    for lat, lon, count in data["clusters"]:
        assert -85.06 < lat < 85.06
        assert -180 <= lon < 180
        assert count > 0


def test_a_tile_with_few_partners_lists_them_with_public_fields_only(client):
    library = PartnerFactory(
        approved=True, name="Médiathèque Duras", location=Point(2.40, 48.86, srid=4326)
    )
    x, y = tile_of(2.40, 48.86, 10)

    data = get_tile(client, 10, x, y).json()

    assert data == {
        "points": [[library.pk, 48.86, 2.4, "library", "Médiathèque Duras"]],
    }
    assert "Camille" not in get_tile(client, 10, x, y).content.decode()


def test_partners_not_approved_never_appear_in_tiles(client):
    PartnerFactory(approved=True, location=Point(2.40, 48.86, srid=4326), **private_contact())
    hidden = hidden_partners(Point(2.41, 48.86, srid=4326))

    for z in (0, 6, 12):
        x, y = tile_of(2.41, 48.86, z)
        response = get_tile(client, z, x, y)
        data = response.json()
        assert tile_total(data) == 1
        assert not {p.pk for p in hidden} & {point[0] for point in data["points"]}
        assert not any(marker in response.content.decode() for marker in PRIVATE_MARKERS)


def test_partners_on_tile_edges_belong_to_exactly_one_tile(client):
    # On the Greenwich meridian and the equator: the shared edges of four tiles at z=1.
    PartnerFactory(approved=True, location=Point(0, 0, srid=4326))
    PartnerFactory(approved=True, location=Point(0, 10, srid=4326))

    totals = [tile_total(get_tile(client, 1, x, y).json()) for x in (0, 1) for y in (0, 1)]

    assert sum(totals) == 2


@pytest.mark.parametrize(
    "path",
    [
        "19/0/0",
        "3/8/0",
        "3/0/8",
        "99999999999999999999/0/0",
        "2/-1/0",
        "a/b/c",
        "1/0/0.geojson",
        "1/0",
    ],
)
def test_impossible_tiles_answer_404(client, path):
    response = client.get(f"/api/v1/partners/tiles/{path}.json")
    assert response.status_code == 404


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(0, 2**70), st.integers(0, 2**70), st.integers(0, 2**70))
def test_any_tile_coordinates_answer_a_tile_or_404(client, z, x, y):
    response = get_tile(client, z, x, y)
    if z <= tiles.MAX_ZOOM and x < 2**z and y < 2**z:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_tiles_answer_get_only(client):
    assert client.post("/api/v1/partners/tiles/0/0/0.json").status_code == 405


def test_tile_is_cacheable_and_revalidates_with_its_etag(client):
    PartnerFactory(approved=True, location=Point(2.40, 48.86, srid=4326))

    first = get_tile(client, 0, 0, 0)
    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    again = get_tile(client, 0, 0, 0, if_none_match=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_tile_is_compressed_for_clients_that_accept_gzip(client):
    PartnerFactory.create_batch(20, approved=True)

    response = get_tile(client, 0, 0, 0, accept_encoding="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_a_new_approval_changes_the_etag_and_the_tile(client):
    PartnerFactory(approved=True, location=Point(2.40, 48.86, srid=4326))
    first = get_tile(client, 0, 0, 0)
    newcomer = PartnerFactory(location=Point(2.30, 48.80, srid=4326))

    decisions.approve_partner(partner=newcomer, actor="test")
    second = get_tile(client, 0, 0, 0, if_none_match=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert tile_total(second.json()) == 2


def test_a_partner_leaving_changes_the_public_version():
    PartnerFactory(approved=True)
    leaving = PartnerFactory(approved=True)
    before = search.public_version()

    Partner.objects.filter(pk=leaving.pk).update(status=Status.WITHDRAWN)

    assert search.public_version() != before


def test_clusters_are_counted_from_the_coordinates_index():
    # 200 partners along a parallel, a tile box holding three of them: with statistics, the
    # coordinates index is the selective way in (the status index would return them all).
    for n in range(200):
        PartnerFactory(approved=True, location=Point(-5 + n / 20, 45, srid=4326))
    z, x, y = 8, *tile_of(-4.9, 45, 8)
    params = {
        "approved": Status.APPROVED,
        "w": tiles._longitude(x, z),
        "e": tiles._longitude(x + 1, z),
        "n": tiles._latitude(y, z),
        "s": tiles._latitude(y + 1, z),
        "grid": tiles.GRID,
        "rows": [tiles._latitude(y + 1 - i / tiles.GRID, z) for i in range(tiles.GRID + 1)],
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_partner")
        # A test table is small: forbid reading it whole to see whether the index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + tiles._CLUSTERS_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # An index-only scan once VACUUM has marked the table's pages all-visible, as
    # autovacuum does; a test's fresh rows are not, so a plain index scan may be chosen.
    assert re.search(r"Index (Only )?Scan using partner_public_lonlat_idx", plan), plan
    assert "Index Cond: ((longitude >= " in plan, plan  # a range of it, not all of it
