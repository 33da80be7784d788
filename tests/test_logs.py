"""A person's searched position never reaches a log: neither gunicorn's access log nor the
app's own logging, in the production configuration."""

import logging

import pytest

from tests import servers
from tests.factories import PartnerFactory

LAT, LON = "48.85341", "2.34880"
SEARCHES = [
    f"/api/v1/partners.geojson?lat={LAT}&lon={LON}",
    f"/api/v1/partners/nearest?lat={LAT}&lon={LON}&limit=5",
    f"/api/v1/partners/nearest?lat={LAT}x&lon={LON}",
    f"/?lat={LAT}&lon={LON}",
    f"/en/?q={LAT},{LON}",
    f"/lieux/999999/?lat={LAT}&lon={LON}",
    f"/healthz?lat={LAT}&lon={LON}",
]


@pytest.mark.django_db(transaction=True)
def test_searches_leave_no_coordinates_in_any_log(collected_static, tmp_path):
    PartnerFactory(approved=True)
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    with servers.gunicorn(
        static_root=collected_static,
        access_log=access_log,
        error_log=error_log,
        LOG_LEVEL="DEBUG",
    ) as port:
        statuses = [servers.get(port, path)[0] for path in SEARCHES]

    assert all(status < 500 for status in statuses), statuses
    logs = access_log.read_text() + error_log.read_text()
    # The requests were logged, without their query strings.
    assert '"GET /api/v1/partners.geojson HTTP/1.1" 200' in logs
    assert '"GET /lieux/999999/ HTTP/1.1" 404' in logs
    for needle in (LAT, LON, LAT[:5], "lat=", "lon="):
        assert needle not in logs, needle


def test_the_apps_log_handler_drops_query_strings():
    (handler,) = [h for h in logging.getLogger().handlers if h.filters]
    record = logging.LogRecord(
        "any", logging.WARNING, __file__, 1, "Slow request %s", (f"/search?lat={LAT}",), None
    )
    assert handler.filter(record)
    assert record.getMessage() == "Slow request /search?…"
    assert LAT not in record.getMessage()


def test_the_development_servers_request_lines_drop_query_strings():
    import io

    handlers = logging.getLogger("django.server").handlers
    # pytest adds its own capturing handlers; every other one must drop query strings.
    ours = [h for h in handlers if type(h) is logging.StreamHandler]
    assert ours
    assert all(h.filters for h in ours)
    handler = ours[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /api/v1/partners/nearest?lat={LAT}&lon={LON} HTTP/1.1", 200, 997
        )
    finally:
        handler.setStream(previous)
    assert "/api/v1/partners/nearest?…" in stream.getvalue()
    assert LAT not in stream.getvalue()
