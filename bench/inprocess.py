"""What the bench asks Django itself, in this process, against the bench database:
SQL queries per page, the nearest API's own SQL, the GeoJSON body, a partner change.

Import after ``django.setup()``.
"""

import contextlib
import datetime
import io
import logging
import time
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.measures import CHANGED_NAME, GEOJSON_PATH, Results, ms, nearest_path, p50, p95
from partners.domain.training import QUESTIONS
from partners.models import Kind, Partner, Status
from partners.public import search
from partners.services import decisions, training

HOST = "127.0.0.1"
PARIS = (48.8566, 2.3522)


def _client() -> Client:
    return Client(HTTP_HOST=HOST)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def geojson_body() -> bytes | None:
    response = _client().get(GEOJSON_PATH)
    return _body(response) if response.status_code == 200 else None


def api_nearest_plans(lat: float, lon: float) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each ordered query the nearest API runs, as it runs it."""
    with CaptureQueriesContext(connection) as queries:
        response = _client().get(nearest_path(lat, lon))
    if response.status_code != 200:
        return []
    plans = []
    for query in queries.captured_queries:
        if "partners_partner" in query["sql"] and "ORDER BY" in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def _pages(partner_id: int, size: int) -> dict[str, list[str]]:
    lat, lon = PARIS
    return {
        "home": ["/"],
        "list /lieux/": ["/lieux/"],
        "partner page": [f"/lieux/{partner_id}/"],
        # The largest limit the API accepts, up to the number of partners.
        "nearest API": [nearest_path(lat, lon, limit) for limit in (size, 100, 50, 20, 10)],
        "GeoJSON": [GEOJSON_PATH],
    }


def _count(paths: list[str]) -> tuple[int | None, str]:
    """Queries of the first path that answers 200, with the cache cleared first. A first,
    uncounted request fills what Django caches once per process (GeoDjango reads a
    spatial reference system once, for example): not a cost of the page."""
    client = _client()
    status = 0
    for path in paths:
        _body(client.get(path))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            _body(response)
        status = response.status_code
        if status == 200:
            return len(queries.captured_queries), path
    return None, f"HTTP {status}"


def measure_queries(results: Results, sizes=(10, 1000)) -> None:
    """SQL queries per public page with 10, then 1,000 approved partners: the others are
    suspended inside a transaction that is rolled back."""
    section = "5. SQL queries per page"
    # Pages that do not exist yet answer 404; Django would log each one.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    counts: dict[str, dict[int, tuple[int | None, str]]] = {}
    with transaction.atomic():
        ids = list(
            Partner.objects.public().order_by("id").values_list("id", flat=True)[: max(sizes)]
        )
        for size in sorted(sizes, reverse=True):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE partners_partner SET status = %s "
                    "WHERE status = %s AND NOT (id = ANY(%s))",
                    [Status.SUSPENDED, Status.APPROVED, ids[:size]],
                )
            for page, paths in _pages(ids[0], size).items():
                counts.setdefault(page, {})[size] = _count(paths)
        transaction.set_rollback(True)
    cache.clear()
    small, large = sorted(sizes)
    for page, by_size in counts.items():
        (few, few_how), (many, many_how) = by_size[small], by_size[large]
        if few is None or many is None:
            results.missing(section, page, "constant", f"{few_how if few is None else many_how}")
            continue
        results.add(
            section,
            page,
            f"{few} at {small:,} partners, {many} at {large:,}",
            "constant",
            few == many,
            note=many_how,
        )


def measure_cpu(results: Results, points, partner_id: int, repeats: int = 100) -> None:
    """Django's own CPU time per request, in this process: unlike wall-clock figures it
    hardly depends on what else the machine runs, so capacity can be estimated from it
    (README, "Scaling"). PostgreSQL's work is not included."""
    section = "4. nearest under load"
    client = _client()
    pages = {
        "nearest API": [nearest_path(lat, lon) for lat, lon in points[:repeats]],
        "home": ["/"] * repeats,
        "list /lieux/ near a point": [
            f"/lieux/?lat={lat}&lon={lon}" for lat, lon in points[:repeats]
        ],
        "partner page": [f"/lieux/{partner_id}/"] * repeats,
    }
    for page, paths in pages.items():
        if client.get(paths[0]).status_code != 200:
            results.missing(section, f"CPU per request, {page}", "", "not served")
            continue
        start = time.process_time()
        for path in paths:
            _body(client.get(path))
        cpu = (time.process_time() - start) / len(paths)
        results.add(section, f"CPU per request, {page}", f"{cpu * 1000:.1f} ms", note="Django")


def measure_open_now(results: Results, points, repeats: int = 200) -> None:
    """A search for places open now, at 03:00 and at 14:00 on a Tuesday in each point's own
    territory, as the nearest API runs it: the nearest open places within reach and, when
    there are none, the next to open. Timed in this process, since a server's clock cannot
    be set; the database's work is all of it (about 0.1 ms is Python's)."""
    section = "1. nearest-10"
    searched = [
        (reach, territory)
        for lat, lon in points[:repeats]
        if (territory := (reach := search.Reach(lon, lat)).territory) is not None
    ]
    for hour in (3, 14):
        timings = []
        for reach, territory in searched:
            zone = zoneinfo.ZoneInfo(territory.timezone)
            now = datetime.datetime(2026, 12, 1, hour, tzinfo=zone)
            start = time.perf_counter()
            if not search.nearest(reach, open_now=True, now=now):
                search.next_open(reach, now=now)
            timings.append(time.perf_counter() - start)
        value = f"{ms(p50(timings))} / {ms(p95(timings))}"
        results.add(
            section,
            f"open now at {hour:02d}:00 local, p50 / p95",
            value,
            "p95 ≤ 20 ms",
            p95(timings) <= 0.020,
            note="in process, with the next to open when none is",
        )


def approve_a_new_partner() -> str:
    """A real change of the public set, through the service layer (which writes history
    and schedules the staff email, printed by the console backend and swallowed here)."""
    partner = Partner.objects.create(
        name=CHANGED_NAME,
        kind=Kind.LIBRARY,
        address="1 place de la Mairie",
        postcode="75004",
        city="Paris",
        department="75",
        location=Point(2.3499, 48.8530, srid=4326),
        status=Status.PENDING,
    )
    # Approval asks for trained staff (TRAINED_PEOPLE_FOR_APPROVAL).
    for number in range(settings.TRAINED_PEOPLE_FOR_APPROVAL):
        training.record_pass(
            partner=partner, name=f"Bench {chr(65 + number)}", score=len(QUESTIONS)
        )
    with contextlib.redirect_stdout(io.StringIO()):
        decisions.approve_partner(partner=partner, actor="make bench", reason="invalidation check")
    return "a new partner approved through partners.services.decisions.approve_partner"


def measure_coverage(results: Results) -> None:
    """The nightly coverage computation (partners/services/coverage.py): every commune's
    distance to the nearest partner by day and at four moments of the night."""
    from partners.services import coverage

    start = time.perf_counter()
    counts = coverage.compute()
    seconds = time.perf_counter() - start
    results.add(
        "6. coverage of the network",
        "compute_coverage",
        f"{seconds:.1f} s",
        "≤ 60 s",
        seconds <= 60,
        note=f"{counts['communes']:,} communes, {counts['partners']:,} partners, 5 moments",
    )


# The BPE's 2024 layout, as the committed fixture has it (its header: some 89 columns).
BPE_FIXTURE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "bpe.csv"
# Libraries, pools, a sports hall and a school: types the import keeps (BPE_KINDS).
BPE_TYPES = (
    ("F307", "F", "F3", "MEDIATHEQUE"),
    ("F101", "F", "F1", "PISCINE"),
    ("F121", "F", "F1", "GYMNASE"),
    ("C107", "C", "C1", "ECOLE MATERNELLE"),
)


def write_bpe(path, rows: int, seed: int) -> None:
    """A file of INSEE's BPE layout (tests/fixtures/bpe.csv) with ``rows`` equipments drawn
    in the gazetteer's communes: what staff download, at the size the target names."""
    import csv
    import random

    from gazetteer.communes import all_communes

    rng = random.Random(seed)
    communes = [c for c in all_communes() if c.postcodes]
    with BPE_FIXTURE.open(encoding="utf-8") as fixture:
        header = fixture.readline().rstrip("\n").split(";")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, restval="_Z", delimiter=";", lineterminator="\n")
        writer.writeheader()
        for n in range(rows):
            c = rng.choice(communes)
            code, dom, sdom, label = rng.choice(BPE_TYPES)
            writer.writerow(
                {
                    "AN": "2024",
                    "NOMRS": f"{label} {n}",
                    "CNOMRS": "",
                    "NUMVOIE": n % 200 + 1,
                    "INDREP": "",
                    "TYPVOIE": "RUE",
                    "LIBVOIE": "DE LA REPUBLIQUE",
                    "CADR": "",
                    "CODPOS": c.postcodes[0],
                    "DEPCOM": c.insee,
                    "DEP": c.department,
                    "LIBCOM": c.name.upper(),
                    "DOM": dom,
                    "SDOM": sdom,
                    "TYPEQU": code,
                    "SIRET": "",
                    "STATUT_DIFFUSION": "O",
                    "LAMBERT_X": "",
                    "LAMBERT_Y": "",
                    "LONGITUDE": f"{c.lon:.5f}",
                    "LATITUDE": f"{c.lat:.5f}",
                    "QUALITE_XY": "B",
                    "QUALITE_GEOLOC": "11",
                }
            )


def measure_import(results: Results, work) -> None:
    """``import_candidates --source bpe`` on 100,000 rows, then again (idempotent)."""
    from partners.services import candidates

    path = work / "bpe.csv"
    write_bpe(path, 100_000, seed=1)
    for name in ("import_candidates, 100,000 BPE rows", "the same file again (upserts)"):
        start = time.perf_counter()
        report = candidates.import_file(source="bpe", path=path)
        seconds = time.perf_counter() - start
        results.add(
            "6. coverage of the network",
            name,
            f"{seconds:.1f} s",
            "≤ 120 s",
            seconds <= 120,
            note=f"{report.created:,} created, {report.updated:,} updated, "
            f"{len(report.skipped):,} rows skipped",
        )
