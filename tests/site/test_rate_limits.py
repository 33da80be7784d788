"""Every rate limit counts per client, even behind the reverse proxy, and counts only what
it protects: an accepted application, a valid link request, an accepted report, a look-up."""

import pytest

from partners.models import Partner, Report
from tests import servers
from tests.factories import PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

PROXY = "127.0.0.1"  # in FORWARDED_ALLOW_IPS by default
CLIENTS = [f"203.0.113.{n}" for n in range(1, 8)]


def forwarded(address):
    """What nginx's `$proxy_add_x_forwarded_for` sends: whatever the client claimed, then
    the address nginx saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.1, {address}"}


def join(client, n, **meta):
    return client.post(
        "/rejoindre/formulaire/",
        application(client, name=f"Lieu {n}", contact_email=f"c{n}@example.org"),
        **meta,
    )


def link(client, n, **meta):
    return client.post("/mon-lieu/", {"email": "camille@example.org"}, **meta)


def locate(client, n, **meta):
    return client.get(
        "/rejoindre/localiser/", {"postcode": "75011", "city": "Paris", "address": ""}, **meta
    )


def report(client, n, **meta):
    partner = Partner.objects.get(contact_email="camille@example.org")
    return client.post(f"/lieux/{partner.pk}/signaler/", {"reason": "closed"}, **meta)


ENDPOINTS = {
    "join": (join, "JOIN_RATE_LIMIT", 302),
    "link": (link, "LINK_REQUEST_RATE_LIMIT", 200),
    "locate": (locate, "LOCATE_RATE_LIMIT", 200),
    "report": (report, "REPORT_RATE_LIMIT", 302),
}


@pytest.fixture
def venue():
    return PartnerFactory(approved=True, contact_email="camille@example.org")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_client_behind_the_proxy_has_its_own_budget(client, settings, venue, endpoint):
    send, setting, accepted = ENDPOINTS[endpoint]
    setattr(settings, setting, 1)
    firsts = [send(client, n, **forwarded(ip)).status_code for n, ip in enumerate(CLIENTS)]
    seconds = [send(client, n + 10, **forwarded(ip)).status_code for n, ip in enumerate(CLIENTS)]
    assert firsts == [accepted] * len(CLIENTS)
    assert seconds == [429] * len(CLIENTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_untrusted_peer_cannot_pick_its_address(client, settings, venue, endpoint):
    send, setting, accepted = ENDPOINTS[endpoint]
    setattr(settings, setting, 1)
    meta = {"REMOTE_ADDR": "192.0.2.50"}
    assert send(client, 1, **meta, HTTP_X_FORWARDED_FOR=CLIENTS[0]).status_code == accepted
    assert send(client, 2, **meta, HTTP_X_FORWARDED_FOR=CLIENTS[1]).status_code == 429


def test_junk_link_requests_do_not_spend_the_budget(
    client, settings, venue, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LINK_REQUEST_RATE_LIMIT = 2
    for junk in ({}, {"email": ""}, {"email": "not an address"}, {"email": "x" * 500}) * 3:
        assert client.post("/mon-lieu/", junk).status_code == 200
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/mon-lieu/", {"email": "camille@example.org"})
        assert response.status_code == 200
    assert len(mailoutbox) == 2
    assert client.post("/mon-lieu/", {"email": "camille@example.org"}).status_code == 429


def test_refused_applications_and_reports_do_not_spend_the_budget(client, settings, venue):
    settings.JOIN_RATE_LIMIT = settings.REPORT_RATE_LIMIT = 1
    for _ in range(3):
        client.post("/rejoindre/formulaire/", application(client, accept_charter=None))
        client.post(f"/lieux/{venue.pk}/signaler/", {"reason": "other"})  # needs a message
    assert join(client, 1).status_code == 302
    assert report(client, 1).status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_gunicorn_gives_each_forwarded_client_its_own_budget(collected_static, tmp_path):
    query = "/rejoindre/localiser/?postcode=75011&city=Paris&address="
    # One worker: the default per-process cache is then the one every request sees.
    with servers.gunicorn(
        static_root=collected_static,
        access_log=tmp_path / "access.log",
        WEB_CONCURRENCY="1",
        LOCATE_RATE_LIMIT="2",
    ) as port:

        def status(address):
            headers = {"X-Forwarded-For": f"198.51.100.1, {address}"}
            return servers.get(port, query, headers)[0]

        firsts = [status(ip) for ip in CLIENTS for _ in range(2)]
        thirds = [status(ip) for ip in CLIENTS]
    assert firsts == [200] * 2 * len(CLIENTS)
    assert thirds == [429] * len(CLIENTS)
