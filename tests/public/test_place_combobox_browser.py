"""The town field's suggestions (static/partners/place-combobox.js) on a 360 px phone:
the WAI-ARIA combobox by keyboard, and the choice among homonyms after a search."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from partners.models import Kind
from tests.a11y import axe_violations
from tests.factories import PartnerFactory

# The home page's tests' own set-up (a charter, a clear cache), autouse here too.
from tests.public.test_home_browser import fresh_state  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
# The server builds the gazetteer's indexes on its first search (a second or two, more
# on a loaded test machine).
FIRST_SEARCH = 30_000


@pytest.fixture
def homonyms():
    """A library in each of Martinique's, La Réunion's and Seine-Saint-Denis's towns."""
    return {
        "972": PartnerFactory(
            approved=True,
            name="Médiathèque de Saint-Pierre (Martinique)",
            kind=Kind.LIBRARY,
            department="972",
            postcode="97250",
            city="Saint-Pierre",
            location=Point(-61.176, 14.742, srid=4326),
        ),
        "974": PartnerFactory(
            approved=True,
            name="Médiathèque de Saint-Pierre (La Réunion)",
            kind=Kind.LIBRARY,
            department="974",
            postcode="97410",
            city="Saint-Pierre",
            location=Point(55.477, -21.340, srid=4326),
        ),
        "93": PartnerFactory(
            approved=True,
            name="Médiathèque de Saint-Denis",
            kind=Kind.LIBRARY,
            department="93",
            postcode="93200",
            city="Saint-Denis",
            location=Point(2.358, 48.936, srid=4326),
        ),
    }


def open_home(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.wait_for_selector("#map[data-ready]")
    # The places' hours do not matter here: every one within reach, whatever the hour.
    page.get_by_label("Ouverts maintenant uniquement").uncheck()


def test_home_combobox_by_keyboard_lists_the_chosen_homonyms_places(page, homonyms):
    open_home(page)
    field = page.get_by_role("combobox", name="Ville ou code postal")
    field.press_sequentially("Saint-Pierre", delay=30)
    listbox = page.get_by_role("listbox", name="Lieux suggérés")
    expect(listbox).to_be_visible(timeout=FIRST_SEARCH)
    expect(field).to_have_attribute("aria-expanded", "true")
    assert field.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = listbox.get_by_role("option")
    expect(options.nth(2)).to_have_text("Saint-Pierre (Martinique)")
    expect(page.locator(".place-combobox [role=status]")).to_contain_text("suggestions")

    for _ in range(3):
        field.press("ArrowDown")
    active = options.nth(2)
    expect(active).to_have_attribute("aria-selected", "true")
    assert field.get_attribute("aria-activedescendant") == active.get_attribute("id")
    # Focus stays in the field; the list is in view on a phone and nothing is found wrong.
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert listbox.bounding_box()["y"] + 40 < PHONE["height"]
    assert axe_violations(page) == []

    field.press("Enter")

    expect(page.locator("#results-title")).to_contain_text(
        "près de Saint-Pierre (Martinique)", timeout=30_000
    )
    expect(listbox).to_be_hidden()
    expect(field).to_have_value("Saint-Pierre (Martinique)")
    assert page.locator("#search input[name=place]").input_value() == "97225"
    first = page.locator("#results > li h3").first
    expect(first).to_have_text("Médiathèque de Saint-Pierre (Martinique)")


def test_escape_closes_the_suggestions_and_keeps_the_text(page, homonyms):
    open_home(page)
    field = page.get_by_role("combobox", name="Ville ou code postal")
    field.press_sequentially("Saint-Den", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible(timeout=FIRST_SEARCH)
    field.press("ArrowDown")

    field.press("Escape")

    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    assert field.get_attribute("aria-activedescendant") is None
    expect(field).to_have_value("Saint-Den")
    assert page.url.endswith("/")


def test_home_search_with_homonyms_offers_the_choice_instead_of_the_first(page, homonyms):
    open_home(page)
    field = page.get_by_role("combobox", name="Ville ou code postal")
    field.fill("Saint-Denis")
    page.get_by_role("button", name="Rechercher", exact=True).click()

    status = page.locator("#results-status")
    expect(status).to_have_text(
        "Plusieurs lieux correspondent à « Saint-Denis » : choisissez", timeout=FIRST_SEARCH
    )
    choices = page.locator("#results .place-choice a")
    expect(choices.first).to_be_visible()
    labels = choices.all_inner_texts()
    assert set(labels[:2]) == {"Saint-Denis (Seine-Saint-Denis, 93)", "Saint-Denis (La Réunion)"}
    assert page.locator("#results > li.result").count() == 0
    # No suggestion still on its way reopens the list over the choice.
    page.wait_for_timeout(500)
    expect(page.get_by_role("listbox")).to_be_hidden()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Saint-Denis (Seine-Saint-Denis, 93)").click()

    expect(page.locator("#results-title")).to_contain_text(
        "près de Saint-Denis (Seine-Saint-Denis, 93)", timeout=30_000
    )
    expect(page.locator("#results > li h3").first).to_have_text("Médiathèque de Saint-Denis")


def test_list_page_combobox_carries_the_chosen_place_in_the_url(page, homonyms):
    page.set_viewport_size(PHONE)
    page.goto("/lieux/?kind=public")
    field = page.get_by_role("combobox", name="Ville, code postal ou adresse")
    field.press_sequentially("Saint-Pierre", delay=30)
    spm = page.get_by_role("option", name="Saint-Pierre (Saint-Pierre-et-Miquelon)")
    expect(spm).to_be_visible(timeout=FIRST_SEARCH)
    field.press("ArrowDown")
    field.press("ArrowDown")

    with page.expect_navigation():
        field.press("Enter")

    query = parse_qs(urlsplit(page.url).query)
    assert query["place"] == ["97502"]
    assert query["q"] == ["Saint-Pierre (Saint-Pierre-et-Miquelon)"]
    assert query["kind"] == ["public"]
    expect(page.locator("p.place")).to_have_text(
        re.compile("Lieux sûrs près de Saint-Pierre \\(Saint-Pierre-et-Miquelon\\)")
    )
