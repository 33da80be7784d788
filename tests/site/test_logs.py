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


EMAIL = "camille.martin@example.org"
CLIENT = "203.0.113.77"


@pytest.mark.django_db(transaction=True)
def test_tokens_emails_and_forged_lines_never_reach_gunicorns_logs(
    collected_static, tmp_path, settings
):
    from partners.domain import links

    partner = PartnerFactory(contact_email=EMAIL)
    settings.SECRET_KEY = servers.PRODUCTION_ENV["SECRET_KEY"]  # a link gunicorn honours
    token = links.make_token(partner, links.SELFSERVICE)
    paths = [
        f"/mon-lieu/{token}/",
        f"/en/mon-lieu/{token}/modifier/?email={EMAIL}",
        f"/rejoindre/confirmer/{token}%0aforged%0d%0aline/",
        "/verif/%0aforged%0d%0aline/",
        f"/en/rejoindre/confirmer/{token}/",
        f"/mon-lieu/reconfirmer/{token}/?x=1",
        f"/mon-lieu/{token}/inconnu/",  # a 404, which Django's request logger reports
        f"/lieux/{EMAIL}/",
    ]
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    with servers.gunicorn(
        static_root=collected_static, access_log=access_log, error_log=error_log
    ) as port:
        statuses = [servers.get(port, path, {"X-Forwarded-For": CLIENT})[0] for path in paths]
        bad_host = servers.get(port, "/", {"Host": "evil.example" + "x" * 3000})[0]
    assert statuses[0] == 200
    assert all(status < 500 for status in statuses), statuses
    access, errors = access_log.read_text(), error_log.read_text()
    logs = access + errors
    assert '"GET /mon-lieu/…/ HTTP/1.1" 200' in access
    assert '"GET /en/mon-lieu/…/modifier/ HTTP/1.1"' in access
    assert "Not Found: /mon-lieu/…/inconnu/" in errors
    assert bad_host == 400
    assert "Refused a request for host 'evil.examplexxx" in errors
    assert "Traceback" not in errors
    for needle in (token, token[:12], EMAIL, "camille", CLIENT, "x=1"):
        assert needle not in logs, needle
    # One line per request: the %0a and %0d were escaped, not written.
    assert len(access.splitlines()) == len(paths) + 1
    assert not any(line.startswith(("forged", "line")) for line in logs.splitlines())
    assert r"\nforged\r\nline" in access


def _through_the_apps_handlers(logger_name, msg, *args, exc_info=None):
    """What the configured handlers of ``logger_name`` (or the root's) would write."""
    import io

    logger = logging.getLogger(logger_name)
    handlers = [h for h in logger.handlers or logging.getLogger().handlers if h.filters]
    assert handlers
    record = logger.makeRecord(logger_name, logging.WARNING, __file__, 1, msg, args, exc_info)
    for log_filter in logger.filters:
        log_filter.filter(record)
    stream = io.StringIO()
    handler = handlers[0]
    previous = handler.setStream(stream)
    try:
        handler.handle(record)
    finally:
        handler.setStream(previous)
    return stream.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/mon-lieu/{t}/",
        "/en/mon-lieu/{t}/quitter/",
        "/rejoindre/confirmer/{t}/",
        "/en/rejoindre/confirmer/{t}/",
        "/mon-lieu/reconfirmer/{t}/",
        "/en/mon-lieu/reconfirmer/{t}/",
    ],
)
def test_runservers_request_lines_redact_tokens_and_escape_control_characters(path):
    token = "eyJwIjo1LCJlIjoiY2FtaWxsZUBleGFtcGxlLm9yZyJ9:1tTz9k:Zm9vYmFy"
    line = path.format(t=token + "%0aforged\nline") + f"\nforged?email={EMAIL}"
    written = _through_the_apps_handlers(
        "django.server", '"%s" %s %s', f"GET {line} HTTP/1.1", 404, 12
    )
    assert token not in written
    assert token[:10] not in written
    assert EMAIL not in written
    assert written.count("\n") == 1
    assert "…" in written
    assert r"\nforged" in written


def test_the_apps_logs_mask_email_and_client_addresses():
    written = _through_the_apps_handlers("partners", "Mail to %s from %s failed", EMAIL, CLIENT)
    assert EMAIL not in written
    assert "camille" not in written
    assert CLIENT not in written
    assert "Mail to " in written


def test_tracebacks_are_redacted_too():
    try:
        raise ValueError(f"no venue for {EMAIL} at /mon-lieu/secret-token-value/")
    except ValueError:
        import sys

        written = _through_the_apps_handlers("django.request", "Oops", exc_info=sys.exc_info())
    assert "Traceback" in written
    assert EMAIL not in written
    assert "secret-token-value" not in written


def test_a_bad_host_logs_one_short_line(client, caplog):
    host = "evil.example" + "\nforged" + "x" * 3000
    with caplog.at_level(logging.INFO, logger="django.security"):
        response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.exc_info is None
    assert not record.exc_text
    message = record.getMessage()
    assert len(message) < 160
    assert "\n" not in message
    assert "x" * 100 not in message
