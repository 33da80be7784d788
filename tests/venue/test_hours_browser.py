"""A venue copies Monday's hours and opens 24 hours a day on Sunday, on a phone (360 px),
with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from partners.models import Partner
from tests.a11y import axe_violations
from tests.venue.test_join_browser import join_settings  # noqa: F401 (a fixture)
from tests.venue.test_pin_browser import PHONE, fill_contact_and_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("join_settings"),
]


def fill_venue(page):
    page.get_by_label("Nom public du lieu").fill("Pharmacie de nuit des Terreaux")
    page.get_by_label("Type de lieu").select_option("pharmacy")
    page.get_by_label("Numéro SIRET").fill("73282932000074")
    page.get_by_label("Adresse (numéro et rue)").fill("2 place des Terreaux")
    page.get_by_label("Code postal").fill("69001")
    page.get_by_label("Commune").fill("Lyon")
    page.get_by_label("Lundi, créneau 1 : ouverture").fill("08:30")
    page.get_by_label("Lundi, créneau 1 : fermeture").fill("12:30")
    page.get_by_label("Lundi, créneau 2 : ouverture").fill("14:00")
    page.get_by_label("Lundi, créneau 2 : fermeture").fill("20:00")
    page.get_by_label("Latitude").fill("45.76742")
    page.get_by_label("Longitude").fill("4.83385")


def hours(partner):
    return [
        (i.weekday, f"{i.opens:%H:%M}", f"{i.closes:%H:%M}")
        for i in partner.opening_intervals.all()
    ]


EXPECTED = [
    *[(day, *t) for day in range(1, 6) for t in (("08:30", "12:30"), ("14:00", "20:00"))],
    (7, "00:00", "00:00"),
]


def test_a_venue_copies_mondays_hours_with_the_button(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/rejoindre/formulaire/")
    page.wait_for_selector("#pin-map.leaflet-container")
    fill_venue(page)
    # Monday's third interval (added by the script) is copied too.
    page.get_by_role("button", name="Ajouter un créneau – Lundi").click()
    page.get_by_label("Lundi, créneau 3 : ouverture").fill("21:00")
    page.get_by_label("Lundi, créneau 3 : fermeture").fill("23:00")
    page.get_by_label("du lundi au vendredi").check()
    page.get_by_role("button", name="Copier les horaires du lundi").click()
    expect(page.locator("#copy-monday [role=status]")).to_contain_text("sont copiés")
    expect(page.get_by_label("Vendredi, créneau 2 : fermeture")).to_have_value("20:00")
    expect(page.get_by_label("Mercredi, créneau 3 : ouverture")).to_have_value("21:00")
    expect(page.get_by_label("Samedi, créneau 1 : ouverture")).to_have_value("")
    # The venue adjusts a copied day: Friday closes at 19:00.
    page.get_by_label("Vendredi, créneau 2 : fermeture").fill("19:00")
    page.get_by_label("Samedi : fermé").check()
    page.get_by_label("Dimanche : ouvert 24 h/24").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    partner = fill_contact_and_send(page)
    expected = [
        *[(day, *t) for day in range(1, 6) for t in (("08:30", "12:30"), ("14:00", "20:00"))],
        *[(day, "21:00", "23:00") for day in range(1, 6)],
        (7, "00:00", "00:00"),
    ]
    expected[expected.index((5, "14:00", "20:00"))] = (5, "14:00", "19:00")
    assert hours(partner) == sorted(expected)


def test_without_javascript_the_copy_is_made_when_the_form_is_sent(chromium, live_server):
    context = chromium.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/rejoindre/formulaire/")
    expect(page.get_by_role("button", name="Copier les horaires du lundi")).to_have_count(0)
    fill_venue(page)
    page.get_by_label("du lundi au vendredi").check()
    page.get_by_label("Samedi : fermé").check()
    page.get_by_label("Dimanche : ouvert 24 h/24").check()
    partner = fill_contact_and_send(page)
    assert hours(partner) == EXPECTED
    assert Partner.objects.count() == 1
    context.close()
