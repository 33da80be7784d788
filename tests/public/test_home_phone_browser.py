"""The home page on a phone (360 × 740, Chromium): what "Me localiser" shows and where the
focus goes, the list/map switch, the search kept in the address (Back, reload, a shared
link), and each result's call button, walking time and directions for the phone's own maps
app. Issue 13, items 2, 4, 6 and 7."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.a11y import axe_violations
from tests.public.test_home_browser import (
    lyon_partners,  # noqa: F401 (a fixture, used below)
    result_names,
    wait_for_results,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
# A position a few metres from Lyon's centre, and as the browser rounds it (about 100 m).
HERE = {"latitude": 45.767731, "longitude": 4.835416}
# "Open now only" is ticked by default, so the address carries it.
ROUNDED = "lat=45.768&lon=4.835&open_now=1"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
FIRST = "Médiathèque ouverte"  # the nearest open place of lyon_partners, 600 m from Lyon


@pytest.fixture
def open_page(chromium, live_server):
    """``open_page(path, **context options)``: a page of a new browser context (a phone
    by default, French, no permission), its requests recorded in ``page.requests`` and
    those to other hosts (map tiles) blocked."""
    contexts = []

    def open_page(path="/", *, located=False, **options):
        options = {"viewport": PHONE, "locale": "fr-FR", **options}
        context = chromium.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        if located:
            context.grant_permissions(["geolocation"])
            context.set_geolocation(HERE)
        page = context.new_page()
        page.requests = []
        own_host = urlsplit(live_server.url).netloc

        def route(route):
            page.requests.append(route.request.url)
            if urlsplit(route.request.url).netloc == own_host:
                route.continue_()
            else:
                route.abort()

        page.route("**/*", route)
        page.goto(path)
        # The map is drawn even while the list hides it.
        page.wait_for_selector("#map[data-ready]", state="attached")
        return page

    yield open_page
    for context in contexts:
        context.close()


def in_viewport(locator) -> None:
    """Wholly on screen, as the person sees it without scrolling."""
    expect(locator).to_be_in_viewport(ratio=1)


def locate(page):
    page.get_by_role("button", name="Me localiser").click()
    wait_for_results(page, "lieux sûrs près de votre position")


@pytest.mark.usefixtures("lyon_partners")
def test_locate_me_shows_the_status_at_once_then_the_first_result_with_focus_on_its_heading(
    open_page,
):
    page = open_page(located=True)
    held = []
    # The search is held until the status line has been seen.
    page.route(re.compile(r"/api/v1/partners/nearest\?"), lambda route: held.append(route))

    page.get_by_role("button", name="Me localiser").click()

    status = page.locator("#results-status")
    expect(status).to_have_text(re.compile("Recherche|Localisation"))
    in_viewport(status)
    for _wait in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()

    heading = page.get_by_role("heading", name=re.compile(r"^3 lieux sûrs près de votre position"))
    expect(heading).to_be_focused()
    in_viewport(heading)
    first = page.locator("#results > li").first
    in_viewport(first)
    assert first.get_by_role("heading").inner_text() == FIRST
    # The switch shows the list; the map waits behind "Carte".
    expect(page.get_by_role("button", name="Liste")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#map")).to_be_hidden()
    assert axe_violations(page) == []


@pytest.mark.usefixtures("lyon_partners")
def test_refused_position_sends_the_focus_to_the_town_field_with_the_reason_beside_it(open_page):
    page = open_page()  # no permission: the browser refuses

    page.get_by_role("button", name="Me localiser").click()

    field = page.get_by_role("combobox", name="Ville ou code postal")
    expect(field).to_be_focused()
    expect(field).to_have_accessible_description(
        re.compile("Votre position n’est pas disponible. Cherchez plutôt une ville")
    )
    in_viewport(field)
    in_viewport(page.locator("#search-q-message"))
    assert page.locator("#search-q-message").is_visible()
    assert axe_violations(page) == []

    # A town typed then: the reason goes.
    field.fill("Lyon")
    field.press("Enter")
    wait_for_results(page, "3 lieux sûrs près de Lyon")
    expect(page.locator("#search-q-message")).to_be_hidden()


@pytest.mark.usefixtures("lyon_partners")
def test_each_result_has_a_large_call_button_the_walking_time_and_directions(open_page):
    page = open_page(located=True)
    locate(page)

    first = page.locator("#results > li").first
    call = first.get_by_role("link", name="Appeler 04 72 00 00 00", exact=True)
    assert call.get_attribute("href") == "tel:+33472000000"
    assert call.bounding_box()["height"] >= 44
    route = first.get_by_role("link", name="Itinéraire", exact=True)
    assert route.bounding_box()["height"] >= 44
    # Primary and secondary: filled, and outlined on white.
    colours = [link.evaluate("a => getComputedStyle(a).backgroundColor") for link in (call, route)]
    assert colours[0] != colours[1]
    # 570 m from the rounded position: × 1.3 at 4.5 km/h, about 10 minutes.
    assert "à 570\u202fm · environ 10 min à pied" in first.inner_text()


@pytest.mark.usefixtures("lyon_partners")
@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (IPHONE, "https://maps.apple.com/?daddr=45.773086,4.83537&dirflg=w"),
        (ANDROID, "geo:45.773086,4.83537?q=45.773086,4.83537(M%C3%A9diath%C3%A8que%20ouverte)"),
        (
            None,
            "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&to=45.773086%2C4.83537",
        ),
    ],
    ids=["iphone", "android", "desktop"],
)
def test_directions_open_the_phones_own_maps_app(open_page, user_agent, expected):
    options = {"user_agent": user_agent} if user_agent else {}
    page = open_page(**options)
    page.get_by_role("combobox", name="Ville ou code postal").fill("Lyon")
    page.keyboard.press("Enter")
    wait_for_results(page, "près de Lyon")

    first = page.locator("#results > li").first
    assert first.get_by_role("link", name="Itinéraire").get_attribute("href") == expected

    # The place's own page, rendered by the server, gets the same link.
    first.get_by_role("link", name=FIRST).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST)
    expect(page.get_by_role("link", name="Itinéraire")).to_have_attribute(
        "href", expected.replace("4.83537", "4.835370")
    )


@pytest.mark.usefixtures("lyon_partners")
def test_back_from_a_place_reload_and_a_shared_link_show_the_same_results(open_page):
    page = open_page(located=True)
    locate(page)
    names = result_names(page)
    assert page.url.endswith("/#" + ROUNDED)

    page.get_by_role("link", name=FIRST).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST)
    page.go_back()
    wait_for_results(page, "3 lieux sûrs près de votre position")
    assert result_names(page) == names
    expect(page.locator("#results-title")).to_be_focused()

    page.reload()
    wait_for_results(page, "3 lieux sûrs près de votre position")
    assert result_names(page) == names

    # The same address in another browser: someone else's position.
    shared = open_page("/#" + ROUNDED)
    wait_for_results(shared, "3 lieux sûrs près de la position indiquée")
    assert result_names(shared) == names
    # The position went to the nearest API only: never in a page's address sent to the
    # server (the fragment stays in the browser).
    for request in page.requests + shared.requests:
        if "45.768" in request:
            assert "/api/v1/partners/nearest?" in request, request


@pytest.mark.usefixtures("lyon_partners")
def test_a_town_and_filters_live_in_the_address_and_come_back(open_page):
    page = open_page()
    entries = page.evaluate("history.length")
    page.get_by_role("combobox", name="Ville ou code postal").fill("Lyon")
    page.keyboard.press("Enter")
    wait_for_results(page, "3 lieux sûrs près de Lyon")
    page.get_by_label("Ouverts maintenant uniquement").uncheck()
    wait_for_results(page, "4 lieux sûrs près de Lyon")
    page.get_by_label("Ouverts maintenant uniquement").check()
    wait_for_results(page, "3 lieux sûrs près de Lyon")
    page.get_by_label("Type de lieu").select_option(label="Service public")
    wait_for_results(page, "1 lieu sûr près de Lyon")
    assert urlsplit(page.url).fragment == "q=Lyon&kind=public&open_now=1"
    # One entry in the tab's history, however many searches.
    assert page.evaluate("history.length") == entries

    page.reload()
    wait_for_results(page, "1 lieu sûr près de Lyon")
    assert page.get_by_label("Ouverts maintenant uniquement").is_checked()
    assert page.get_by_label("Type de lieu").input_value() == "public"
    assert page.get_by_role("combobox", name="Ville ou code postal").input_value() == "Lyon"

    # A move in the history within the page (here, to another fragment and back).
    page.goto("/#q=13001")
    wait_for_results(page, "près de Marseille")
    assert not page.get_by_label("Ouverts maintenant uniquement").is_checked()
    page.go_back()
    wait_for_results(page, "1 lieu sûr près de Lyon")


@pytest.mark.usefixtures("lyon_partners")
def test_list_and_map_switch_by_keyboard_and_the_map_fits_the_results(open_page):
    page = open_page(located=True)
    locate(page)
    map_button = page.get_by_role("button", name="Carte")
    list_button = page.get_by_role("button", name="Liste")

    map_button.focus()
    page.keyboard.press("Enter")

    expect(map_button).to_have_attribute("aria-pressed", "true")
    expect(list_button).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#results")).to_be_hidden()
    expect(page.locator("#map")).to_be_visible()
    # Leaflet measured its container when it came into view: the numbered markers of
    # the results are drawn inside the map.
    box = page.locator("#map").bounding_box()
    assert box["width"] == 360
    marker = page.locator('.result-marker[title="1. Médiathèque ouverte"]').bounding_box()
    assert box["x"] <= marker["x"] <= box["x"] + box["width"] - marker["width"]
    assert box["y"] <= marker["y"] <= box["y"] + box["height"] - marker["height"]
    assert axe_violations(page) == []

    page.keyboard.press("Shift+Tab")
    expect(list_button).to_be_focused()
    page.keyboard.press("Space")
    expect(list_button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator("#map")).to_be_hidden()


def test_on_a_phone_the_map_is_a_switch_away_not_pages_down(open_page):
    page = open_page()
    # Before any search the map shows under the finder.
    expect(page.get_by_role("button", name="Carte")).to_have_attribute("aria-pressed", "true")
    assert page.locator("#map").bounding_box()["y"] < 2 * PHONE["height"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.mark.usefixtures("lyon_partners")
def test_wide_screens_show_the_results_beside_the_map(open_page):
    page = open_page("/en/", viewport={"width": 1366, "height": 900}, located=True)
    page.get_by_role("button", name="Locate me").click()
    wait_for_results(page, "3 safe places near your position")

    expect(page.locator("#view-switch")).to_be_hidden()
    results, map_box = page.locator("#results").bounding_box(), page.locator("#map").bounding_box()
    assert results["x"] + results["width"] <= map_box["x"]
    expect(page.locator('.result-marker[title="1. Médiathèque ouverte"]')).to_be_visible()
    first = page.locator("#results > li").first
    assert "about 10 min on foot" in first.inner_text()
    assert first.get_by_role("link", name="Call 04 72 00 00 00").is_visible()
    assert axe_violations(page) == []
