"""The home page in a phone's browser: one order with /lieux/ and the API, and what it
shows when nothing is open within reach (03:00 in Paris)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from tests.a11y import axe_violations
from tests.factories import OpeningIntervalFactory, PartnerFactory, every_day
from tests.public.test_home_browser import fresh_state  # noqa: F401 (autouse: charter, cache)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Already rounded as the page rounds a position (3 decimals): the API sees this very point.
PARIS = (48.857, 2.352)
# Thursday 3 December 2026, 03:00 and 12:00 in Paris.
PARIS_3AM = datetime.datetime(2026, 12, 3, 2, 0, tzinfo=datetime.UTC)
PARIS_NOON = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=datetime.UTC)


def paris_partner(metres_east: float, **fields):
    return PartnerFactory(
        approved=True,
        location=Point(PARIS[1] + metres_east / 73_000, PARIS[0], srid=4326),
        **fields,
    )


def locate_in_paris(page, path="/"):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": PARIS[0], "longitude": PARIS[1]})
    page.goto(path)
    page.wait_for_selector("#map[data-ready]")
    page.locator("#locate").click()


def home_ids(page) -> list[int]:
    hrefs = page.locator("#results > li h3 a").evaluate_all("links => links.map(a => a.href)")
    return [int(re.search(r"/lieux/(\d+)/", href).group(1)) for href in hrefs]


def test_home_list_page_and_api_give_the_same_places_in_the_same_order(page):
    # Open and closed places mixed, some at the same distance (ties go by id).
    partners = [paris_partner(250 * (i // 2 + 1), name=f"Lieu {i}") for i in range(24)]
    for partner in partners[::3] + partners[1::3]:
        every_day(partner, "08:00", "20:00")
    page.clock.set_fixed_time(PARIS_NOON)
    point = {"lat": PARIS[0], "lon": PARIS[1]}

    with time_machine.travel(PARIS_NOON, tick=False):
        locate_in_paris(page)
        expect(page.locator("#results-title")).to_contain_text("10 lieux sûrs", timeout=30_000)
        home = home_ids(page)
        api = page.request.get("/api/v1/partners/nearest", params={**point, "open_now": "1"})
        page.goto(f"/lieux/?lat={PARIS[0]}&lon={PARIS[1]}&open_now=1")
        listed = [
            int(re.search(r"/lieux/(\d+)/", href).group(1))
            for href in page.locator("ol.results h2 a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
        ]

    api_ids = [result["id"] for result in api.json()["results"]]
    assert len(home) == 10
    assert home == api_ids == listed[:10]
    assert len(listed) == 16  # every open one, nearest first


@pytest.mark.parametrize("language", ["fr", "en"])
def test_home_at_3am_in_paris_shows_what_to_do_now_on_a_phone(page, language):
    library = paris_partner(3200, name="Bibliothèque du Marais")
    every_day(library, "08:00", "19:00")
    paris_partner(800, name="Sans horaires")
    friday = paris_partner(1500, name="Mairie du vendredi")
    OpeningIntervalFactory(partner=friday, weekday=5, opens="07:30", closes="12:00")
    page.set_viewport_size({"width": 360, "height": 740})
    page.clock.set_fixed_time(PARIS_3AM)

    with time_machine.travel(PARIS_3AM, tick=False):
        locate_in_paris(page, "/" if language == "fr" else "/en/")
        status = page.locator("#results-title")
        panel = page.locator("#nothing")
        if language == "fr":
            expect(status).to_have_text("Aucun lieu sûr ouvert à moins de 50 km.", timeout=30_000)
            expect(panel.locator("#nothing-title")).to_have_text("Que faire maintenant")
            expect(panel.locator(".next-open")).to_have_text(
                "Le plus proche ouvre vendredi à 07:30 : Mairie du vendredi, à 1,5 km."
            )
        else:
            expect(status).to_have_text("No safe place open within 50 km.", timeout=30_000)
            expect(panel.locator("#nothing-title")).to_have_text("What to do now")
            expect(panel.locator(".next-open")).to_have_text(
                "The nearest opens Friday at 07:30: Mairie du vendredi, 1.5 km away."
            )
        calls = panel.locator(".call-links a")
        assert calls.count() >= 3
        assert panel.locator('.call-links a[href="tel:17"]').is_visible()
        box = panel.locator('.call-links a[href="tel:17"]').bounding_box()
        assert box["height"] >= 44
        assert box["width"] >= 200
        assert page.locator("#results > li").count() == 0
        assert panel.get_by_role("link", name="Mairie du vendredi").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page) == []
