"""The installed site in Chromium (README, "Installing the site and using it offline"):
installable, its worker active, the last search's places and the emergency numbers shown
offline, a withdrawn place gone after the next visit online, "Clear this site's data"
leaving nothing, and nothing personal ever kept; a place's closures kept with it."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.utils import formats, translation
from playwright.sync_api import expect

from partners.models import Charter, Kind
from partners.services.selfservice import withdraw_partner
from tests.a11y import axe_violations
from tests.factories import ClosureFactory, PartnerFactory, every_day

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LYON = (45.76769, 4.83537)


def _near(metres_north: float) -> Point:
    return Point(LYON[1], LYON[0] + metres_north / 111_200, srid=4326)


@pytest.fixture(autouse=True)
def charter():
    # Transactional tests flush the charter the migrations published.
    Charter.objects.get_or_create(
        version=1, defaults={"text": "Charte", "published_on": datetime.date(2024, 1, 1)}
    )


@pytest.fixture
def lyon():
    """Two places near Lyon's centre: a library open all day every day, with a phone, and
    a pharmacy without hours (closed), 400 m further."""
    library = PartnerFactory(
        approved=True,
        name="Médiathèque gardée",
        kind=Kind.LIBRARY,
        phone="+33472000000",
        address="2 rue de la République",
        postcode="69001",
        city="Lyon",
        location=_near(300),
    )
    every_day(library, "00:00", "23:59")
    pharmacy = PartnerFactory(
        approved=True, name="Pharmacie sans horaires", kind=Kind.PHARMACY, location=_near(700)
    )
    return library, pharmacy


@pytest.fixture
def app(chromium, live_server):
    """A fresh browser profile on the live server (service workers need a secure context:
    http://localhost counts); requests to any other host are refused."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    context = chromium.new_context(locale="fr-FR", base_url=url, service_workers="allow")
    own = urlsplit(url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc == own else route.abort()
        ),
    )
    page = context.new_page()
    yield page
    context.close()


def until(page, script: str, arg=None, timeout: float = 30) -> None:
    """Waits until ``script`` (a function, maybe async) returns true in the page.
    Playwright's wait_for_function evaluates a string, which the site's CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {script}"
        time.sleep(0.2)


def controlled(page, shell=("/", "/montrer/", "/apres/", "/aide/")) -> None:
    """Waits until the worker is installed, active and controls the page, and the shell
    pages of the page's language are kept."""
    until(page, "() => navigator.serviceWorker.controller !== null")
    until(
        page,
        "async (paths) => (await Promise.all(paths.map((p) => caches.match(p)))).every(Boolean)",
        list(shell),
    )


def kept_names(page) -> list[str]:
    return page.evaluate(
        "async () => (await keptPlaces.all()).flatMap((s) => s.places.map((p) => p.name)).sort()"
    )


def search_lyon(page, hash="#q=Lyon") -> None:
    page.goto("/" + hash)
    expect(page.locator("#results-title")).to_contain_text("près de Lyon", timeout=30_000)
    until(page, "async () => (await keptPlaces.all()).length > 0")


def stored(page) -> dict:
    return page.evaluate(
        """async () => ({
          caches: await caches.keys(),
          databases: (await indexedDB.databases()).map((db) => db.name),
          workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )


def test_site_is_installable_with_a_valid_manifest_and_an_active_worker(app):
    app.goto("/")
    controlled(app)
    cdp = app.context.new_cdp_session(app)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito profiles, where Chrome never offers to install;
    # every other criterion (manifest, icons, worker, secure context) is met.
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    state = app.evaluate(
        "async () => { const r = await navigator.serviceWorker.ready;"
        " return [r.scope, r.active.state]; }"
    )
    assert state == [app.url.split("#")[0], "activated"]


def test_offline_reload_shows_the_kept_places_their_state_and_the_numbers(app, lyon):
    app.goto("/")
    controlled(app)
    search_lyon(app)
    assert kept_names(app) == ["Médiathèque gardée", "Pharmacie sans horaires"]
    # axe-core, for the check offline: fetched through the worker, which keeps it.
    app.evaluate("fetch('/static/vendor/axe-core/axe.min.js').then((r) => r.ok)")
    app.context.set_offline(True)
    try:
        # How soon the list shows is make bench's (bench/browser.py, measure_offline).
        app.reload()
        section = app.locator("#offline")
        expect(section).to_be_visible()
        assert app.evaluate("performance.getEntriesByName('offline-shown').length") == 1
        expect(app.locator("#offline-title")).to_contain_text("Hors ligne — lieux enregistrés le ")
        expect(app.locator("#offline-old")).to_be_hidden()
        library = section.locator("li.result", has_text="Médiathèque gardée")
        expect(library).to_contain_text("Ouvert jusqu’à 23:59")
        expect(library).to_contain_text("2 rue de la République, 69001 Lyon")
        call = library.get_by_role("link", name="Appeler 04 72 00 00 00")
        assert call.get_attribute("href") == "tel:+33472000000"
        expect(section.locator("li.result", has_text="Pharmacie sans horaires")).to_contain_text(
            "Fermé"
        )
        # The territory's numbers, as call links; the page's own bar has them too.
        assert section.locator("a[href='tel:17']").count() == 1
        assert section.locator("a[href='tel:112']").count() == 1
        assert app.locator(".safety-bar a[href='tel:17']").count() == 1
        assert axe_violations(app) == []
        # The other kept pages open offline too.
        for path, text in [
            ("/montrer/", "J’ai besoin d’aide"),
            ("/apres/", ""),
            ("/aide/", "3919"),
        ]:
            app.goto(path)
            expect(app.locator("main")).to_contain_text(text)
    finally:
        app.context.set_offline(False)


def test_a_list_older_than_seven_days_says_so(app, lyon):
    app.goto("/")
    controlled(app)
    search_lyon(app)
    app.evaluate(
        """async () => {
          const db = await new Promise((ok) => {
            const r = indexedDB.open("enlieusur");
            r.onsuccess = () => ok(r.result);
          });
          const store = db.transaction("searches", "readwrite").objectStore("searches");
          await new Promise((ok) => { store.getAll().onsuccess = (e) => {
            for (const s of e.target.result) { s.savedAt -= 8 * 86400000; store.put(s); }
            store.transaction.oncomplete = ok; }; });
          db.close();
        }"""
    )
    app.context.set_offline(True)
    try:
        app.reload()
        expect(app.locator("#offline-old")).to_be_visible()
        expect(app.locator("#offline-old")).to_contain_text("plus de 7 jours")
    finally:
        app.context.set_offline(False)


def test_a_withdrawn_place_vanishes_after_the_next_visit_online(app, lyon):
    _library, pharmacy = lyon
    app.goto("/")
    controlled(app)
    search_lyon(app)
    withdraw_partner(partner=pharmacy)

    app.goto("/")
    until(
        app,
        "async () => (await keptPlaces.all()).every("
        "(s) => s.places.every((p) => p.name !== 'Pharmacie sans horaires'))",
    )
    assert kept_names(app) == ["Médiathèque gardée"]
    app.context.set_offline(True)
    try:
        app.reload()
        expect(app.locator("#offline")).to_contain_text("Médiathèque gardée")
        expect(app.locator("#offline")).not_to_contain_text("Pharmacie sans horaires")
    finally:
        app.context.set_offline(False)


def test_keep_this_towns_places_keeps_its_20_nearest_whatever_the_filters(app, lyon):
    for i in range(22):
        PartnerFactory(approved=True, name=f"Lieu {i:02d}", location=_near(1000 + 100 * i))
    app.goto("/")
    controlled(app)
    search_lyon(app, "#q=Lyon&open_now=1")
    # "Open now only" is ticked: the search found the one open place.
    assert kept_names(app) == ["Médiathèque gardée"]
    app.get_by_role("button", name="Garder les lieux de cette ville sur mon téléphone").click()
    expect(app.locator("#results-status")).to_contain_text(
        "20 lieux sûrs près de Lyon (Rhône, 69) enregistrés sur ce téléphone"
    )
    searches = app.evaluate("keptPlaces.all()")
    assert len(searches) == 1
    assert searches[0]["kept"] is True
    assert len(searches[0]["places"]) == 20
    # Only what the offline list shows: no distance, no search position.
    assert set(searches[0]["places"][0]) >= {
        "name",
        "address",
        "phone",
        "opening_hours",
        "lat",
        "lon",
        "time_zone",
    }
    assert "distance_m" not in searches[0]["places"][0]
    assert "lat" not in searches[0]
    assert "lon" not in searches[0]
    assert axe_violations(app) == []


def test_clear_this_sites_data_leaves_nothing(app, lyon):
    app.goto("/")
    controlled(app)
    search_lyon(app)
    before = stored(app)
    assert before["caches"]
    assert before["databases"] == ["enlieusur"]
    assert before["workers"] == 1

    app.goto("/aide/")
    app.get_by_role("button", name="Effacer les données de ce site").click()
    expect(app.get_by_role("status").filter(has_text="a été effacé")).to_be_visible()
    assert stored(app) == {"caches": [], "databases": [], "workers": 0}
    assert axe_violations(app) == []


def test_nothing_personal_is_ever_kept(app, lyon):
    app.goto("/")
    controlled(app)
    for path in (
        "/mon-lieu/",
        "/rejoindre/formulaire/",
        "/en/mon-lieu/",
        "/admin/login/",
        "/lieux/?q=Lyon",
    ):
        app.goto(path)
    # A form posted under the worker's control.
    app.goto("/mon-lieu/")
    app.locator("main form input[type=email]").first.fill("personne@example.org")
    app.locator("main form [type=submit]").first.click()
    app.wait_for_load_state()
    urls = app.evaluate(
        """async () => {
          const all = [];
          for (const key of await caches.keys()) {
            for (const request of await (await caches.open(key)).keys()) {
              const url = new URL(request.url);
              all.push(url.pathname + url.search);
            }
          }
          return all;
        }"""
    )
    pages = [url for url in urls if not url.startswith("/static/")]
    # The shell only (in English too: /en/mon-lieu/ asked for the English pages).
    assert {"/", "/aide/", "/apres/", "/montrer/"} <= set(pages)
    assert set(pages) <= {
        *("/", "/aide/", "/apres/", "/montrer/"),
        *("/en/", "/en/aide/", "/en/apres/", "/en/montrer/"),
    }
    # Not even the forms' and the admin's static files.
    assert not [url for url in urls if url.startswith(("/static/admin/", "/static/partners/join"))]


def test_when_the_network_returns_the_shown_list_loses_a_withdrawn_place(app, lyon):
    _library, pharmacy = lyon
    app.goto("/")
    controlled(app)
    search_lyon(app)
    app.context.set_offline(True)
    app.reload()
    expect(app.locator("#offline")).to_contain_text("Pharmacie sans horaires")
    withdraw_partner(partner=pharmacy)

    app.context.set_offline(False)
    expect(app.locator("#offline")).not_to_contain_text("Pharmacie sans horaires", timeout=10_000)
    expect(app.locator("#offline")).to_contain_text("Médiathèque gardée")


def test_a_closed_place_says_when_it_reopens_online_and_offline(app, lyon):
    """A place open all day every day but closed from today for ten days: online (the
    API's state) and offline (hours.js with the kept closures), it is closed and reopens
    on the day after the closure, given by its date."""
    library, _pharmacy = lyon
    today = library.local_time().date()
    ends = today + datetime.timedelta(days=9)
    ClosureFactory(partner=library, starts=today, ends=ends, reason="travaux")
    with translation.override("fr"):
        reopens = formats.date_format(ends + datetime.timedelta(days=1), "j F")
    expected = f"Fermé, ouvre le {reopens} à 00:00"
    app.goto("/")
    controlled(app)
    search_lyon(app)
    expect(app.locator("#results-area li.result", has_text="Médiathèque gardée")).to_contain_text(
        expected
    )
    app.context.set_offline(True)
    try:
        app.reload()
        section = app.locator("#offline")
        expect(section.locator("li.result", has_text="Médiathèque gardée")).to_contain_text(
            expected
        )
    finally:
        app.context.set_offline(False)
