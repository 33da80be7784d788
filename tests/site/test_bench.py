"""The bench's own logic: which database it uses, how it reads plans, where it searches,
how it loads a server."""

from collections import Counter
from http.server import BaseHTTPRequestHandler

import pytest
from django.contrib.gis.geos import Point
from django.urls import resolve

import bench.settings
import enlieusur.settings
from bench import growth, report
from bench.browser import _offline_reloads, _tap_locate
from bench.environment import bench_database_url, production_environment
from bench.measures import (
    Results,
    measure_sms,
    p95,
    plan_verdict,
    plan_walks_index,
    raw_nearest_path,
    run_wrk,
    sample_people,
    sample_points,
    sample_texts,
)
from enlieusur import localdb
from partners.domain import territories
from partners.public import api
from tests import servers
from tests.factories import PartnerFactory, every_day, hidden_partners

KNN_PLAN = """Limit (actual time=0.1..0.2 rows=10 loops=1)
  ->  Index Scan using location_idx on partners_partner (actual time=0.5..0.7 rows=10 loops=1)
        Order By: (location <-> '0101000020E6100000'::geography)
        Filter: ((status)::text = 'approved'::text)
Execution Time: 0.3 ms"""

SORT_PLAN = """Limit  (cost=1049126.27..1049127.43 rows=10 width=408)
  ->  Gather Merge  (cost=1049126.27..1058849.24 rows=83334 width=408)
        ->  Sort  (cost=1048126.24..1048230.41 rows=41667 width=408)
              Sort Key: (st_distance(location, '0101000020E6100000'::geography, true))
              ->  Parallel Seq Scan on partners_partner (actual time=308..458 rows=33333 loops=3)
Execution Time: 1009.728 ms"""


# Re-ranking the few partners within the KNN radius: a Sort, of ten rows.
RERANK_PLAN = """Limit (actual time=1.1..1.1 rows=10 loops=1)
  ->  Sort (actual time=1.1..1.1 rows=10 loops=1)
        ->  Index Scan using location_idx on partners_partner (actual time=0.3..1.0 rows=10 loops=1)
              Index Cond: (location && _st_expand('0101000020E6100000'::geography, '826'::double))
Execution Time: 1.2 ms"""

# The status index returning every approved partner, then a Sort of all of them.
STATUS_INDEX_PLAN = """Limit (actual time=90.1..90.2 rows=10 loops=1)
  ->  Sort (actual time=90.1..90.1 rows=10 loops=1)
        -> Index Scan using status_idx on partners_partner (actual time=0.1..60 rows=100000 loops=1)
Execution Time: 90.3 ms"""


def test_bench_never_uses_the_configured_database():
    url = bench_database_url(
        "postgres://app:secret@db.example:5433/enlieusur?sslmode=require", 100_000
    )
    assert url == "postgres://app:secret@db.example:5433/enlieusur_bench_100000?sslmode=require"


def test_bench_uses_its_own_database_per_size_in_the_local_cluster():
    assert bench_database_url(None, 10_000) == localdb.database_url("enlieusur_bench_10000")
    assert bench_database_url(None, 10_000) != localdb.database_url()


def test_growth_slopes_tell_flat_logarithmic_and_linear_apart():
    def sizes(*values):
        return [
            growth.Growth(count, {"x": value}, {})
            for count, value in zip((10_000, 100_000, 1_000_000), values, strict=True)
        ]

    flat, logarithmic, linear = sizes(5, 5.2, 5.5), sizes(5, 6.2, 7.4), sizes(1, 10, 100)
    assert [growth.slope(*flat[i : i + 2], "x") for i in (0, 1)] == ["flat", "flat"]
    assert growth.slope(*logarithmic[1:], "x") == "logarithmic"
    assert growth.slope(*linear[1:], "x") == "linear"
    assert growth.slope(*sizes(1, 3, 9)[1:], "x") == "sub-linear (×3.0)"
    assert growth.slope(*sizes(1, 300, 150)[1:], "x") == "falls (×0.50)"


def test_growth_targets_are_judged_at_a_million_against_100000():
    base = growth.Growth(100_000, {"throughput": 900, "nearest_p95": 9}, {})
    large = growth.Growth(1_000_000, {"throughput": 500, "nearest_p95": 19, "rss_mb": 320}, {})
    assert growth.verdicts([base]) == {}
    verdicts = growth.verdicts([base, large])
    assert verdicts["nearest_p95"] == ("≤ 20 ms", True)
    assert verdicts["throughput"][1] is False  # 500 < 900 / 1.5
    assert verdicts["rss_mb"] == ("≤ 300 MB", False)
    rows = {row[0]: row for row in report.growth_rows([base, large])}
    assert rows["nearest API p95"][1:6] == [
        "9.0 ms",
        "19.0 ms",
        "sub-linear (×2.1)",
        "≤ 20 ms",
        "PASS",
    ]


def test_growth_tiles_cover_mainland_france_at_zooms_0_to_8():
    paths = growth.tile_paths()
    assert "/api/v1/partners/tiles/0/0/0.json" in paths
    assert "/api/v1/partners/tiles/5/16/11.json" in paths  # Paris
    assert len(paths) == len(set(paths)) < 200


def test_knn_plan_passes_and_a_sort_over_all_rows_does_not():
    assert plan_walks_index(KNN_PLAN)
    assert not plan_walks_index(SORT_PLAN)
    assert plan_verdict(RERANK_PLAN) == (True, "index scan of a few rows")
    assert plan_verdict(SORT_PLAN) == (False, "sequential scan of partners")
    assert plan_verdict(STATUS_INDEX_PLAN) == (False, "Index Scan returns 100,000 rows")


def _inside(point, territory) -> bool:
    south, west, north, east = territory.bounds
    return south <= point[0] <= north and west <= point[1] <= east


def test_search_points_are_reproducible_and_a_tenth_overseas():
    points = sample_points(300, seed=1)
    assert points == sample_points(300, seed=1)
    mainland = territories.TERRITORIES[territories.MAINLAND]
    overseas = [t for code, t in territories.TERRITORIES.items() if t is not mainland]
    assert sum(_inside(p, mainland) for p in points) == 270
    assert sum(any(_inside(p, t) for t in overseas) for p in points) == 30


def test_p95_is_the_value_below_which_95_percent_fall():
    assert p95([float(n) for n in range(1, 101)]) == 95.05


def test_the_load_generator_cycles_through_the_paths_and_counts_failures():
    seen = Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            seen[self.path] += 1
            body = b"ok"
            self.send_response(404 if self.path == "/missing" else 200)
            self.send_header("X-Cache", "hit" if self.path == "/a" else "miss")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    connections = 2
    with servers.stand_in(Handler) as port:
        summary = run_wrk(f"http://127.0.0.1:{port}", ["/a", "/b", "/missing"], connections, 1)
    # wrk counts the answers it received in time: the last one of each connection may not be.
    assert summary["requests"] <= sum(seen.values()) <= summary["requests"] + connections
    assert summary["requests"] > 10
    assert set(seen) == {"/a", "/b", "/missing"}
    assert max(seen.values()) - min(seen.values()) <= connections  # each path in turn
    assert seen["/missing"] - connections <= summary["status"] <= seen["/missing"]
    assert summary["p95_us"] > 0
    # The answers served by the answer cache, as counted from their X-Cache header.
    assert seen["/a"] - connections <= summary["hits"] <= seen["/a"]


def test_people_under_load_search_from_communes_by_population_rounded_as_the_page_does():
    people = sample_people(20_000, seed=1)
    assert people == sample_people(20_000, seed=1)
    assert all(round(lat, 3) == lat and round(lon, 3) == lon for lat, lon in people)
    # Big towns come back often: many people ask from the same place in a minute.
    assert max(Counter(people).values()) > 100
    assert len(set(people)) < len(people) / 2


def _setting_names(module) -> set[str]:
    return {name for name in dir(module) if name.isupper() and not name.startswith("_")}


def test_the_bench_serves_the_production_settings_with_its_own_urlconf(tmp_path):
    assert production_environment("postgres://x/y", tmp_path)["DJANGO_SETTINGS_MODULE"] == (
        "bench.settings"
    )
    names = _setting_names(enlieusur.settings)
    assert names == _setting_names(bench.settings)
    changed = {n for n in names if getattr(bench.settings, n) != getattr(enlieusur.settings, n)}
    assert changed == {"ROOT_URLCONF"}
    assert bench.settings.ROOT_URLCONF == "bench.urls"


def test_the_app_addresses_resolve_alike_in_the_bench_urlconf():
    for path in ("/api/v1/partners/nearest", "/api/v1/partners/7", "/api/v1/nowhere", "/lieux/"):
        assert resolve(path, "bench.urls").func == resolve(path, "enlieusur.urls").func
    assert resolve("/api/v1/partners/nearest", "bench.urls").func == api.partners_nearest


@pytest.mark.django_db
def test_the_floor_view_runs_the_raw_query_on_approved_partners(client, settings):
    settings.ROOT_URLCONF = "bench.urls"
    here = Point(2.3522, 48.8566, srid=4326)
    far = PartnerFactory(approved=True, location=Point(2.3622, 48.8566, srid=4326))
    near = PartnerFactory(approved=True, location=Point(2.3532, 48.8566, srid=4326))
    hidden_partners(here)
    response = client.get(raw_nearest_path(here.y, here.x))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row[0] for row in rows] == [near.pk, far.pk]
    assert 70 < rows[0][-1] < 75 < 725 < rows[1][-1] < 735  # metres on the spheroid


@pytest.mark.django_db
def test_bench_times_open_now_at_night_and_by_day_with_the_next_to_open():
    from bench.inprocess import measure_open_now
    from tests.factories import every_day

    every_day(PartnerFactory(approved=True), "09:00", "18:00")
    results = Results()
    measure_open_now(results, [(48.8566, 2.3522), (30.0, -40.0)])
    figures = {figure.name: figure for figure in results.figures}
    assert set(figures) == {
        "open now at 03:00 local, p50 / p95",
        "open now at 14:00 local, p50 / p95",
    }
    assert all(figure.status in {"PASS", "MISS"} for figure in figures.values())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bench_times_the_tap_on_locate_to_the_first_result_in_view(chromium, live_server):
    PartnerFactory(approved=True, location=Point(2.3522, 48.8566, srid=4326))
    seconds, problem = _tap_locate(
        chromium, live_server.url, (48.857, 2.352), slow=False, timeout_s=20
    )
    assert problem is None
    assert 0 < seconds < 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bench_reports_a_tap_that_brings_no_result(chromium, live_server):
    seconds, problem = _tap_locate(
        chromium, live_server.url, (48.857, 2.352), slow=False, timeout_s=3
    )
    assert seconds is None
    assert "3 s" in problem


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bench_times_three_offline_reloads_to_the_kept_places(chromium, live_server):
    PartnerFactory(approved=True, location=Point(4.8357, 45.7640, srid=4326))  # Lyon
    times, problem = _offline_reloads(chromium, live_server.url, timeout_s=30)
    assert problem is None
    assert len(times) == 3
    assert all(0 < ms < 30_000 for ms in times)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bench_reports_offline_reloads_with_nothing_kept(chromium, live_server):
    times, problem = _offline_reloads(chromium, live_server.url, timeout_s=3)
    assert times == []
    assert problem == "keptPlaces.all().then((kept) => kept.length > 0) not true within 3 s"


def test_sms_texts_are_reproducible_towns_and_postcodes():
    texts = sample_texts(300, seed=1)
    assert texts == sample_texts(300, seed=1)
    postcodes = [t for t in texts if t.isdigit()]
    assert len(postcodes) == 150
    assert all(len(t) == 5 for t in postcodes)
    assert "PARIS" in texts or any(t.startswith("75") for t in postcodes)


@pytest.mark.django_db(transaction=True)
def test_the_sms_measure_posts_signed_texts_the_webhook_answers(live_server, settings):
    settings.TWILIO_AUTH_TOKEN = "bench-token"
    settings.SMS_WEBHOOK_URL = "https://enlieusur.fr/sms/twilio/"
    partner = PartnerFactory(approved=True)
    every_day(partner, "00:00", "23:59")
    results = Results()

    measure_sms(results, live_server.url, ["PARIS", "75004", "LYON", "97400"])

    figures = {f.name: f for f in results.figures}
    assert set(figures) == {"SMS webhook p50", "SMS webhook p95"}
    assert figures["SMS webhook p95"].target == "≤ 50 ms"
    assert figures["SMS webhook p50"].note == "3 texts (towns, postcodes), 0 bad"
    assert figures["SMS webhook p95"].status in {"PASS", "MISS"}


@pytest.mark.django_db(transaction=True)
def test_the_sms_measure_says_so_when_the_webhook_is_off(live_server, settings):
    settings.TWILIO_AUTH_TOKEN = settings.SMS_WEBHOOK_URL = ""
    results = Results()

    measure_sms(results, live_server.url, ["PARIS"])

    (figure,) = results.figures
    assert (figure.name, figure.status) == ("SMS webhook p95", "N/A")
    assert figure.note == "POST /sms/twilio/: HTTP 404"
