"""A région's coordinator in Chromium: signed in, they see their région's coverage with its
target, invite a candidate of their région, and are refused another région's candidate."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from partners.models import CommuneCoverage, CoverageRun, CoverageTarget
from tests.a11y import axe_violations
from tests.factories import CandidateFactory
from tests.signin import browser_sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_coordinator_works_in_their_region_only(page, live_server, make_coordinator):
    run = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 6, 15),
        weekday_night=datetime.date(2026, 6, 17),
        saturday_night=datetime.date(2026, 6, 20),
        partners=1,
    )
    # Rennes 300 m from a partner, Brest none: 60.5 % of Bretagne within 5 km.
    CommuneCoverage.objects.create(
        run=run, insee="35238", department="35", population=230_000, nearest_day=300
    )
    CommuneCoverage.objects.create(run=run, insee="29019", department="29", population=150_000)
    CommuneCoverage.objects.create(
        run=run, insee="69123", department="69", population=520_000, nearest_day=400
    )
    CoverageTarget.objects.create(
        region="Bretagne", share=75, by=datetime.date(2030, 12, 31), moment="day"
    )
    CoverageTarget.objects.create(
        region="Auvergne-Rhône-Alpes", share=95, by=datetime.date(2030, 12, 31), moment="day"
    )
    CandidateFactory(name="Mairie - Brest", department="29", email="accueil@brest.bzh")
    lyon = CandidateFactory(name="Mairie - Villeurbanne", department="69", city="Villeurbanne")
    browser_sign_in(page, live_server, make_coordinator())

    page.goto("/admin/partners/partner/coverage/")
    targets = page.get_by_role("region", name="Objectifs")
    expect(targets.get_by_role("row")).to_have_count(2)  # the header, and Bretagne's
    bretagne = targets.get_by_role("row", name="Bretagne")
    expect(bretagne).to_contain_text("60,5")
    expect(bretagne).to_contain_text("Pas encore : 14,5 points à gagner d’ici le 31 décembre 2030")
    expect(page.locator("main")).not_to_contain_text("Rhône")
    assert axe_violations(page) == []

    page.goto("/admin/partners/candidate/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mairie - Brest")
    rows.first.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(
        label="Inviter à adhérer (courriel avec une candidature préremplie)"
    )
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 invitation envoyée.")
    assert [email.to for email in mail.outbox] == [["accueil@brest.bzh"]]

    page.goto(f"/admin/partners/candidate/{lyon.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("n’existe pas")
    expect(page.locator("main")).not_to_contain_text("Villeurbanne")
