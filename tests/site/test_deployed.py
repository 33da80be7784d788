"""The app as it runs in production (tests/deployed.py): through nginx with the README's
configuration, in front of gunicorn, Redis and an SMTP server. `pytest -m deployed` runs
this part alone."""

import importlib
import json
import re
import time

import pytest
import redis
from django.apps import apps
from django.conf import settings
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from partners.public import search
from partners.services import emails
from sms import gsm
from tests import deployed, join_helpers, servers
from tests import twilio_signing as twilio
from tests.site.test_security_headers import assert_security_headers

# The stack always uses the test database (never the development one, when a test without
# data runs alone); tests with data commit it (``partner``).
pytestmark = [pytest.mark.deployed, pytest.mark.django_db]

LAT, LON = "48.85341", "2.34880"
NEAREST = f"/api/v1/partners/nearest?lat={LAT}&lon={LON}"
CONTACT = "accueil@bibliotheque-deployee.example"


@pytest.fixture(scope="module")
def site(django_db_setup, collected_static, tmp_path_factory):
    """The deployed stack on the test database, for this module only: its task worker
    would otherwise take the tasks that other tests queue in the same database."""
    directory = tmp_path_factory.mktemp("deployed")
    # The SMS webhook as connected in Twilio's console: the public URL, behind nginx.
    sms = {"TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN, "SMS_WEBHOOK_URL": twilio.WEBHOOK_URL}
    with deployed.deployment(directory, static_root=collected_static, **sms) as stack:
        yield stack


@pytest.fixture
def partner(transactional_db):
    """An approved partner, open all day, whose contact is ``CONTACT``: committed, for
    gunicorn to see it, and flushed after the test."""
    from tests.factories import PartnerFactory, every_day

    # A transactional test before this one flushed the migration's charter.
    importlib.import_module("partners.migrations.0003_first_charter").add_first_charter(apps, None)
    partner = PartnerFactory(approved=True, contact_email=CONTACT)
    every_day(partner, "00:00", "23:59")
    return partner


@pytest.fixture
def worker(site, transactional_db):
    """The task worker for one test: it stops before the test's data is flushed, since a
    task deleted under a running worker stops it (django-tasks-db)."""
    with site.task_worker():
        yield


@pytest.fixture(autouse=True)
def _fresh_start(site):
    """Each test starts with the rate limits' budgets untouched, and no email yet."""
    redis.Redis.from_url(site.redis_url).flushall()
    site.smtp.messages.clear()


def read_logs(paths, *, expect: list[str], timeout: float = 10) -> str:
    """The files at ``paths``, once each line of ``expect`` is in them: a server writes its
    line after the response is sent."""
    deadline = time.monotonic() + timeout
    while True:
        logs = "\n".join(path.read_text(errors="replace") for path in paths)
        missing = [line for line in expect if line not in logs]
        if not missing or time.monotonic() > deadline:
            assert not missing, missing
            return logs
        time.sleep(0.1)


def nginx_logs(site) -> list:
    return sorted(site.nginx.logs.iterdir())


def gunicorn_logs(site) -> list:
    return sorted(site.directory.glob("*.log"))


def test_http_is_redirected_to_https(site):
    browser = site.client()
    response = browser.get("/confidentialite/?from=poster", https=False)
    assert response.status == 301
    assert response.headers["Location"] == "https://enlieusur.fr/confidentialite/?from=poster"
    assert response.headers["Server"] == "nginx"
    assert b"nginx/" not in response.body

    assert browser.get("/confidentialite/").status == 200


def test_healthz_is_https_through_nginx_and_plain_http_on_the_loopback(site):
    browser = site.client()
    assert browser.get("/healthz", https=False).status == 301
    response = browser.get("/healthz")
    assert (response.status, response.body) == (200, b"ok")
    assert "Set-Cookie" not in response.headers
    # What a monitor on the machine probes: gunicorn itself, exempt from the app's redirect.
    status, _, body = servers.get(site.app_port, "/healthz", {"Host": deployed.HOST})
    assert (status, body) == (200, b"ok")


def test_every_security_header_reaches_the_browser(site, partner):
    browser = site.client()
    paths = [
        "/",
        "/en/",
        f"/lieux/{partner.pk}/",
        "/mon-lieu/",
        "/rejoindre/formulaire/",
        NEAREST,
        "/api/v1/partners.geojson",
        "/cette-page-n-existe-pas/",
    ]
    for path in paths:
        response = browser.get(path)
        assert response.status in {200, 404}, (path, response.status)
        assert_security_headers(path, response.headers)
        assert "preload" in response.headers["Strict-Transport-Security"], path
        assert response.headers["Server"] == "nginx", path
    for path in ("/mon-lieu/", "/rejoindre/formulaire/"):
        assert "no-store" in browser.get(path).headers["Cache-Control"], path


def test_static_files_are_served_hashed_compressed_and_cached_by_their_name(site):
    browser = site.client()
    page = browser.get("/").text
    hashed = re.search(r'href="(/static/partners/site\.[0-9a-f]{12}\.css)"', page)
    assert hashed, "the page links the stylesheet's hashed name"
    response = browser.get(hashed[1], headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    # A name without its hash may change at the next deployment: it is not kept for long.
    plain = browser.get("/static/partners/site.css")
    assert plain.status == 200
    assert "immutable" not in plain.headers["Cache-Control"]


@pytest.fixture
def private_visit(site, partner, worker):
    """A venue asks for its link, follows it, and someone searches nearby, from their own
    address; returns what no log may hold."""
    browser = site.client("127.0.0.7")
    assert browser.get(NEAREST, https=False).status == 301
    browser.get("/mon-lieu/")
    assert browser.post("/mon-lieu/", {"email": CONTACT}).status == 200
    message = site.smtp.wait_for(CONTACT)
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https://enlieusur\.fr(/mon-lieu/[^\s/]+/)", text)
    assert link, text
    assert browser.get(link[1]).status == 200
    assert browser.get(NEAREST).status == 200
    token = link[1].split("/")[2]
    parts = re.split(r"[:.]", token)
    return {
        "token": token,
        # And each long part of it ("payload:timestamp:MAC" or "id.timestamp.MAC").
        **{f"token part {n}": part for n, part in enumerate(parts) if len(part) > 5},
        "email": CONTACT,
        "latitude": LAT,
        "longitude": LON,
        "query": "lat=",
        "client address": browser.address,
    }


def test_the_maps_default_marker_is_given_by_its_served_hashed_names(site):
    """Leaflet guesses its marker images' folder from its stylesheet, which fails on hashed
    names: the maps name the images themselves (partners/public/maps.py)."""
    browser = site.client()
    for path, config in (("/", "map-config"), ("/rejoindre/formulaire/", "join-map-config")):
        page = browser.get(path).text
        found = re.search(rf'<script id="{config}" type="application/json">(.*?)</script>', page)
        icon = json.loads(found[1])["markerIcon"]
        assert set(icon) == {"iconUrl", "iconRetinaUrl", "shadowUrl"}
        for url in icon.values():
            assert re.fullmatch(r"/static/leaflet/images/marker-[a-z0-9-]+\.[0-9a-f]{12}\.png", url)
            image = browser.get(url)
            assert (image.status, image.headers["Content-Type"]) == (200, "image/png")


def test_nginx_logs_no_token_email_query_or_client_address(site, private_visit):
    logs = read_logs(
        nginx_logs(site),
        expect=[
            '"POST /mon-lieu/ HTTP/1.1" 200',
            '"GET /mon-lieu/[token]/ HTTP/1.1" 200',
            '"GET /api/v1/partners/nearest HTTP/1.1" 200',
        ],
    )
    for what, secret in private_visit.items():
        assert secret not in logs, what


def test_nginx_logs_every_emailed_links_path_without_its_token(site):
    logged_as = {
        "/en/mon-lieu/S3cr3t-1/modifier/": "/en/mon-lieu/[token]/modifier/",
        "/mon-lieu/S3cr3t-2/quitter/": "/mon-lieu/[token]/quitter/",
        "/rejoindre/confirmer/S3cr3t-3/": "/rejoindre/confirmer/[token]/",
        "/en/rejoindre/confirmer/S3cr3t-4/": "/en/rejoindre/confirmer/[token]/",
        "/mon-lieu/reconfirmer/S3cr3t-5/": "/mon-lieu/reconfirmer/[token]/",
        "/mon-lieu/reconfirmer/merci/": "/mon-lieu/reconfirmer/merci/",
        "/rejoindre/merci/ELS-12/": "/rejoindre/merci/ELS-12/",
        # A line feed forges no log line.
        "/lieux/%0a29/Nov/2026%20forged": "/lieux/\\x0A29/Nov/2026 forged",
    }
    browser = site.client()
    for path in logged_as:
        assert browser.get(path).status < 500, path
    logs = read_logs(nginx_logs(site), expect=[f'"GET {p} HTTP/1.1"' for p in logged_as.values()])
    assert "S3cr3t" not in logs


def test_gunicorn_logs_no_token_email_query_or_client_address(site, private_visit):
    logs = read_logs(gunicorn_logs(site), expect=['"GET /api/v1/partners/nearest HTTP/1.0" 200'])
    assert "/mon-lieu/" in logs
    for what, secret in private_visit.items():
        assert secret not in logs, what


def test_nginx_logs_no_query_or_client_address_when_the_app_is_down(tmp_path):
    nowhere = servers.free_port()
    with deployed.nginx(tmp_path, app_port=nowhere) as proxy:
        browser = deployed.Client(proxy, "127.0.0.8")
        response = browser.get(NEAREST)
        assert response.status == 502
        assert b"nginx/" not in response.body
        assert browser.get(f"/mon-lieu/abcdefghijkl:{LAT}/").status == 502
    logs = "\n".join(path.read_text() for path in proxy.logs.iterdir())
    assert '"GET /api/v1/partners/nearest HTTP/1.1" 502' in logs
    for secret in (LAT, LON, "lat=", "127.0.0.8", "abcdefghijkl"):
        assert secret not in logs, secret


def test_pages_and_the_nearest_search_keep_serving_while_redis_restarts(site, partner):
    browser = site.client()
    pages = ["/", "/en/", "/lieux/", f"/lieux/{partner.pk}/", NEAREST]
    site.redis.stop()
    try:
        statuses = {path: browser.get(path).status for path in pages}
    finally:
        site.redis.start()
    assert statuses == dict.fromkeys(pages, 200)

    cache = redis.Redis.from_url(site.redis_url)
    assert cache.dbsize() == 0
    assert browser.get("/api/v1/partners.geojson").status == 200
    assert cache.dbsize() > 0, "the app uses Redis again"


def test_the_maps_data_and_the_forms_keep_working_while_redis_is_down(site, partner):
    browser = site.client("127.0.0.30")
    browser.get("/mon-lieu/")
    site.redis.stop()
    try:
        link = browser.post("/mon-lieu/", {"email": CONTACT}).status
        geojson = browser.get("/api/v1/partners.geojson").status
        tile = browser.get("/api/v1/partners/tiles/5/16/11.json").status
    finally:
        site.redis.start()
    assert (geojson, tile, link) == (200, 200, 200)


def accepted(response) -> bool:
    assert response.status < 500, response.status
    return response.status != 429


def join(browser, n: int) -> bool:
    data = join_helpers.application(
        browser, name=f"Librairie {browser.address} {n}", contact_email=f"c{n}@example.org"
    )
    return accepted(browser.post("/rejoindre/formulaire/", data))


def ask_for_link(browser, n: int) -> bool:
    browser.get("/mon-lieu/")
    return accepted(browser.post("/mon-lieu/", {"email": CONTACT}))


def report(browser, n: int, *, partner) -> bool:
    browser.get(f"/lieux/{partner.pk}/signaler/")
    return accepted(
        browser.post(f"/lieux/{partner.pk}/signaler/", {"reason": "closed", "website": ""})
    )


@pytest.mark.parametrize(
    ("send", "limit"),
    [
        (join, settings.JOIN_RATE_LIMIT),
        (ask_for_link, settings.LINK_REQUEST_RATE_LIMIT),
        (report, settings.REPORT_RATE_LIMIT),
    ],
    ids=["join", "link", "report"],
)
def test_each_client_behind_nginx_has_its_own_budget(site, partner, send, limit):
    if send is report:
        send = lambda browser, n: report(browser, n, partner=partner)  # noqa: E731
    clients = [site.client(f"127.0.0.{10 + n}") for n in range(7)]
    assert [send(browser, 0) for browser in clients] == [True] * 7

    # One client's budget is its own, whatever X-Forwarded-For it makes up.
    first = clients[0]
    original = first.request

    def spoofing(method, path, *, headers=None, **options):
        headers = {**(headers or {}), "X-Forwarded-For": f"10.0.0.{time.monotonic_ns() % 250}"}
        return original(method, path, headers=headers, **options)

    first.request = spoofing
    assert [send(first, n) for n in range(1, limit + 1)] == [True] * (limit - 1) + [False]
    assert send(clients[1], 1)


def test_an_application_sent_during_an_smtp_outage_is_accepted_and_mailed_later(
    site, partner, worker
):
    browser = site.client("127.0.0.20")
    contact = "pendant-la-panne@example.org"
    data = join_helpers.application(browser, name="Librairie de la Panne", contact_email=contact)
    site.smtp.stop()
    try:
        response = browser.post("/rejoindre/formulaire/", data)
        assert response.status == 302
        assert "/rejoindre/merci/ELS-" in response.headers["Location"]
        # The worker tries while the mail server is down, and schedules the email again.
        deadline = time.monotonic() + 60
        while not failed_deliveries_to(contact):
            assert time.monotonic() < deadline, "the worker never tried to send the email"
            time.sleep(0.2)
    finally:
        site.smtp.start()
    message = site.smtp.wait_for(contact, timeout=30)
    assert "Librairie de la Panne" in message.get_body(("plain",)).get_content()


def failed_deliveries_to(address: str) -> int:
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, task_path=emails.deliver.module_path
    )
    return sum(address in row.args_kwargs["kwargs"]["to"] for row in rows)


def test_a_text_message_signed_by_twilio_is_answered_behind_nginx(site, partner):
    """Twilio signs the public URL (https://enlieusur.fr/sms/twilio/); the request reaches
    gunicorn through nginx over HTTP on another port, and is still recognised. The number
    and the message reach no log."""
    assert f"{deployed.ORIGIN}{twilio.WEBHOOK_PATH}" == twilio.WEBHOOK_URL
    params = twilio.message("PARIS 4", sender="+33655544433")
    body, headers = twilio.signed(params)
    browser = site.client()

    response = browser.request("POST", twilio.WEBHOOK_PATH, body=body, headers=headers)

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    # Its name as GSM-7 ("Médiathèque n°1" → "Médiathèque no1"): three segments hold more.
    assert f"1. {gsm.transliterate(partner.name)}, 1 place de la Mairie" in response.text
    assert "Danger : 17 ou 112, SMS 114" in response.text
    # Replayed (the shared cache, Redis, remembers its id): no second answer.
    again = browser.request("POST", twilio.WEBHOOK_PATH, body=body, headers=headers)
    assert (again.status, again.text) == (200, '<?xml version="1.0" encoding="UTF-8"?><Response />')
    # Signed for the address gunicorn itself sees, or forged: refused.
    inner = twilio.signature(params, url=f"http://127.0.0.1:{site.app_port}{twilio.WEBHOOK_PATH}")
    forged = {**headers, "X-Twilio-Signature": inner}
    assert browser.request("POST", twilio.WEBHOOK_PATH, body=body, headers=forged).status == 403
    # Over plain HTTP nginx redirects, as for every page: the console gets the https URL.
    plain = browser.request("POST", twilio.WEBHOOK_PATH, body=body, headers=headers, https=False)
    assert plain.status == 301

    logs = read_logs(
        nginx_logs(site) + gunicorn_logs(site),
        expect=['"POST /sms/twilio/ HTTP/1.1" 200', '"POST /sms/twilio/ HTTP/1.0" 200'],
    )
    for secret in ("655544433", "PARIS 4", "PARIS+4", params["MessageSid"], "Mairie"):
        assert secret not in logs


def test_nearest_answers_are_shared_by_the_workers_and_follow_the_data(site, partner):
    """Both gunicorn workers answer from one Redis, under keys that hold no position; a
    partner leaving the network leaves the answers within PUBLIC_VERSION_TTL."""
    browser = site.client()
    answers = [browser.get(NEAREST) for _ in range(8)]
    assert {a.status for a in answers} == {200}
    assert [a.headers["X-Cache"] for a in answers].count("miss") == 1
    assert len({a.body for a in answers}) == 1
    assert partner.name in answers[0].text
    cache = redis.Redis.from_url(site.redis_url)
    keys = [key.decode() for key in cache.keys("*nearest-answer:*")]
    assert len(keys) == 1
    assert LAT not in keys[0]
    assert LON not in keys[0]
    assert 0 < cache.ttl(keys[0]) <= 60
    # A kept answer costs one round trip: the public version and the answer, read together
    # (the version held meanwhile, then left to expire when it would have).
    browser.get(NEAREST)  # the version read again if it had expired
    states = {state: cache.pttl(state) for state in cache.keys(f"*{search.PUBLIC_STATE_KEY}")}
    assert len(states) == 1
    for state in states:
        cache.persist(state)
    cache.config_resetstat()
    assert browser.get(NEAREST).headers["X-Cache"] == "hit"
    commands = {
        name.removeprefix("cmdstat_"): stats["calls"]
        for name, stats in cache.info("commandstats").items()
        if not name.startswith("cmdstat_config")
    }
    assert commands == {"mget": 1}
    for state, milliseconds in states.items():
        cache.pexpire(state, max(milliseconds, 1))

    partner.status = "suspended"
    partner.save()
    deadline = time.monotonic() + 5 + 5  # the deployment's PUBLIC_VERSION_TTL, and a margin
    while partner.name in browser.get(NEAREST).text:
        assert time.monotonic() < deadline, "a suspended partner still answered"
        time.sleep(0.2)
