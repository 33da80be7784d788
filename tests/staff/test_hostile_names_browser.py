"""A name typed by an anonymous applicant reaches the staff's and the public's browsers as
text only: never parsed as HTML, on every page that shows it through a script."""

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Charter, Status
from tests import signin
from tests.factories import PartnerFactory, every_day

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# A refresh to another site, and a script run by a broken image: either one, parsed, would
# change the page's address or set the flag.
META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
IMG = '<img src=x onerror="window.hostileNameRan=1">'
HOSTILE = (META, IMG)
PARIS = (2.3522, 48.8566)


def near(metres_east: float) -> Point:
    return Point(PARIS[0] + metres_east / 73_000, PARIS[1], srid=4326)


@pytest.fixture(autouse=True)
def charter_and_cache():
    # Transactional tests flush the charter the migrations published.
    Charter.objects.get_or_create(
        version=1, defaults={"text": "Charte", "published_on": datetime.date(2024, 1, 1)}
    )
    cache.clear()
    yield
    cache.clear()


def assert_nothing_parsed(page, start_url: str) -> None:
    page.wait_for_timeout(1500)  # longer than a 0-second refresh takes
    # The home page keeps its search in the fragment (map.js): any other change of address
    # would be a navigation a name set off.
    assert page.url.split("#")[0] == start_url
    assert page.evaluate("window.hostileNameRan") is None
    assert page.locator("body meta, body img[src='x']").count() == 0
    assert not [url for url in page.foreign_requests if "evil.example" in url]
    assert page.dialogs == []


def hostile_neighbours() -> None:
    PartnerFactory(name=META, status=Status.PENDING, location=near(120))
    PartnerFactory(name=IMG, approved=True, location=near(240))


@pytest.mark.parametrize("status", [Status.PENDING, Status.APPROVED, Status.SUSPENDED])
def test_hostile_neighbour_names_are_text_in_the_admin_map_tooltips(
    page, live_server, admin_user, status
):
    hostile_neighbours()
    extra = {"sticker_number": "75-00001"} if status != Status.PENDING else {}
    viewed = PartnerFactory(name="Librairie du coin", status=status, location=near(0), **extra)
    signin.browser_sign_in(page, live_server, admin_user)

    page.goto(reverse("admin:partners_partner_change", args=[viewed.pk]))
    circles = page.locator(".leaflet-container path.leaflet-interactive")
    circles.first.wait_for()
    assert circles.count() == 2
    start = page.url
    tooltips = []
    for i in range(2):
        circles.nth(i).hover()
        page.wait_for_timeout(1000)  # longer than a 0-second refresh takes
        assert page.url == start
        tooltip = page.locator(".leaflet-tooltip").last
        tooltip.wait_for()
        tooltips.append(tooltip.inner_text())
        page.mouse.move(0, 0)
    assert sorted(tooltips) == sorted(
        [f"{META} ({Status.PENDING.label})", f"{IMG} ({Status.APPROVED.label})"]
    )
    assert_nothing_parsed(page, start)


def close_popup(page, popup) -> None:
    # A click on the close button while the popup's pan is still moving it can land beside the
    # button (seen once in CI): click again until the popup is gone.
    for _ in range(3):
        page.locator(".leaflet-popup-close-button").click()
        try:
            expect(popup).to_be_hidden(timeout=1500)
            return
        except AssertionError:
            continue
    expect(popup).to_be_hidden()


def test_hostile_names_are_text_in_the_home_map_popups(page, live_server):
    # Paris and Marseille: far enough apart to be two pins on the map of mainland France.
    PartnerFactory(name=META, approved=True, location=near(0))
    PartnerFactory(
        name=IMG,
        approved=True,
        department="13",
        postcode="13001",
        city="Marseille",
        location=Point(5.37, 43.30, srid=4326),
    )
    page.goto("/")
    page.wait_for_selector("#map[data-ready]")
    start = page.url
    for name in HOSTILE:
        # Opening a popup pans the map to show it: the next marker is clicked once the map
        # has drawn what the pan brought into view, and this popup is closed.
        page.wait_for_selector("#map[data-ready]")
        page.get_by_title(name, exact=True).click()
        popup = page.locator(".leaflet-popup-content strong").filter(has_text=name)
        expect(popup).to_have_text(name)
        close_popup(page, popup)
    assert_nothing_parsed(page, start)


def test_hostile_names_are_text_in_the_nearest_list(page, live_server):
    for i, name in enumerate(HOSTILE):
        partner = PartnerFactory(name=name, approved=True, location=near(100 + i * 100))
        every_day(partner, "00:00", "23:59")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": PARIS[1], "longitude": PARIS[0]})
    page.goto("/")
    page.wait_for_selector("#map[data-ready]")
    start = page.url
    page.get_by_role("button", name="Me localiser").click()
    page.locator("#results > li").nth(1).wait_for()
    assert sorted(page.locator("#results > li h3").all_inner_texts()) == sorted(HOSTILE)
    assert_nothing_parsed(page, start)


def test_hostile_names_are_text_in_the_public_list_and_detail_pages(page, live_server):
    partners = [
        PartnerFactory(name=name, approved=True, location=near(100 + i * 100))
        for i, name in enumerate(HOSTILE)
    ]
    page.goto("/lieux/?q=75004")
    start = page.url
    assert sorted(page.locator(".result h2 a").all_inner_texts()) == sorted(HOSTILE)
    assert_nothing_parsed(page, start)
    for partner in partners:
        page.goto(f"/lieux/{partner.pk}/")
        assert page.locator("h1").inner_text() == partner.name
        assert_nothing_parsed(page, page.url)
