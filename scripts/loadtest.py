"""A bounded load test of a running server on this machine (loopback only).

    .venv/bin/python scripts/loadtest.py --base http://127.0.0.1:8000 --concurrency 16 \\
        --duration 20 --max-requests 20000

Each thread loops over the paths (the map page, the GeoJSON, nearest searches at random
points of mainland France) until the time or the request budget is spent. An error is
any exception or a status of 400 or more. Importable: ``run(...)`` returns the figures.
"""

import argparse
import dataclasses
import http.client
import ipaddress
import random
import socket
import statistics
import threading
import time
from urllib.parse import urlsplit

DEFAULT_PATHS = ["/", "/api/v1/partners.geojson", "/api/v1/partners/nearest?lat={lat}&lon={lon}"]


@dataclasses.dataclass
class PathFigures:
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = dataclasses.field(default_factory=list)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


@dataclasses.dataclass
class Report:
    seconds: float
    per_path: dict[str, PathFigures]

    @property
    def requests(self) -> int:
        return sum(f.requests for f in self.per_path.values())

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.per_path.values())

    def lines(self) -> list[str]:
        rows = [
            f"{self.requests} requests in {self.seconds:.1f} s "
            f"({self.requests / self.seconds:.0f}/s), {self.errors} errors"
        ]
        for path, f in self.per_path.items():
            rows.append(
                f"  {path}: {f.requests} requests, {f.errors} errors, "
                f"p50 {f.percentile(50):.0f} ms, p95 {f.percentile(95):.0f} ms, "
                f"max {max(f.latencies_ms, default=0):.0f} ms"
            )
        return rows


def _loopback(host: str) -> bool:
    try:
        return all(
            ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
        )
    except (OSError, ValueError):
        return False


def run(
    base: str,
    *,
    paths: list[str] | None = None,
    concurrency: int = 8,
    duration: float = 10.0,
    max_requests: int = 10_000,
    seed: int = 0,
) -> Report:
    url = urlsplit(base)
    if url.scheme != "http" or not url.hostname or not _loopback(url.hostname):
        raise ValueError("the load test only targets http:// on this machine's loopback")
    paths = paths or DEFAULT_PATHS
    figures = {path: PathFigures() for path in paths}
    lock = threading.Lock()
    budget = iter(range(max_requests))
    deadline = time.monotonic() + duration

    def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)  # noqa: S311 (test coordinates)
        connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
        step = number
        while time.monotonic() < deadline:
            with lock:
                if next(budget, None) is None:
                    break
            template = paths[step % len(paths)]
            step += 1
            path = template.format(lat=rng.uniform(42.5, 51), lon=rng.uniform(-4.5, 7.5))
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                failed = response.status >= 400
            except (OSError, http.client.HTTPException):
                failed = True
                connection.close()
                connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                f = figures[template]
                f.requests += 1
                f.errors += failed
                f.latencies_ms.append(elapsed)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Report(seconds=time.monotonic() - started, per_path=figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds, at most")
    parser.add_argument("--max-requests", type=int, default=10_000)
    parser.add_argument("--path", action="append", dest="paths", help="repeatable")
    args = parser.parse_args()
    report = run(
        args.base,
        paths=args.paths,
        concurrency=args.concurrency,
        duration=args.duration,
        max_requests=args.max_requests,
    )
    print("\n".join(report.lines()))
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
