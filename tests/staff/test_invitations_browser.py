"""From "where are we missing" to "joined", in Chromium: staff filter the candidates of a
white zone and invite one; the candidate opens the emailed link, finds the application
filled in, sends it; it is "applied", then "joined" once staff approve it."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from partners.models import Candidate, CandidateSource, CandidateStatus, Kind, Partner
from partners.services import applications, decisions
from tests.a11y import axe_violations
from tests.factories import PartnerFactory
from tests.signin import browser_sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# The staff's words in each language (the invited organisation's form stays French: the
# email's link is the French page).
WORDS = {
    "fr": {
        "prefix": "",
        "white_zone": "aucun lieu à moins de 5 km",
        "invite": "Inviter à adhérer (courriel avec une candidature préremplie)",
        "sent": "1 invitation envoyée.",
        "joined": "A rejoint le réseau",
    },
    "en": {
        "prefix": "/en",
        "white_zone": "no partner within 5 km",
        "invite": "Invite to apply (email with a prefilled application)",
        "sent": "1 invitation sent.",
        "joined": "Joined",
    },
}


def _candidate(name, city, department, point, email) -> Candidate:
    return Candidate.objects.create(
        source=CandidateSource.ANNUAIRE,
        source_id=name,
        name=name,
        kind=Kind.TOWN_HALL,
        address="2 place de la Mairie",
        postcode="23150" if city == "Ahun" else "78190",
        city=city,
        insee_code="23001" if city == "Ahun" else "78621",
        department=department,
        location=point,
        email=email,
        phone="05 55 62 40 24",
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_invite_a_white_zone_and_the_candidate_joins(
    page, live_server, verified_staff, settings, language
):
    words = WORDS[language]
    settings.JOIN_FORM_MIN_SECONDS = 0
    settings.SITE_URL = live_server.url
    cache.clear()
    ahun = _candidate(
        "Mairie - Ahun", "Ahun", "23", Point(2.04468, 46.08613, srid=4326), "mairie@ahun.fr"
    )
    _candidate(
        "Mairie - Trappes",
        "Trappes",
        "78",
        Point(1.99396, 48.77529, srid=4326),
        "mairie@trappes.fr",
    )
    PartnerFactory(approved=True, location=Point(1.9535, 48.7760, srid=4326), department="78")
    browser_sign_in(page, live_server, verified_staff)

    # Staff: the white zones, then the invitation.
    page.goto(words["prefix"] + "/admin/partners/candidate/")
    page.get_by_role("link", name=words["white_zone"]).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mairie - Ahun")
    assert axe_violations(page) == []
    rows.first.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=words["invite"])
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text(words["sent"])
    (email,) = mail.outbox
    assert email.to == ["mairie@ahun.fr"]

    # The candidate: the link, the application already filled in.
    page.context.clear_cookies()
    page.goto(re.search(r"http://\S+/rejoindre/invitation/[^/\s]+/", email.body)[0])
    expect(page.get_by_label("Nom public du lieu")).to_have_value("Mairie - Ahun")
    expect(page.get_by_label("Adresse (numéro et rue)")).to_have_value("2 place de la Mairie")
    expect(page.get_by_label("Code postal")).to_have_value("23150")
    expect(page.get_by_label("Commune")).to_have_value("Ahun")
    expect(page.get_by_label("Votre e-mail")).to_have_value("mairie@ahun.fr")
    ahun.refresh_from_db()
    assert ahun.status == CandidateStatus.OPENED
    assert axe_violations(page) == []
    page.get_by_label("Lundi, créneau 1 : ouverture").fill("08:30")
    page.get_by_label("Lundi, créneau 1 : fermeture").fill("17:00")
    page.get_by_label("Votre nom").fill("Dominique Laroche")
    page.get_by_label("Votre téléphone").fill("05 55 62 40 24")
    page.get_by_label("J'ai lu la charte ci-dessus").check()
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.get_by_role("button", name="Envoyer la candidature").click()
    page.wait_for_url(re.compile(r"/rejoindre/merci/"))

    partner = Partner.objects.get(name="Mairie - Ahun")
    ahun.refresh_from_db()
    assert (ahun.status, ahun.partner) == (CandidateStatus.APPLIED, partner)
    assert partner.kind == Kind.TOWN_HALL
    assert partner.location.coords == (2.04468, 46.08613)

    # Confirmed and approved: joined, as the admin shows it.
    decisions.approve_partner(partner=applications.confirm_email(partner=partner))
    browser_sign_in(page, live_server, verified_staff)
    page.goto(f"{words['prefix']}/admin/partners/candidate/{ahun.pk}/change/")
    expect(page.locator("main")).to_contain_text(words["joined"])
    ahun.refresh_from_db()
    assert ahun.status == CandidateStatus.JOINED
