"""The load test script against the production server: concurrency without errors."""

import pytest

from scripts.loadtest import run
from tests import servers
from tests.factories import PartnerFactory


@pytest.mark.django_db(transaction=True)
def test_the_map_and_the_geojson_hold_under_concurrency(collected_static, tmp_path):
    PartnerFactory.create_batch(50, approved=True)
    with servers.gunicorn(static_root=collected_static, access_log=tmp_path / "a.log") as port:
        report = run(
            f"http://127.0.0.1:{port}",
            paths=["/", "/api/v1/partners.geojson", "/healthz"],
            concurrency=8,
            duration=4,
            max_requests=400,
        )
    print("\n".join(report.lines()))
    assert report.errors == 0
    assert report.requests >= 24
    assert all(figures.requests > 0 for figures in report.per_path.values())


def test_the_load_test_refuses_any_host_but_this_machine():
    with pytest.raises(ValueError, match="loopback"):
        run("http://example.org", duration=0.1)
    with pytest.raises(ValueError, match="loopback"):
        run("https://127.0.0.1:8443", duration=0.1)
