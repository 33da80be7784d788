"""A town hall adds and removes sites in Chromium, with the script and without it."""

import datetime
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


def site(page, number: int):
    return page.get_by_role("group", name=f"Site {number}", exact=True)


def fill_site(place, name, address, postcode, day):
    place.get_by_label("Nom public du lieu").fill(name)
    place.get_by_label("Adresse (numéro et rue)").fill(address)
    place.get_by_label("Code postal").fill(postcode)
    place.get_by_label("Commune").fill("Lyon")
    place.get_by_label(f"{day}, créneau 1 : ouverture").fill("09:00")
    place.get_by_label(f"{day}, créneau 1 : fermeture").fill("17:00")


def closure_days(start: int, length: int) -> tuple[str, str]:
    """A closure ``start`` days from today, ``length`` days long (the browser's clock is
    not frozen: the form accepts closures within a year)."""
    first = datetime.date.today() + datetime.timedelta(days=start)
    return f"{first}", f"{first + datetime.timedelta(days=length - 1)}"


def fill_closure(place, row: int, days: tuple[str, str], reason: str):
    closure = place.get_by_role("group", name=f"Fermeture {row}", exact=True)
    closure.get_by_label("Premier jour").fill(days[0])
    closure.get_by_label("Dernier jour").fill(days[1])
    closure.get_by_label("Motif").fill(reason)


def closures(partner):
    return [(f"{c.starts}", f"{c.ends}", c.reason) for c in partner.closures.all()]


def fill_organisation(page):
    page.get_by_label("Organisation").fill("Ville de Lyon")
    page.get_by_label("Type de lieu").select_option("town_hall")


def send(page):
    page.get_by_label("Votre nom").fill("Lou Bernard")
    page.get_by_label("Votre e-mail").fill("lou@example.org")
    page.get_by_label("Votre téléphone").fill("06 11 22 33 44")
    page.get_by_label("J'ai lu la charte ci-dessus").check()
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.wait_for_url(re.compile(r"/rejoindre/merci/"))
    return list(Partner.objects.order_by("pk"))


def test_a_town_hall_adds_and_removes_sites_in_the_page(page, live_server):
    page.goto("/rejoindre/formulaire/")
    page.wait_for_selector("#pin-map.leaflet-container")
    fill_organisation(page)
    first = page.get_by_role("group", name="Le lieu", exact=True)
    fill_site(first, "Hôtel de Ville", "1 place de la Comédie", "69001", "Lundi")
    # The pin comes to the town once it is typed; the venue then puts it on its door.
    expect(first.get_by_label("Latitude")).not_to_have_value("")
    first.get_by_label("Latitude").fill("45.76742")
    first.get_by_label("Longitude").fill("4.83598")

    add = page.get_by_role("button", name="Ajouter un autre site")
    add.click()
    # The new site: its own fieldset, its first field focused, named after the organisation.
    name = site(page, 2).get_by_label("Nom public du lieu")
    expect(name).to_be_focused()
    expect(name).to_have_value("Ville de Lyon")
    expect(site(page, 1)).to_be_visible()
    page.wait_for_selector("#site2-pin-map.leaflet-container")
    assert axe_violations(page) == []

    add.click()
    fill_site(site(page, 3), "Mairie du 3e", "215 rue Duguesclin", "69003", "Mardi")
    site(page, 2).get_by_role("button", name="Supprimer le site 2").click()
    # The third is now the second, with what was typed; the focus stays in the form.
    expect(site(page, 2).get_by_label("Nom public du lieu")).to_have_value("Mairie du 3e")
    expect(site(page, 3)).to_have_count(0)
    expect(add).to_be_focused()
    expect(page.locator("#sites-status")).to_have_text("Site 2 est supprimé.")
    # Its own pin, placed from its own address (the town's centre without a geocoder).
    site(page, 2).get_by_role("button", name="Placer le repère d'après l'adresse").click()
    expect(site(page, 2).get_by_label("Latitude")).not_to_have_value("")
    # Its own "same hours as Monday".
    site(page, 2).get_by_label("Lundi, créneau 1 : ouverture").fill("08:00")
    site(page, 2).get_by_label("Lundi, créneau 1 : fermeture").fill("12:00")
    site(page, 2).get_by_label("du lundi au vendredi").check()
    site(page, 2).get_by_role("button", name="Copier les horaires du lundi").click()
    expect(site(page, 2).get_by_label("Jeudi, créneau 1 : ouverture")).to_have_value("08:00")
    expect(site(page, 1).get_by_label("Jeudi, créneau 1 : ouverture")).to_have_value("")
    # Its own closures: fresh rows, under names of its own.
    for row in (1, 2):
        fresh = site(page, 2).get_by_role("group", name=f"Fermeture {row}", exact=True)
        expect(fresh.get_by_label("Premier jour")).to_have_value("")
    expect(page.locator('[name="site3-closure_starts_0"]')).to_have_count(1)
    expect(page.locator('[name*="__key__"]')).to_have_count(0)
    fill_closure(site(page, 1), 1, closure_days(20, 3), "congés")
    fill_closure(site(page, 2), 1, closure_days(40, 14), "travaux")
    fill_closure(site(page, 2), 2, closure_days(90, 1), "")
    assert axe_violations(page) == []

    town_hall, third = send(page)
    assert (town_hall.name, third.name) == ("Hôtel de Ville", "Mairie du 3e")
    assert town_hall.application_key == third.application_key
    assert town_hall.pin_source == PinSource.VENUE
    assert third.pin_source == PinSource.TOWN
    assert third.postcode == "69003"
    assert [i.weekday for i in third.opening_intervals.all()] == [1, 2, 3, 4, 5]
    assert closures(town_hall) == [(*closure_days(20, 3), "congés")]
    assert closures(third) == [(*closure_days(40, 14), "travaux"), (*closure_days(90, 1), "")]
    assert {p.organisation for p in (town_hall, third)} == {"Ville de Lyon"}
    assert page.dialogs == []


def test_sites_are_added_and_removed_without_javascript(chromium, live_server):
    context = chromium.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/rejoindre/formulaire/")
    fill_organisation(page)
    fill_site(page, "Hôtel de Ville", "1 place de la Comédie", "69001", "Lundi")
    add = page.get_by_role("button", name="Ajouter un autre site")
    add.click()
    # The page comes back with site 2, nothing typed lost, and no error yet.
    expect(site(page, 2).get_by_label("Nom public du lieu")).to_be_focused()
    expect(site(page, 1).get_by_label("Adresse (numéro et rue)")).to_have_value(
        "1 place de la Comédie"
    )
    expect(page.get_by_label("Organisation")).to_have_value("Ville de Lyon")
    expect(page.locator("#error-summary")).to_have_count(0)
    fill_site(site(page, 2), "Mairie du 2e", "2 rue d'Enghien", "69002", "Mardi")
    add.click()
    fill_site(site(page, 3), "Mairie du 3e", "215 rue Duguesclin", "69003", "Mercredi")
    fill_closure(site(page, 3), 1, closure_days(30, 2), "inventaire")
    # Enter in a field sends the application, never removes a site.
    site(page, 3).get_by_label("Commune").press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(site(page, 3).get_by_label("Nom public du lieu")).to_have_value("Mairie du 3e")
    site(page, 2).get_by_role("button", name="Supprimer le site 2").click()
    expect(site(page, 2).get_by_label("Nom public du lieu")).to_have_value("Mairie du 3e")
    expect(site(page, 3)).to_have_count(0)
    kept = site(page, 2).get_by_role("group", name="Fermeture 1", exact=True)
    expect(kept.get_by_label("Motif")).to_have_value("inventaire")

    sites = send(page)
    assert [p.name for p in sites] == ["Hôtel de Ville", "Mairie du 3e"]
    assert [closures(p) for p in sites] == [[], [(*closure_days(30, 2), "inventaire")]]
    assert [p.postcode for p in sites] == ["69001", "69003"]
    assert len({p.application_key for p in sites}) == 1
    assert {p.pin_source for p in sites} == {PinSource.TOWN}
    context.close()
