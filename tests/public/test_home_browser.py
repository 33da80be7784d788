import datetime
import re
from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Charter, Kind, Partner
from tests.a11y import axe_violations
from tests.factories import PartnerFactory, every_day
from tests.public.test_tiles import tile_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

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


def test_on_a_phone_the_map_opens_one_zoom_out_to_show_all_of_mainland_france(page):
    PartnerFactory(approved=True, location=Point(2.35, 48.85, srid=4326))
    requested = record_tiles(page)
    page.set_viewport_size({"width": 390, "height": 844})

    open_home(page)

    # Zoom 5 rather than 6: data tiles of zoom 3.
    assert {z for z, _x, _y in requested} == {3}


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

    assert axe_violations(page) == []


def test_without_javascript_the_search_form_opens_the_list(chromium, live_server, lyon_partners):
    context = chromium.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.abort() if "tile" in route.request.url else route.continue_()
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Voir la liste de tous les lieux sûrs").get_attribute(
        "href"
    ) == ("/lieux/")
    assert page.locator("#locate").is_hidden()
    # No empty box where the map would be: the finder alone, at a reading width.
    assert page.locator("#map-area").is_hidden()
    assert page.locator(".panel").bounding_box()["width"] <= 40 * 16

    page.get_by_role("searchbox", name="Ville ou code postal").fill("Lyon")
    page.get_by_label("Ouverts maintenant uniquement").check()
    page.get_by_role("button", name="Rechercher", exact=True).click()

    assert page.url.startswith(live_server.url + "/lieux/?q=Lyon")
    assert "Médiathèque ouverte" in page.content()
    assert "Boulangerie fermée" not in page.content()
    context.close()


# "Locate me", search and filters, against the real nearest and places APIs.

LYON = (45.76769, 4.83537)
XSS_NAME = "<img src=x onerror=alert(1)>"


def _hours(partner, *, open_now: bool) -> None:
    """Every day, open from two hours ago to two hours ahead (or closed until three
    hours ahead), in the venue's time zone, so the test holds at any time of day."""
    local = timezone.now().astimezone(partner.zone)
    if open_now:
        opens, closes = local - datetime.timedelta(hours=2), local + datetime.timedelta(hours=2)
    else:
        opens, closes = local + datetime.timedelta(hours=3), local + datetime.timedelta(hours=5)
    every_day(partner, opens.strftime("%H:%M"), closes.strftime("%H:%M"))


def _near(metres_north: float, lat_lon=LYON) -> Point:
    return Point(lat_lon[1], lat_lon[0] + metres_north / 111_200, srid=4326)


@pytest.fixture
def lyon_partners():
    """North of Lyon's centre, by distance: a closed shop at 300 m, an open step-free
    library at 600 m, an open pharmacy at 1 km, the markup-named venue at 1.5 km; a
    pending café at 100 m and an open library in Marseille."""
    shop = PartnerFactory(
        approved=True, name="Boulangerie fermée", kind=Kind.SHOP, location=_near(300)
    )
    library = PartnerFactory(
        approved=True,
        name="Médiathèque ouverte",
        kind=Kind.LIBRARY,
        step_free=True,
        phone="+33472000000",
        address="2 rue de la République",
        postcode="69001",
        city="Lyon",
        location=_near(600),
    )
    pharmacy = PartnerFactory(
        approved=True, name="Pharmacie ouverte", kind=Kind.PHARMACY, location=_near(1000)
    )
    markup = PartnerFactory(
        approved=True, name=XSS_NAME, kind=Kind.BAR_RESTAURANT, location=_near(1500)
    )
    marseille = PartnerFactory(
        approved=True,
        name="Bibliothèque de Marseille",
        kind=Kind.LIBRARY,
        department="13",
        postcode="13001",
        city="Marseille",
        location=_near(200, (43.2976, 5.36943)),
    )
    PartnerFactory(name="Café en attente", location=_near(100))
    _hours(shop, open_now=False)
    for partner in (library, pharmacy, markup, marseille):
        _hours(partner, open_now=True)


def result_names(page) -> list[str]:
    return page.locator("#results > li h3").all_inner_texts()


def wait_for_results(page, text: str, where: str = "#results-title") -> None:
    """The results' heading (or ``where``: the status line, the town field's message)
    says ``text``."""
    # As long as Playwright's other waits: the search goes through two API calls.
    expect(page.locator(where)).to_contain_text(text, timeout=30_000)


def test_locate_me_lists_the_nearest_open_places_within_reach_from_a_rounded_position(
    page, lyon_partners
):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 45.767731, "longitude": 4.835416})
    open_home(page)

    with page.expect_request(re.compile(r"/api/v1/partners/nearest\?")) as nearest:
        page.get_by_role("button", name="Me localiser").click()
    wait_for_results(page, "lieux sûrs près de votre position")

    # Rounded to about 100 m before it leaves the browser.
    assert "lat=45.768&lon=4.835&" in nearest.value.url
    # "Open now only" is ticked from the start; Marseille is beyond reach.
    assert "open_now=1" in nearest.value.url
    assert result_names(page) == ["Médiathèque ouverte", "Pharmacie ouverte", XSS_NAME]
    first = page.locator("#results > li").first
    # 570 m from the rounded position (600 m from the real one).
    assert re.search(
        r"Bibliothèque, médiathèque · à 570\sm · environ 10 min à pied · "
        r"Accès de plain-pied \(sans marche\)",
        first.inner_text(),
    )
    assert "2 rue de la République, 69001 Lyon" in first.inner_text()
    # After 22:00 it closes after midnight: "jusqu’à lundi 00:11".
    assert re.search(r"Ouvert jusqu’à (\w+ )?\d\d:\d\d", first.inner_text())
    assert first.get_by_role("link", name="Appeler 04 72 00 00 00").get_attribute("href") == (
        "tel:+33472000000"
    )
    osm = first.get_by_role("link", name="Itinéraire").get_attribute("href")
    assert osm.startswith("https://www.openstreetmap.org/directions?")
    assert "to=45.773086%2C4.83537" in osm
    assert page.locator(".result-marker").count() == 3
    assert page.locator("#results img").count() == 0
    assert page.dialogs == []


def test_open_now_toggle_and_filters_narrow_the_list(page, lyon_partners):
    open_home(page)
    page.get_by_role("combobox", name="Ville ou code postal").fill("Lyon")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    wait_for_results(page, "3 lieux sûrs près de Lyon")
    assert "Boulangerie fermée" not in result_names(page)

    page.get_by_label("Ouverts maintenant uniquement").uncheck()
    wait_for_results(page, "4 lieux sûrs près de Lyon")
    # Nearest first, open or not: the order of the list page and the API.
    assert result_names(page)[0] == "Boulangerie fermée"

    page.get_by_label("Ouverts maintenant uniquement").check()
    wait_for_results(page, "3 lieux sûrs près de Lyon")
    page.get_by_label("Type de lieu").select_option(label="Service public")
    wait_for_results(page, "1 lieu sûr près de Lyon")
    assert result_names(page) == ["Médiathèque ouverte"]

    page.get_by_label("Accès de plain-pied uniquement").check()
    wait_for_results(page, "1 lieu sûr près de Lyon")
    assert result_names(page) == ["Médiathèque ouverte"]

    page.get_by_label("Type de lieu").select_option(label="Établissement scolaire ou universitaire")
    wait_for_results(page, "Aucun lieu sûr ouvert à moins de 50 km ne correspond à ces filtres.")
    assert result_names(page) == []


def test_search_by_postcode_recentres_on_the_town(page, lyon_partners):
    open_home(page)
    page.get_by_role("combobox", name="Ville ou code postal").fill("13001")
    page.keyboard.press("Enter")
    wait_for_results(page, "près de Marseille")

    assert result_names(page)[0] == "Bibliothèque de Marseille"
    page.wait_for_selector("#map[data-ready]")
    assert page.locator('.result-marker[title="1. Bibliothèque de Marseille"]').is_visible()


def test_unknown_place_says_so_and_keeps_what_was_typed(page, lyon_partners):
    open_home(page)
    page.get_by_role("combobox", name="Ville ou code postal").fill("Zzyzx-sur-Mer")
    page.keyboard.press("Enter")

    wait_for_results(
        page,
        "Aucune ville ni aucun code postal ne correspond à « Zzyzx-sur-Mer ».",
        "#results-status",
    )
    assert (
        page.get_by_role("combobox", name="Ville ou code postal").input_value() == "Zzyzx-sur-Mer"
    )


def test_refused_geolocation_points_to_the_search(page, lyon_partners):
    open_home(page)  # no permission granted: the browser refuses

    page.get_by_role("button", name="Me localiser").click()

    wait_for_results(page, "Cherchez plutôt une ville ou un code postal.", "#search-q-message")


def test_home_page_with_results_has_no_axe_violations(page, lyon_partners):
    open_home(page)
    page.get_by_role("combobox", name="Ville ou code postal").fill("Lyon")
    page.keyboard.press("Enter")
    wait_for_results(page, "près de Lyon")

    assert axe_violations(page) == []


def test_english_home_searches_and_links_in_english(page, lyon_partners):
    open_home(page, "/en/")
    page.get_by_role("combobox", name="Town or postcode").fill("Lyon")
    page.get_by_role("button", name="Search", exact=True).click()
    wait_for_results(page, "3 safe places near Lyon (Rhône, 69).")

    first = page.locator("#results > li").first
    assert (
        first.get_by_role("link", name="Médiathèque ouverte")
        .get_attribute("href")
        .startswith("/en/lieux/")
    )
    assert re.search(
        r"Library · \d+\sm away · about \d+ min on foot · Step-free access", first.inner_text()
    )
