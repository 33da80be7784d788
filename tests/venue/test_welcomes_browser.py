"""A venue records a welcome on a phone (360 px), then deletes it; the public figures and
the staff's figures in Chromium."""

import re
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from partners.domain import links
from partners.models import ReviewerScope, Welcome
from partners.services import decisions
from tests.a11y import axe_violations
from tests.factories import PartnerFactory
from tests.signin import browser_sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PHONE = {"width": 360, "height": 740}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_venue_records_a_welcome_on_a_phone_then_deletes_it(page, live_server):
    partner = decisions.approve_partner(partner=PartnerFactory(name="Café des Halles"))
    page.set_viewport_size(PHONE)
    page.goto(f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/")
    page.get_by_role("link", name="Nous avons accueilli une personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nous avons accueilli une personne")
    assert fits(page)
    assert axe_violations(page) == []

    # Sent without an answer: the errors, in French, and the same page.
    page.get_by_role("button", name="Enregistrer cet accueil").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choisissez le type d’agression")
    assert fits(page)
    assert axe_violations(page) == []

    page.get_by_role("group", name="Type d’agression").get_by_label("LGBT+phobe").check()
    police = page.get_by_role("group", name="La police a-t-elle été appelée (17 ou 112) ?")
    delay = page.get_by_role("group", name=re.compile("combien de temps"))
    # How long the police took is asked once they were called, and again after a "No".
    expect(delay).to_be_hidden()
    police.get_by_label("Oui").check()
    delay.get_by_label("Moins de 10 minutes").check()
    police.get_by_label("Non", exact=True).check()
    expect(delay).to_be_hidden()
    police.get_by_label("Oui").check()
    expect(delay.get_by_label("Moins de 10 minutes")).to_be_checked()
    delay.get_by_label("De 30 minutes à une heure").check()
    page.get_by_role("group", name=re.compile("restée")).get_by_label("Non précisé").check()
    page.get_by_role("button", name="Enregistrer cet accueil").click()

    expect(page.locator(".messages")).to_contain_text("l’accueil est enregistré")
    welcome = Welcome.objects.get()
    assert (welcome.kind, welcome.police_called, welcome.police_delay, welcome.stayed) == (
        "lgbt_phobic",
        "yes",
        "30_60",
        "not_said",
    )
    assert fits(page)

    page.get_by_role("link", name=re.compile("Supprimer l’enregistrement du")).click()
    page.get_by_role("button", name="Supprimer cet enregistrement").click()
    expect(page.locator(".messages")).to_contain_text("L’enregistrement est supprimé.")
    assert not Welcome.objects.exists()


def test_without_javascript_the_delay_given_with_a_no_is_refused_and_kept(chromium, live_server):
    partner = decisions.approve_partner(partner=PartnerFactory(name="Café des Halles"))
    context = chromium.new_context(
        java_script_enabled=False, locale="fr-FR", base_url=live_server.url, viewport=PHONE
    )
    page = context.new_page()
    page.goto(f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/accueils/")
    delay = page.get_by_role("group", name=re.compile("Seulement si la police a été appelée"))
    expect(delay).to_be_visible()
    page.get_by_role("group", name="Type d’agression").get_by_label("Raciste").check()
    police = page.get_by_role("group", name="La police a-t-elle été appelée (17 ou 112) ?")
    police.get_by_label("Non", exact=True).check()
    delay.get_by_label("Plus d’une heure").check()
    page.get_by_role("group", name=re.compile("restée")).get_by_label("Oui").check()
    page.get_by_role("button", name="Enregistrer cet accueil").click()

    expect(page.get_by_role("alert")).to_contain_text("choisissez « Oui » plus haut")
    expect(police.get_by_label("Non", exact=True)).to_be_checked()
    expect(delay.get_by_label("Plus d’une heure")).to_be_checked()
    assert not Welcome.objects.exists()
    delay.get_by_label("Pas de réponse : la police n’a pas été appelée").check()
    page.get_by_role("button", name="Enregistrer cet accueil").click()
    expect(page.locator(".messages")).to_contain_text("l’accueil est enregistré")
    welcome = Welcome.objects.get()
    assert (welcome.kind, welcome.police_called, welcome.police_delay) == ("racist", "no", "")
    assert fits(page)
    context.close()


def test_a_venue_records_a_welcome_in_english_on_a_phone(page, live_server):
    partner = decisions.approve_partner(partner=PartnerFactory(name="Café des Halles"))
    page.set_viewport_size(PHONE)
    page.goto(f"/en/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/")
    page.get_by_role("link", name="We welcomed someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We welcomed someone")
    assert fits(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Record this welcome").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the kind of aggression")
    assert fits(page)
    page.get_by_role("group", name="Kind of aggression").get_by_label("Domestic violence").check()
    police = page.get_by_role("group", name="Were the police called (17 or 112)?")
    police.get_by_label("Yes").check()
    delay = page.get_by_role("group", name=re.compile("Only if the police were called"))
    delay.get_by_label("10 to 30 minutes").check()
    page.get_by_role("group", name="Did the person stay until help came?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Record this welcome").click()
    expect(page.locator(".messages")).to_be_visible()
    assert fits(page)
    assert axe_violations(page) == []
    welcome = Welcome.objects.get()
    assert (welcome.kind, welcome.police_delay, welcome.stayed) == ("domestic", "10_30", "yes")
    page.get_by_role("link", name=re.compile("Delete the record of")).click()
    assert fits(page)
    page.get_by_role("button", name="Delete this record").click()
    expect(page.locator(".messages")).to_be_visible()
    assert not Welcome.objects.exists()


def test_the_public_figures_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/a-propos/")
    page.get_by_role("link", name="Voir les chiffres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le réseau en chiffres")
    expect(page.get_by_role("table", name="Accueils par région")).to_be_visible()
    assert fits(page)
    assert axe_violations(page) == []


def test_a_read_only_account_reads_the_welcomes_figures(page, live_server, django_user_model):
    user = django_user_model.objects.create_user(username="mairie@lyon.example", is_staff=True)
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    # A transactional test empties the tables the migrations filled: the group again.
    group, _ = Group.objects.get_or_create(name="Read-only")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="partners",
            codename__in=import_module(
                "partners.migrations.0024_read_only_group"
            ).READ_ONLY_PERMISSIONS,
        )
    )
    user.groups.add(group)
    ReviewerScope.objects.create(user=user, departments=["69"])
    browser_sign_in(page, live_server, user)
    page.goto("/admin/")
    page.get_by_role("link", name="Accueils").first.click()
    page.get_by_role("link", name="Chiffres").click()
    expect(page.get_by_role("table", name="Accueils par département et par mois")).to_be_visible()
    expect(page.get_by_text("Télécharger")).to_have_count(0)
    assert axe_violations(page) == []


def test_a_read_only_account_reads_partners_and_welcomes_in_english_on_a_phone(
    page, live_server, django_user_model
):
    lyon = decisions.approve_partner(
        partner=PartnerFactory(
            name="Librairie des Terreaux", department="69", postcode="69001", city="Lyon"
        )
    )
    Welcome.objects.create(
        partner=lyon,
        on=lyon.local_time().date(),
        kind="racist",
        police_called="yes",
        police_delay="10_30",
        stayed="yes",
    )
    user = django_user_model.objects.create_user(username="mairie@lyon.example", is_staff=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    user.groups.add(Group.objects.get(name="Read-only"))
    ReviewerScope.objects.create(user=user, departments=["69"])
    browser_sign_in(page, live_server, user)
    page.set_viewport_size(PHONE)
    page.goto("/en/admin/")
    page.get_by_role("link", name="Partners").first.click()
    page.get_by_role("link", name="Approved").click()
    expect(page.get_by_role("link", name="Coverage")).to_have_count(0)
    assert fits(page)
    page.get_by_role("link", name="Librairie des Terreaux").click()
    expect(page.get_by_role("heading", name="View partner")).to_be_visible()
    expect(page.get_by_text("(latitude, longitude)")).to_be_visible()
    for edit_only in ("History", "Confirm pin", "Edit reason"):
        expect(page.get_by_text(edit_only, exact=True)).to_have_count(0)
    assert fits(page)
    # (No axe run here: Django's tabular inlines, the hours and closures, have header
    # cells left empty, on every partner's page.)

    page.goto("/en/admin/partners/welcome/")
    page.get_by_role("link", name="Figures").click()
    region = page.get_by_role("region", name="Welcomes per département and month")
    expect(region).to_be_visible()
    # The twelve months scroll within their table, not the page.
    assert fits(page)
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Welcomes", exact=True).click()
    page.locator("#result_list tbody").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="View welcome")).to_be_visible()
    expect(page.get_by_text("10 to 30 minutes")).to_be_visible()
    assert fits(page)
