import datetime
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command

from partners.models import Charter, Partner
from tests.factories import PartnerFactory
from tests.test_tiles import tile_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
TILE_REQUEST = re.compile(r"/api/v1/partners/tiles/(\d+)/(\d+)/(\d+)\.json$")


@pytest.fixture(autouse=True)
def fresh_state():
    # Transactional tests flush the charter the migrations published; seed_demo needs one.
    Charter.objects.get_or_create(
        version=1, defaults={"text": "Charte", "published_on": datetime.date(2024, 1, 1)}
    )
    # The live server shares this process's cache: tiles of an earlier test's data.
    cache.clear()
    yield
    cache.clear()


def record_tiles(page) -> list:
    tiles = []

    def on_request(request):
        if match := TILE_REQUEST.search(request.url):
            tiles.append(tuple(int(part) for part in match.groups()))

    page.on("request", on_request)
    return tiles


def open_home(page, path="/"):
    page.goto(path)
    page.wait_for_selector("#map[data-ready]")


def test_home_map_shows_clusters_of_approved_partners_without_tiles(page):
    call_command("seed_demo", count=400, seed=2)
    PartnerFactory(name="Café en attente", location=Point(2.35, 48.85, srid=4326))
    requested = record_tiles(page)

    open_home(page)

    assert page.locator(".leaflet-marker-icon.cluster").count() > 3
    # Exactly the approved partners of the data tiles the map asked for, counted apart.
    by_tile = Counter(
        (z, *tile_of(p.location.x, p.location.y, z))
        for p in Partner.objects.public().only("location")
        for z in {tile[0] for tile in requested}
    )
    expected = sum(by_tile[tile] for tile in set(requested))
    assert expected > 300
    assert page.locator("#map").get_attribute("data-shown") == str(expected)
    marks = page.evaluate("performance.getEntriesByType('mark').map(m => m.name)")
    assert {"first-marker", "clusters-drawn"} <= set(marks)
    assert page.foreign_requests
    assert all("tile.openstreetmap.org" in url for url in page.foreign_requests)


def test_cluster_bubbles_have_an_accessible_name_and_zoom_in_from_the_keyboard(page):
    call_command("seed_demo", count=400, seed=2)
    open_home(page)

    bubble = page.get_by_role("button", name=re.compile(r"lieux? sûrs? ici, zoomez"))
    bubble.first.focus()
    # Mainland France opens at zoom 6 (data tiles of zoom 4); a bubble zooms in.
    with page.expect_request(re.compile(r"/api/v1/partners/tiles/([5-9]|1[0-9])/")):
        page.keyboard.press("Enter")


def test_territory_picker_jumps_to_new_caledonia(page):
    PartnerFactory(approved=True, location=Point(2.35, 48.85, srid=4326))
    PartnerFactory(
        approved=True,
        name="Médiathèque Bernheim",
        department="988",
        postcode="98800",
        city="Nouméa",
        location=Point(166.445, -22.27, srid=4326),
    )
    open_home(page)
    assert page.locator('[title="Médiathèque Bernheim"]').count() == 0

    page.get_by_label("Aller à").select_option(label="Nouvelle-Calédonie")
    page.wait_for_selector('[title="Médiathèque Bernheim"]')

    page.locator('[title="Médiathèque Bernheim"]').click()
    popup = page.locator(".leaflet-popup-content")
    assert "Médiathèque Bernheim" in popup.inner_text()
    assert popup.get_by_role("link").get_attribute("href").startswith("/lieux/")


def test_partner_name_with_markup_shows_as_text_on_the_map(page):
    name = "<img src=x onerror=alert(1)>"
    PartnerFactory(approved=True, name=name, location=Point(2.35, 48.85, srid=4326))
    open_home(page)

    marker = page.locator(".leaflet-marker-icon[title]")
    assert marker.get_attribute("title") == name
    marker.click()

    assert page.locator(".leaflet-popup-content strong").inner_text() == name
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.dialogs == []


def test_home_page_has_no_axe_violations(page):
    call_command("seed_demo", count=200, seed=4)
    open_home(page)

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run().then(r => r.violations.map(v => [v.id, v.nodes.length]))")

    assert violations == []


def test_without_javascript_the_search_form_leads_to_the_list(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.abort() if "tile" in route.request.url else route.continue_()
    )
    page.goto(live_server.url + "/")

    form = page.locator("form#search")
    assert form.get_attribute("action") == "/lieux/"
    assert form.get_attribute("method") == "get"
    assert page.get_by_role("link", name="liste").get_attribute("href") == "/lieux/"
    assert page.locator("#locate").is_hidden()
    context.close()
