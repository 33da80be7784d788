"""make bench --counts: how each cost grows with the number of partners.

At each size, in its own database (``enlieusur_bench_<count>``, kept and reused by the next
run), gunicorn as in production and the bench's Redis: the figures of ``FIGURES``. The
report gives them side by side with the slope between sizes (bench/report.py) and checks
the targets set for 1,000,000 partners (``TARGETS``).
"""

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

from bench import environment
from bench.measures import (
    GEOJSON_PATH,
    Client,
    Results,
    check_nearest_response,
    nearest_path,
    p50,
    p95,
    people_under_load,
    raw_nearest_path,
    sample_points,
)

LARGE = 1_000_000
# The mainland's tiles at each zoom the map draws first (bench: the tiles of France).
FRANCE = (-5.2, 41.3, 9.6, 51.1)  # west, south, east, north
TILE_ZOOMS = range(0, 9)


@dataclass
class Growth:
    """One size's figures, in the units of ``FIGURES``."""

    count: int
    values: dict[str, float]
    notes: dict[str, str]


# (key, label, unit): the rows of the growth table.
FIGURES = [
    ("seed_s", "seeding (create, migrate, seed, analyse)", "s"),
    ("db_mb", "database size", "MB"),
    ("nearest_p50", "nearest API p50", "ms"),
    ("nearest_p95", "nearest API p95", "ms"),
    ("raw_p95", "raw query served by Django p95", "ms"),
    ("tile_cold_p95", "a tile computed, zoom 0–8, p95", "ms"),
    ("tile_304_p95", "a tile revalidated (304), p95", "ms"),
    ("list_p95", "list page near a point, p95", "ms"),
    ("first_marker", "first marker, loopback", "ms"),
    ("first_marker_slow", "first marker, slow mobile", "ms"),
    ("bytes", "bytes before the first marker", "KB"),
    ("throughput", "nearest throughput, people where they live", "req/s"),
    ("geojson_s", "full GeoJSON answered in", "s"),
    ("rss_mb", "largest worker's memory (RSS) after the run", "MB"),
    ("coverage_s", "compute_coverage (34,963 communes, 5 moments)", "s"),
]

# At 1,000,000 partners (issue "How the cost grows"): (key, test, target text).
TARGETS = {
    "nearest_p95": (lambda v, base: v <= 20, "≤ 20 ms"),
    "throughput": (lambda v, base: base is None or v >= base / 1.5, "≥ 100,000's / 1.5"),
    "first_marker": (lambda v, base: v < 1000, "< 1 s"),
    "first_marker_slow": (lambda v, base: v < 2500, "< 2.5 s"),
    "tile_cold_p95": (lambda v, base: v <= 300, "≤ 300 ms"),
    "rss_mb": (lambda v, base: v <= 300, "≤ 300 MB"),
}


def tile_paths() -> list[str]:
    """The data tiles over mainland France at zooms 0 to 8."""
    west, south, east, north = FRANCE
    paths = []
    for z in TILE_ZOOMS:
        n = 2**z
        x0, x1 = (int((lon + 180) / 360 * n) for lon in (west, east))
        y0, y1 = (
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
            for lat in (north, south)
        )
        paths += [
            f"/api/v1/partners/tiles/{z}/{x}/{y}.json"
            for x in range(x0, x1 + 1)
            for y in range(y0, y1 + 1)
        ]
    return paths


def _timed(client: Client, paths, headers=None) -> tuple[list[float], list]:
    responses = [client.get(path, headers) for path in paths]
    return [r.seconds for r in responses], responses


def database_megabytes(url: str) -> float:
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return size / 1e6


def worker_rss_mb(server: environment.Server) -> float:
    """The largest resident memory of the server's worker processes, in MB."""
    largest = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            if int(fields["PPid"]) == server.process.pid:
                largest = max(largest, int(fields["VmRSS"].split()[0]))
        except (OSError, KeyError, ValueError):
            continue
    return largest / 1000


def measure(count: int, seed: int, configured: str | None, work: Path, seconds: float) -> Growth:
    """Every figure of ``FIGURES`` at ``count`` partners."""
    from bench.browser import measure_home

    url = environment.bench_database_url(configured, count)
    values: dict[str, float] = {}
    notes: dict[str, str] = {}
    os.environ["DATABASE_URL"] = url  # for manage.py and gunicorn
    values["seed_s"] = environment.prepare_database(url, count, seed)
    values["db_mb"] = database_megabytes(url)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushall()  # every answer and tile cold
    server = environment.Server(work / f"gunicorn-{count}.log")
    try:
        server.start()
        client = Client(server.url)
        points = sample_points(120, seed + 1)
        for lat, lon in points[:20]:  # warm the workers, on other positions
            client.get(nearest_path(lat + 0.01, lon))
        api, responses = _timed(client, [nearest_path(lat, lon) for lat, lon in points])
        bad = sum(bool(check_nearest_response(r)) for r in responses)
        values["nearest_p50"], values["nearest_p95"] = p50(api) * 1000, p95(api) * 1000
        notes["nearest_p95"] = f"{len(points)} positions, each searched, {bad} bad"
        raw, _ = _timed(client, [raw_nearest_path(lat, lon) for lat, lon in points])
        values["raw_p95"] = p95(raw) * 1000

        tiles = tile_paths()
        cold, responses = _timed(client, tiles)
        values["tile_cold_p95"] = p95(cold) * 1000
        notes["tile_cold_p95"] = f"{len(tiles)} tiles, slowest {max(cold) * 1000:.0f} ms"
        revalidated = [
            client.get(path, {"If-None-Match": r.headers.get("etag", "")})
            for path, r in zip(tiles, responses, strict=True)
        ]
        values["tile_304_p95"] = p95([r.seconds for r in revalidated]) * 1000
        not_modified = sum(r.status == 304 for r in revalidated)
        notes["tile_304_p95"] = f"{not_modified} of {len(tiles)} answered 304"

        lists, _ = _timed(client, [f"/lieux/?lat={lat}&lon={lon}" for lat, lon in points[:30]])
        values["list_p95"] = p95(lists) * 1000

        home = Results()
        measure_home(home, server.url, server.workers())
        for key, run in (("first_marker", "loopback"), ("first_marker_slow", "slow mobile")):
            if "first_marker" in home.details["home"][run]:
                values[key] = home.details["home"][run]["first_marker"] * 1000
        if "bytes" in home.details["home"]["loopback"]:
            values["bytes"] = home.details["home"]["loopback"]["bytes"] / 1000

        people = people_under_load(server.url, seed, 24, seconds)
        summary, cold = people["steady"], people["cold"]
        values["throughput"] = summary["requests"] / summary["seconds"]
        hit_rate = summary["hits"] / max(summary["requests"], 1)
        errors = sum(summary[k] for k in ("status", "connect", "read", "write", "timeout"))
        notes["throughput"] = (
            f"{seconds:.0f} s, {hit_rate:.0%} from the answer cache, {errors} errors; "
            f"from a cold cache {cold['requests'] / cold['seconds']:.0f} req/s"
        )

        geojson = Client(server.url, timeout=120).get(GEOJSON_PATH, {"Accept-Encoding": "gzip"})
        values["geojson_s"] = geojson.seconds
        notes["geojson_s"] = f"HTTP {geojson.status}, {len(geojson.body) / 1e6:.1f} MB sent" + (
            f" (to {geojson.headers['location']})" if "location" in geojson.headers else ""
        )
        client.close()
        values["rss_mb"] = worker_rss_mb(server)
    finally:
        server.stop()
    start = time.perf_counter()
    environment.manage("compute_coverage")
    values["coverage_s"] = time.perf_counter() - start
    return Growth(count, values, notes)


def slope(before: Growth, after: Growth, key: str) -> str:
    """How a figure grows between two sizes: flat (within 15 %), logarithmic, sub-linear or
    linear, from the exponent of the power law through both points; or how far it falls."""
    v1, v2 = before.values.get(key), after.values.get(key)
    if not v1 or not v2:
        return ""
    ratio = v2 / v1
    exponent = math.log(ratio) / math.log(after.count / before.count)
    if ratio < 1 / 1.15:
        return f"falls (×{ratio:.2f})"
    if ratio <= 1.15:
        return "flat"
    if ratio <= 1.15 * math.log(after.count) / math.log(before.count):
        return "logarithmic"
    return "linear" if exponent >= 0.8 else f"sub-linear (×{ratio:.1f})"


def verdicts(growths: list[Growth]) -> dict[str, tuple[str, bool]]:
    """The targets at 1,000,000 partners, when that size was measured."""
    large = next((g for g in growths if g.count == LARGE), None)
    base = next((g for g in growths if g.count == 100_000), None)
    if large is None:
        return {}
    result = {}
    for key, (test, text) in TARGETS.items():
        if key in large.values:
            reference = base.values.get(key) if base else None
            result[key] = (text, test(large.values[key], reference))
    return result
