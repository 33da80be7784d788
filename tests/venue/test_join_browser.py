"""The whole journey in Chromium: read, fill in, fix errors, send, confirm by email."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from partners.models import Partner, Status
from tests.a11y import axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
first_charter = importlib.import_module("partners.migrations.0003_first_charter")


@pytest.fixture
def join_settings(settings):
    settings.JOIN_FORM_MIN_SECONDS = 1
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@flag.example"]
    cache.clear()
    # Transactional tests flush the database, the charter of the data migration with it.
    first_charter.add_first_charter(apps, None)


def test_a_venue_joins_from_the_form_to_the_staff_queue(page, live_server, join_settings):
    page.goto("/rejoindre/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Remplir le formulaire de candidature").click()
    page.wait_for_selector("#pin-map.leaflet-container")
    assert axe_violations(page) == []

    page.get_by_label("Nom public du lieu").fill("Café des Allié·es")
    page.get_by_label("Type de lieu").select_option("bar_restaurant")
    page.get_by_label("Numéro SIRET").fill("73282932000075")  # a wrong checksum
    page.get_by_label("Adresse (numéro et rue)").fill("5 rue Sainte-Catherine")
    page.get_by_label("Code postal").fill("33000")
    page.get_by_label("Commune").fill("Bordeaux")
    page.get_by_label("Téléphone public").fill("05 56 00 00 00")
    page.get_by_label("Lundi, créneau 1 : ouverture").fill("08:00")
    page.get_by_label("Lundi, créneau 1 : fermeture").fill("12:00")
    page.get_by_label("Lundi, créneau 2 : ouverture").fill("14:00")
    page.get_by_label("Lundi, créneau 2 : fermeture").fill("19:00")
    # The script adds a third interval on Monday.
    page.get_by_role("button", name="Ajouter un créneau – Lundi").click()
    page.get_by_label("Lundi, créneau 3 : ouverture").fill("21:00")
    page.get_by_label("Lundi, créneau 3 : fermeture").fill("01:00")
    page.get_by_label("Dimanche : fermé").check()
    # The pin comes from the address, through the server.
    page.get_by_role("button", name="Placer le repère d'après l'adresse").click()
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    assert float(page.get_by_label("Latitude").input_value()) == pytest.approx(44.84, abs=0.05)
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.get_by_label("Votre nom").fill("Sam Durand")
    page.get_by_label("Votre e-mail").fill("sam@@example.org")
    page.get_by_label("Votre téléphone").fill("06 11 22 33 44")
    page.get_by_label("J'ai lu la charte ci-dessus").check()
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.get_by_role("button", name="Envoyer la candidature").click()

    # Errors: a summary that links to each field, and everything typed kept.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert "Ce numéro SIRET n'est pas valide" in summary.inner_text()
    assert "Saisissez une adresse e-mail" in summary.inner_text()
    assert page.get_by_label("Numéro SIRET").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Lundi, créneau 3 : fermeture").input_value() == "01:00"
    assert page.get_by_label("Commune").input_value() == "Bordeaux"
    assert page.get_by_label("Latitude").input_value() != ""
    assert axe_violations(page) == []
    assert Partner.objects.count() == 0

    summary.get_by_role("link", name=re.compile("Numéro SIRET")).click()
    assert page.evaluate("document.activeElement.name") == "siret"
    page.get_by_label("Numéro SIRET").fill("73282932000074")
    page.get_by_label("Votre e-mail").fill("sam@example.org")
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer la candidature").click()

    page.wait_for_url(re.compile(r"/rejoindre/merci/ELS-\d+/"))
    partner = Partner.objects.get()
    assert partner.reference in page.locator("main").inner_text()
    assert partner.status == Status.UNCONFIRMED
    assert [
        (i.weekday, f"{i.opens:%H:%M}", f"{i.closes:%H:%M}")
        for i in partner.opening_intervals.all()
    ] == [
        (1, "08:00", "12:00"),
        (1, "14:00", "19:00"),
        (1, "21:00", "01:00"),
    ]

    # The email, sent once the application was committed.
    (email,) = mail.outbox
    assert email.to == ["sam@example.org"]
    link = re.search(r"http://\S+/rejoindre/confirmer/\S+/", email.body)[0]
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.wait_for_url(re.compile(r"/mon-lieu/"))
    assert "En cours d'examen" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    partner.refresh_from_db()
    assert partner.status == Status.PENDING
    assert any(m.to == ["equipe@flag.example"] for m in mail.outbox)
    assert page.dialogs == []
    assert all("tile.openstreetmap.org" in url for url in page.foreign_requests)


def test_the_form_works_without_javascript(chromium, live_server, join_settings):
    context = chromium.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/rejoindre/formulaire/")
    assert page.locator("#pin-map").is_hidden()
    page.get_by_label("Nom public du lieu").fill("Médiathèque du Port")
    page.get_by_label("Type de lieu").select_option("library")
    page.get_by_label("Adresse (numéro et rue)").fill("2 rue du Port")
    page.get_by_label("Code postal").fill("97420")
    page.get_by_label("Commune").fill("Le Port")
    page.get_by_label("Mardi, créneau 1 : ouverture").fill("09:00")
    page.get_by_label("Mardi, créneau 1 : fermeture").fill("17:00")
    page.get_by_label("Votre nom").fill("Noa Hoarau")
    page.get_by_label("Votre e-mail").fill("noa@example.org")
    page.get_by_label("Votre téléphone").fill("0692 12 34 56")
    page.get_by_label("J'ai lu la charte ci-dessus").check()
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.wait_for_url(re.compile(r"/rejoindre/merci/"))
    partner = Partner.objects.get()
    assert partner.department == "974"
    assert str(partner.contact_phone) == "+262692123456"
    assert partner.location.y == pytest.approx(-20.94, abs=0.1)  # the town, from the gazetteer
    context.close()
