"""A venue puts its pin on its door, on a phone (360 px), when no geocoder could: by
dragging it, with its position, or, without JavaScript, by leaving it to staff."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import Partner, PinSource
from tests.a11y import axe_violations
from tests.venue.test_join_browser import join_settings  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("join_settings"),
]
PHONE = {"width": 360, "height": 740}
LYON = (45.7640, 4.8357)  # the gazetteer's point for 69001 Lyon is elsewhere


def fill_application(page):
    page.get_by_label("Nom public du lieu").fill("Boulangerie de la Martinière")
    page.get_by_label("Type de lieu").select_option("shop")
    page.get_by_label("Numéro SIRET").fill("73282932000074")
    page.get_by_label("Adresse (numéro et rue)").fill("8 rue de la Martinière")
    page.get_by_label("Code postal").fill("69001")
    page.get_by_label("Commune").fill("Lyon")
    page.get_by_label("Commune").press("Tab")
    page.get_by_label("Mardi, créneau 1 : ouverture").fill("07:00")
    page.get_by_label("Mardi, créneau 1 : fermeture").fill("19:30")


def fill_contact_and_send(page):
    page.get_by_label("Votre nom").fill("Lou Bernard")
    page.get_by_label("Votre e-mail").fill("lou@example.org")
    page.get_by_label("Votre téléphone").fill("06 11 22 33 44")
    page.get_by_label("J'ai lu la charte ci-dessus").check()
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.wait_for_url(re.compile(r"/rejoindre/merci/"))
    return Partner.objects.get()


def test_without_a_geocoder_the_venue_is_asked_to_drag_the_pin_onto_its_door(
    page, live_server, settings
):
    settings.GEOCODER_URL = ""
    page.set_viewport_size(PHONE)
    page.goto("/rejoindre/formulaire/")
    page.wait_for_selector("#pin-map.leaflet-container")
    expect(page.locator("#pin-help-nojs")).to_be_hidden()
    fill_application(page)
    # Once the town is typed, the pin comes at its centre, with a request to move it.
    status = page.locator("#pin-status")
    expect(status).to_contain_text("Faites-le glisser jusqu'à votre porte")
    town = float(page.get_by_label("Latitude").input_value())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    marker = page.locator(".leaflet-marker-icon")
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 40, steps=8)
    page.mouse.up()
    expect(status).to_contain_text("Le repère a bougé")
    dragged = float(page.get_by_label("Latitude").input_value())
    assert dragged < town  # dragged down the screen: south

    partner = fill_contact_and_send(page)
    assert partner.pin_source == PinSource.VENUE
    assert partner.location.y == pytest.approx(dragged)


def test_a_venue_on_site_uses_its_position(page, live_server, settings):
    settings.GEOCODER_URL = ""
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": LYON[0], "longitude": LYON[1]})
    page.goto("/rejoindre/formulaire/")
    page.wait_for_selector("#pin-map.leaflet-container")
    fill_application(page)
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("#pin-status")).to_contain_text("Le repère est à votre position")
    assert float(page.get_by_label("Latitude").input_value()) == pytest.approx(LYON[0])
    partner = fill_contact_and_send(page)
    assert partner.pin_source == PinSource.VENUE
    assert (partner.location.y, partner.location.x) == pytest.approx(LYON)


def test_without_javascript_the_form_explains_and_the_pin_waits_for_staff(
    chromium, live_server, settings
):
    settings.GEOCODER_URL = ""
    context = chromium.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/rejoindre/formulaire/")
    expect(page.locator("#pin-help-nojs")).to_be_visible()
    expect(page.locator("#pin-help-nojs")).to_contain_text("appui long sur votre porte")
    expect(page.get_by_role("button", name="Utiliser ma position")).to_be_hidden()
    fill_application(page)
    partner = fill_contact_and_send(page)
    assert partner.pin_source == PinSource.TOWN
    context.close()
