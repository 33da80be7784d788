import re

import pytest

from partners.domain import links
from partners.models import Charter, Report
from tests.a11y import axe_violations
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_form_by_keyboard_is_accessible_and_lands_in_the_admin(page):
    partner = PartnerFactory(approved=True, name="Café Lumière")
    page.goto(f"/lieux/{partner.pk}/signaler/")
    assert axe_violations(page) == []

    page.keyboard.press("Tab")  # skip link
    page.get_by_label("Le lieu a déménagé").check()
    page.get_by_label(re.compile("Précisions")).fill("Rue voisine")
    page.get_by_role("button", name="Envoyer le signalement").click()

    page.wait_for_selector("h1:has-text('Merci')")
    report = Report.objects.get()
    assert (report.partner, report.reason, report.message) == (partner, "moved", "Rue voisine")


def test_reconfirmation_page_is_accessible(page):
    # transaction=True empties the tables after each test, the first charter included.
    charter, _ = Charter.objects.get_or_create(
        version=1, defaults={"text": "Accueillir.", "published_on": "2026-01-01"}
    )
    partner = PartnerFactory(approved=True, charter=charter)
    page.goto(links.path(partner, links.RECONFIRM))
    assert axe_violations(page) == []
    page.get_by_label(re.compile("Nous respectons toujours la charte")).check()
    page.get_by_role("button", name="Je confirme").click()
    page.wait_for_selector("h1:has-text('Merci')")
    partner.refresh_from_db()
    assert partner.reconfirmed_at is not None
