"""python -m bench [--strict] — see bench/__init__.py and BENCHMARKS.md."""

import argparse
import datetime
import gzip
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import environment, growth
from bench.environment import BASE_DIR
from bench.measures import Results
from enlieusur import localdb, progress

STATIC_GEOJSON = "bench/partners.geojson"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--strict", action="store_true", help="exit 1 on a miss or a gap")
    parser.add_argument("--count", type=int, default=100_000, help="demo partners")
    parser.add_argument(
        "--counts",
        type=lambda text: [int(n) for n in text.replace("_", "").split(",") if n],
        default=[],
        help="then the growth table at these sizes, e.g. 10000,100000,1000000",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--points", type=int, default=300, help="nearest searches timed")
    parser.add_argument("--clients", type=int, default=24, help="concurrent connections (wrk)")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load")
    parser.add_argument(
        "--output", type=Path, default=BASE_DIR / "BENCHMARKS.md", help="the report"
    )
    return parser.parse_args(argv)


STEPS = 12  # the measurements run() takes in turn


class Steps:
    """The measurements in turn, each announced; on a terminal, a bar with the step, the
    count and the time left (enlieusur/progress.py)."""

    def __init__(self, results: Results):
        self.results = results
        self.bar = progress.bar(STEPS, "make bench", unit="steps")

    def __call__(self, section: str, function, *args):
        """One measurement; a failure is reported as a miss, and the others still run."""
        self.bar.set_description(f"make bench, {section[3:]} ({function.__name__})")
        self.bar.write(f"-- {section}", file=sys.stdout)
        try:
            return function(self.results, *args)
        except Exception as error:
            traceback.print_exc()
            message = f"{type(error).__name__}: {error}"[:120]
            self.results.add(section, "error", message, "none", False)
            return None
        finally:
            self.bar.update(1)


def run(args, configured: str | None, work: Path) -> int:
    from bench.browser import measure_home, measure_locate, measure_offline
    from bench.measures import (
        measure_geojson,
        measure_invalidation,
        measure_load,
        measure_nearest,
        measure_sms,
        sample_points,
        sample_texts,
    )

    database_url = environment.bench_database_url(configured, args.count)
    static_root = work / "static"
    os.environ.update(environment.production_environment(database_url, static_root))
    print(f"-- database {database_url.rsplit('/', 1)[-1]}: {args.count:,} partners", flush=True)
    seconds = environment.prepare_database(database_url, args.count, args.seed)
    environment.manage("collectstatic", "--no-input", "-v0")

    import django

    django.setup()
    from bench import inprocess
    from partners.models import Partner

    results = Results()
    _step = Steps(results)
    load_before = os.getloadavg()[0]
    points = sample_points(args.points, args.seed)
    _step("5. SQL queries per page", inprocess.measure_queries)
    first_partner = Partner.objects.public().order_by("id").values_list("id", flat=True)[0]
    _step("4. nearest under load", inprocess.measure_cpu, points, first_partner)
    _step("1. nearest-10", inprocess.measure_open_now, points)
    _step("6. coverage of the network", inprocess.measure_coverage)
    _step("6. coverage of the network", inprocess.measure_import, work)
    body = inprocess.geojson_body()
    api_plans = inprocess.api_nearest_plans(*points[0])
    if body is not None:
        # The same bytes as a collected static file, gzipped as WhiteNoise's compressor
        # does, in place before gunicorn (and WhiteNoise) start.
        path = static_root / STATIC_GEOJSON
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(body, compresslevel=9))

    server = environment.Server(work / "gunicorn.log")
    try:
        server.start()
        base = server.url
        _step("1. nearest-10", measure_nearest, base, database_url, points, api_plans)
        texts = sample_texts(args.points, args.seed)
        _step("1. nearest-10", measure_sms, base, texts)
        etag = _step(
            "2. all-partners GeoJSON",
            measure_geojson,
            base,
            body,
            f"/static/{STATIC_GEOJSON}",
            server.workers(),
        )
        _step("4. nearest under load", measure_load, base, args.seed, args.clients, args.duration)
        _step("3. home page", measure_home, base, server.workers())
        _step("3. home page", measure_locate, base, points[0])
        _step("3. home page", measure_offline, base)
        _step(
            "2. all-partners GeoJSON",
            measure_invalidation,
            base,
            etag,
            inprocess.approve_a_new_partner,
        )
    finally:
        server.stop()
        _step.bar.close()
    results.figures.sort(key=lambda f: f.section[:2])
    growths = []
    for count in progress.each(args.counts, "make bench, growth", unit="sizes"):
        print(f"-- growth: {count:,} partners", flush=True)
        growths.append(growth.measure(count, args.seed, configured, work, args.duration))

    from bench.report import markdown, print_growth, print_results

    print_results(results)
    print_growth(growths)
    now = datetime.datetime.now(datetime.UTC)
    machine = environment.machine(database_url)
    setup = {
        "partners": args.count,
        "seed": args.seed,
        "server": server.description,
        "seconds": seconds,
        "code": environment.code_version(),
        "load": f"{load_before:.1f} before the measurements, {os.getloadavg()[0]:.1f} after",
    }
    when = f"{now:%Y-%m-%d %H:%M} UTC"
    args.output.write_text(markdown(results, when, machine, setup, growths))
    raw = BASE_DIR / f"BENCH-{now:%Y%m%d-%H%M%S}.json"
    raw.write_text(
        json.dumps(
            {
                "machine": machine,
                "setup": setup,
                "figures": [vars(f) for f in results.figures],
                "details": results.details,
                "growth": [vars(g) for g in growths],
            },
            indent=1,
            ensure_ascii=False,
            default=str,
        )
    )
    print(f"Written {args.output.name} (and {raw.name}).")
    failed = [f for f in results.figures if f.status in {"MISS", "N/A"}]
    return 1 if args.strict and failed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    start = time.monotonic()
    configured = os.environ.get("DATABASE_URL")
    started = False if configured else localdb.start()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="enlieusur-bench-") as work,
            environment.redis_server(Path(work)) as redis_url,
        ):
            # The shared cache as deployed (README, "Redis"): the workers' answers, tiles
            # and rate limits, and the in-process measurements', in one Redis.
            os.environ["REDIS_URL"] = redis_url
            status = run(args, configured, Path(work))
    finally:
        if started:
            localdb.stop()
    print(f"make bench took {time.monotonic() - start:.0f} s.")
    return status


if __name__ == "__main__":
    sys.exit(main())
