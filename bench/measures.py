"""Measurements over HTTP and SQL, and the figures they produce."""

import gzip
import http.client
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings
from twilio.request_validator import RequestValidator

from gazetteer.communes import all_communes
from partners.domain import territories

NEAREST_PATH = "/api/v1/partners/nearest"
GEOJSON_PATH = "/api/v1/partners.geojson"
# The raw query answered by Django (bench/urls.py): the floor under the API.
RAW_NEAREST_PATH = "/bench/raw-nearest"
SMS_PATH = "/sms/twilio/"
# Message ids never repeat within a run: a repeated one is a replay, left unanswered.
_sms_serials = itertools.count(int(time.time() * 1000))
NOT_AVAILABLE = "not available"
WRK_SCRIPT = Path(__file__).with_name("load.lua")


@dataclass
class Figure:
    """One printed line: a measured value, and when it has one, its target and verdict."""

    section: str
    name: str
    value: str
    target: str = ""
    status: str = ""  # PASS, MISS, N/A, or empty for a figure without a target
    note: str = ""


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)

    def add(self, section, name, value, target="", ok=None, note=""):
        status = "" if ok is None else ("PASS" if ok else "MISS")
        self.figures.append(Figure(section, name, value, target, status, note))

    def missing(self, section, name, target, why):
        self.figures.append(Figure(section, name, NOT_AVAILABLE, target, "N/A", why))


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


class Client:
    """A keep-alive HTTP/1.1 client on loopback; reconnects when the server closes."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn = None

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        return self.request("POST", path, body=body, headers=headers)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers=None
    ) -> Response:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server had already closed: retry once.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - start
            result = Response(
                response.status, {k.lower(): v for k, v in response.getheaders()}, body, seconds
            )
            if response.will_close:
                self.close()
            return result
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _sample_communes(count: int, seed: int) -> tuple[random.Random, list]:
    """``count`` communes weighted by population, a tenth of them overseas, in a
    reproducible order; with the generator, for what is drawn next."""
    rng = random.Random(seed)
    overseas_codes = {code for code in territories.TERRITORIES if code != territories.MAINLAND}
    communes = all_communes()
    mainland = [c for c in communes if c.department not in overseas_codes]
    overseas = [c for c in communes if c.department in overseas_codes]
    n_overseas = max(1, count // 10)
    picked = rng.choices(
        mainland, weights=[max(c.population, 1) for c in mainland], k=count - n_overseas
    ) + rng.choices(overseas, weights=[max(c.population, 1) for c in overseas], k=n_overseas)
    rng.shuffle(picked)
    return rng, picked


def sample_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Where people search from: communes weighted by population, a tenth of them overseas,
    each moved up to ~2 km from the commune's centre. Returns (lat, lon) pairs."""
    rng, picked = _sample_communes(count, seed)
    return [
        (round(c.lat + rng.uniform(-0.018, 0.018), 5), round(c.lon + rng.uniform(-0.025, 0.025), 5))
        for c in picked
    ]


def sample_people(count: int, seed: int) -> list[tuple[float, float]]:
    """Where people search from under load: gazetteer communes drawn by population (a
    tenth of them overseas), each at its point, rounded as the home page rounds a
    position before asking (to 0.001°, about 100 m: static/partners/map.js)."""
    _, picked = _sample_communes(count, seed)
    return [(round(c.lat, 3), round(c.lon, 3)) for c in picked]


def nearest_path(lat: float, lon: float, limit: int = 10) -> str:
    return f"{NEAREST_PATH}?{urlencode({'lat': lat, 'lon': lon, 'limit': limit})}"


def raw_nearest_path(lat: float, lon: float) -> str:
    return f"{RAW_NEAREST_PATH}?{urlencode({'lat': lat, 'lon': lon})}"


RAW_NEAREST_SQL = """
SELECT id, name, kind, city, postcode, department,
       ST_X(location::geometry), ST_Y(location::geometry),
       ST_Distance(location, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography)
FROM partners_partner
WHERE status = 'approved'
ORDER BY location <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography
LIMIT 10
"""

_SCAN = re.compile(
    r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan) (?:using \S+ )?on partners_partner\b"
    r".*?rows=(\d+) loops=(\d+)"
)
_KEY_LINE = re.compile(r"Limit|Scan|Order By|Sort|Filter|Buffers|Execution Time")
# Far fewer rows than the table holds: what a nearest-10 search may touch.
MAX_ROWS_READ = 1000


def plan_verdict(plan: str) -> tuple[bool, str]:
    """Whether an EXPLAIN ANALYZE plan reads partners through an index and touches only a
    few of them, so that no Sort can run over all rows; and what it does."""
    scans = _SCAN.findall(plan)
    if not scans:
        return False, "no scan of partners_partner"
    for kind, rows, loops in scans:
        if kind == "Seq Scan":
            return False, "sequential scan of partners"
        if int(rows) * int(loops) > MAX_ROWS_READ:
            return False, f"{kind} returns {int(rows) * int(loops):,} rows"
    knn = "Order By: (location <->" in plan
    return True, "KNN index scan" if knn else "index scan of a few rows"


def plan_walks_index(plan: str) -> bool:
    """The raw query: the GiST index walked in ``<->`` order, few rows read, no big Sort."""
    return plan_verdict(plan)[0] and "Order By: (location <->" in plan


def plan_key_lines(plan: str) -> list[str]:
    return [line.rstrip() for line in plan.splitlines() if _KEY_LINE.search(line)][:10]


def time_raw_nearest(database_url: str, points) -> tuple[list[float], str]:
    """The KNN query alone, from Python on one kept connection, rows fetched; and its
    plan, explained on that warm connection for the first point."""
    timings = []
    with psycopg.connect(database_url) as conn:
        for lat, lon in points:  # warm the cache as the API's warm-up does
            conn.execute(RAW_NEAREST_SQL, {"lat": lat, "lon": lon}).fetchall()
        for lat, lon in points:
            start = time.perf_counter()
            conn.execute(RAW_NEAREST_SQL, {"lat": lat, "lon": lon}).fetchall()
            timings.append(time.perf_counter() - start)
        lat, lon = points[0]
        rows = conn.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) {RAW_NEAREST_SQL}", {"lat": lat, "lon": lon}
        ).fetchall()
    return timings, "\n".join(row[0] for row in rows)


def check_nearest_response(response: Response) -> str | None:
    """Why a nearest answer is unusable for the bench, or None."""
    if response.status != 200:
        return f"HTTP {response.status}"
    try:
        data = response.json()
        distances = [row["distance_m"] for row in data["results"]]
    except (ValueError, KeyError, TypeError) as error:
        return f"unexpected JSON ({error!r})"
    if not distances or len(distances) > 10 or distances != sorted(distances):
        return f"{len(distances)} results, not ordered by distance_m"
    return None


def measure_nearest(results: Results, base_url: str, database_url: str, points, api_plans):
    section = "1. nearest-10"
    client = Client(base_url)
    first = client.get(nearest_path(*points[0]))
    problem = check_nearest_response(first)
    raw, raw_plan = time_raw_nearest(database_url, points)
    results.add(section, "raw SQL p50", ms(p50(raw)))
    results.add(section, "raw SQL p95", ms(p95(raw)))
    results.details["raw_plan"] = plan_key_lines(raw_plan)
    results.add(
        section,
        "raw SQL plan",
        "index scan, no sort" if plan_walks_index(raw_plan) else "sorts or scans all rows",
        "KNN index scan, no Sort",
        plan_walks_index(raw_plan),
    )
    if problem:
        why = f"GET {NEAREST_PATH}: {problem} (public branch not merged?)"
        results.missing(section, "API p50", "", why)
        results.missing(section, "API p95", "≤ 20 ms", why)
        results.missing(section, "API p95 / raw p95", "≤ 3×", why)
        results.missing(section, "API query plan", "KNN index scan, no Sort", why)
        return
    # Warmed on other positions: the measured ones are searched, not read from the
    # answer cache (measured under load, section 4).
    for lat, lon in points[:30]:
        client.get(nearest_path(lat + 0.01, lon))
        client.get(raw_nearest_path(lat + 0.01, lon))
    # The API and its floor in turn, point by point: the machine's moods weigh on both.
    api, floor, failures, floor_failures = [], [], 0, 0
    for lat, lon in points:
        response = client.get(nearest_path(lat, lon))
        if check_nearest_response(response):
            failures += 1
        api.append(response.seconds)
        response = client.get(raw_nearest_path(lat, lon))
        if response.status != 200:
            floor_failures += 1
        floor.append(response.seconds)
    client.close()
    results.details["nearest_points"] = len(points)
    results.add(section, "API p50", ms(p50(api)), note=f"{len(points)} points, {failures} bad")
    results.add(section, "API p95", ms(p95(api)), "≤ 20 ms", p95(api) <= 0.020 and not failures)
    ratio = p95(api) / p95(raw)
    results.add(section, "API p95 / raw p95", f"{ratio:.1f}×", "≤ 3×", ratio <= 3)
    results.add(
        section,
        "raw query served by Django p95",
        ms(p95(floor)),
        note="the floor: gunicorn, the middleware and a view running the raw query alone"
        + (f"; {floor_failures} answers not 200" if floor_failures else ""),
    )
    results.add(section, "served raw p95 / raw p95", f"{p95(floor) / p95(raw):.1f}×")
    results.add(
        section,
        "API p95 / served raw p95",
        f"{p95(api) / p95(floor):.1f}×",
        note="what the search adds to the floor",
    )
    if not api_plans:
        results.missing(
            section, "API query plan", "KNN index scan, no Sort", "no ordered query captured"
        )
        return
    verdicts = [plan_verdict(plan) for plan in api_plans]
    results.details["api_plan"] = [line for plan in api_plans for line in plan_key_lines(plan)]
    results.add(
        section,
        "API query plans",
        "; ".join(what for _, what in verdicts),
        "index scans, no Sort over all rows",
        all(ok for ok, _ in verdicts),
        note="1 ordered query" if len(api_plans) == 1 else f"{len(api_plans)} ordered queries",
    )


def warm_every_worker(base_url: str, path: str, workers: int, headers) -> list[float]:
    """Requests ``path`` on every worker (a sync worker takes one connection at a time, so
    ``workers`` concurrent requests reach them all), twice; returns the timings."""
    timings: list[float] = []
    lock = threading.Lock()

    def one():
        client = Client(base_url, timeout=120)
        seconds = client.get(path, headers).seconds
        client.close()
        with lock:
            timings.append(seconds)

    for _ in range(2):
        threads = [threading.Thread(target=one) for _ in range(max(workers, 1))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return timings


def measure_geojson(
    results: Results, base_url: str, body: bytes | None, static_path: str, workers: int
):
    section = "2. all-partners GeoJSON"
    if body is None:
        results.missing(section, "GeoJSON", "", f"GET {GEOJSON_PATH} failed in-process")
        return None
    compressed = len(gzip.compress(body, compresslevel=6))
    results.add(section, "size raw", f"{len(body) / 1024:,.0f} KiB")
    results.add(section, "size gzip", f"{compressed / 1024:,.0f} KiB", note="gzip -6, computed")
    gzip_only = {"Accept-Encoding": "gzip"}
    client = Client(base_url)

    def timed(path: str, repeats: int = 7) -> tuple[list[float], Response]:
        last = client.get(path, gzip_only)
        timings = []
        for _ in range(repeats):
            last = client.get(path, gzip_only)
            timings.append(last.seconds)
        return timings, last

    cold = client.get(GEOJSON_PATH, gzip_only)
    results.add(section, "first request (nothing cached)", ms(cold.seconds))
    warm_every_worker(base_url, GEOJSON_PATH, workers, gzip_only)
    app_times, app = timed(GEOJSON_PATH)
    encoding = app.headers.get("content-encoding", "identity")
    results.add(
        section,
        "served by the app, cached (p50)",
        ms(p50(app_times)),
        note=f"{len(app.body) / 1024:,.0f} KiB transferred, {encoding}",
    )
    static = client.get(static_path, gzip_only)
    if static.status != 200:
        results.missing(
            section,
            "app / static file",
            "≤ 1.5×",
            f"GET {static_path}: HTTP {static.status} (WhiteNoise: security branch not merged?)",
        )
    else:
        static_times, static = timed(static_path)
        static_encoding = static.headers.get("content-encoding", "identity")
        results.add(
            section,
            "same bytes as a static file (p50)",
            ms(p50(static_times)),
            note=f"{len(static.body) / 1024:,.0f} KiB transferred, {static_encoding}",
        )
        ratio = p50(app_times) / p50(static_times)
        results.add(section, "app / static file", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)
    etag = app.headers.get("etag")
    if not etag:
        results.missing(section, "304 on If-None-Match", "304", "no ETag (public branch?)")
        client.close()
        return None
    again = client.get(GEOJSON_PATH, {**gzip_only, "If-None-Match": etag})
    results.add(
        section,
        "If-None-Match with the ETag",
        f"HTTP {again.status} in {ms(again.seconds)}",
        "304",
        again.status == 304,
    )
    client.close()
    return etag


# Where inprocess.approve_a_new_partner adds its partner, as the page rounds it, and its name.
CHANGED_AT = (48.853, 2.35)
CHANGED_NAME = "Médiathèque du banc d'essai"


def measure_invalidation(results: Results, base_url: str, etag: str | None, change) -> None:
    """How soon a change shows: in the GeoJSON (its ETag) and in the nearest answer for
    the place of the change, kept by the answer cache beforehand."""
    section = "2. all-partners GeoJSON"
    client = Client(base_url)
    nearest = nearest_path(*CHANGED_AT)
    client.get(nearest)  # now kept by the answer cache
    what = change()
    # Each worker remembers the public version for PUBLIC_VERSION_TTL seconds: the new
    # body must be served within that delay (and a second for the request itself).
    limit = settings.PUBLIC_VERSION_TTL + 1
    started = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < 2 and time.monotonic() - started <= limit:
        if "geojson" not in seen and etag is not None:
            response = client.get(GEOJSON_PATH, {"Accept-Encoding": "gzip", "If-None-Match": etag})
            new = response.headers.get("etag")
            if response.status == 200 and new and new != etag:
                seen["geojson"] = time.monotonic() - started
        if "nearest" not in seen and CHANGED_NAME in client.get(nearest).body.decode():
            seen["nearest"] = time.monotonic() - started
        time.sleep(0.1)
    client.close()
    target = f"within {limit} s"
    if etag is None:
        results.missing(section, "ETag changes when a partner changes", "changes", "no ETag")
    else:
        ok = "geojson" in seen
        value = f"new ETag after {seen['geojson']:.1f} s" if ok else f"unchanged after {limit} s"
        results.add(section, "ETag changes when a partner changes", value, target, ok, note=what)
    ok = "nearest" in seen
    value = f"after {seen['nearest']:.1f} s" if ok else f"unchanged after {limit} s"
    results.add(
        "4. nearest under load",
        "a cached nearest answer shows a change",
        value,
        target,
        ok,
        note="the answer at the new partner's place, cached before the change",
    )


def run_wrk(base_url: str, paths: list[str], connections: int, seconds: float) -> dict:
    """wrk's summary of ``seconds`` of load from ``connections`` connections, each asking
    for the next of ``paths`` in turn (bench/load.lua)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise FileNotFoundError("wrk is not installed (scripts/setup.sh --test installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        output = subprocess.run(
            [
                wrk,
                "--threads", "1",
                "--connections", str(connections),
                "--duration", f"{seconds:.0f}s",
                "--timeout", "10s",
                "--script", str(WRK_SCRIPT),
                base_url,
            ],
            env={**os.environ, "BENCH_PATHS": listing.name},
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    summary = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(summary.removeprefix("BENCH "))


# One minute of searches at the target rate: the load never comes back to a path but as
# another person at the same place would (answers are kept a minute at most).
PEOPLE_PER_MINUTE = 60_000


def people_under_load(base_url: str, seed: int, clients: int, seconds: float) -> dict:
    """wrk's summaries of people where they live (communes drawn by population, positions
    rounded as the page rounds them), whom the shared answer cache serves when someone
    asked from the same place in the last minute: ``cold``, from a cache that holds none
    of their answers, as after a start or a restart of Redis; then ``steady``, the cache as
    it is while such a load lasts, after twice as many seconds of other people's searches
    (answers are kept a minute at most), nobody asking twice."""
    cold = run_wrk(base_url, people_paths(seed + 2), clients, seconds)
    run_wrk(base_url, people_paths(seed + 3), clients, seconds)
    return {"cold": cold, "steady": run_wrk(base_url, people_paths(seed), clients, seconds)}


def people_paths(seed: int) -> list[str]:
    return [nearest_path(lat, lon) for lat, lon in sample_people(PEOPLE_PER_MINUTE, seed)]


def measure_load(results: Results, base_url: str, seed: int, clients: int, seconds: float):
    """Throughput of the nearest search. The load comes from wrk, written in C: a load
    generator in Python took a seventh of the two cores it was measuring. Two loads: people
    where they live (``people_under_load``: the target is the steady one), and positions
    that never repeat, every answer searched."""
    section = "4. nearest under load"
    probe = Client(base_url)
    problem = check_nearest_response(probe.get(nearest_path(*sample_people(1, seed)[0])))
    probe.close()
    if problem:
        why = f"GET {NEAREST_PATH}: {problem}"
        results.missing(section, "requests/s, people where they live", "≥ 1,000", why)
        return
    people = people_under_load(base_url, seed, clients, seconds)
    searched = [nearest_path(lat, lon) for lat, lon in sample_points(PEOPLE_PER_MINUTE, seed + 1)]
    loads = (
        ("people where they live, from a cold cache", people["cold"], "", None),
        ("people where they live", people["steady"], "≥ 1,000", 1000),
        ("every answer searched", run_wrk(base_url, searched, clients, seconds), "≥ 300", 300),
    )
    for name, summary, target, floor in loads:
        rate = summary["requests"] / summary["seconds"]
        hit_rate = summary["hits"] / max(summary["requests"], 1)
        note = (
            f"wrk, {clients} connections for {seconds:.0f} s, {summary['requests']} answers, "
            f"{hit_rate:.0%} from the answer cache"
        )
        ok = None if floor is None else rate >= floor
        results.add(section, f"requests/s, {name}", f"{rate:.0f}", target, ok, note)
        results.add(section, f"p95 under load, {name}", ms(summary["p95_us"] / 1e6))
        kinds = {k: summary[k] for k in ("status", "connect", "read", "write", "timeout")}
        errors = sum(kinds.values())
        detail = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
        value = f"{errors}" + (f" ({detail})" if detail else "")
        results.add(section, f"errors, {name}", value, "0", not errors)
        results.details.setdefault("load", {})[name] = {**summary, "hit_rate": hit_rate}


def sample_texts(count: int, seed: int) -> list[str]:
    """What people text to the SMS number: the names of communes weighted by population
    (the places of ``sample_points``), every other one as its postcode."""
    _rng, picked = _sample_communes(count, seed)
    return [
        c.postcodes[0] if n % 2 and c.postcodes else c.name.upper() for n, c in enumerate(picked)
    ]


def signed_sms(texts: list[str]) -> list[tuple[bytes, dict[str, str]]]:
    """Each text as Twilio posts it, from a number and with a message id of its own,
    signed with the app's TWILIO_AUTH_TOKEN for its SMS_WEBHOOK_URL (the bench sets both,
    bench/environment.py)."""
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    signed = []
    for text in texts:
        serial = next(_sms_serials)
        params = {
            "MessageSid": f"SM{serial:032x}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"+3361{serial % 10_000_000:07d}",
            "To": settings.SMS_NUMBER or "+33700000000",
            "Body": text,
            "NumMedia": "0",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(settings.SMS_WEBHOOK_URL, params),
        }
        signed.append((urlencode(params).encode(), headers))
    return signed


def check_sms_response(response: Response) -> str | None:
    """Why an SMS webhook's answer is unusable for the bench, or None."""
    if response.status != 200:
        return f"HTTP {response.status}"
    if b"<Message>" not in response.body:
        return "no message in the TwiML"
    return None


def measure_sms(results: Results, base_url: str, texts: list[str]):
    """The SMS webhook, beside the nearest API: a text message (a town or a postcode)
    signed as Twilio signs it, answered with the three nearest places open now."""
    section = "1. nearest-10"
    target = "≤ 50 ms"
    requests = signed_sms(texts)
    client = Client(base_url)
    problem = check_sms_response(client.post(SMS_PATH, *requests[0]))
    if problem:
        results.missing(section, "SMS webhook p95", target, f"POST {SMS_PATH}: {problem}")
        client.close()
        return
    for body, headers in signed_sms(texts[:30]):  # warm-up, from other message ids
        client.post(SMS_PATH, body, headers)
    timings, failures = [], 0
    for body, headers in requests[1:]:
        response = client.post(SMS_PATH, body, headers)
        failures += check_sms_response(response) is not None
        timings.append(response.seconds)
    client.close()
    note = f"{len(timings)} texts (towns, postcodes), {failures} bad"
    results.add(section, "SMS webhook p50", ms(p50(timings)), note=note)
    results.add(
        section, "SMS webhook p95", ms(p95(timings)), target, p95(timings) <= 0.050 and not failures
    )
