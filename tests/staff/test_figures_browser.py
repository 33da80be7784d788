"""The figures page's charts in Chromium: drawn under the CSP, accessible (axe), readable."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.services import decisions
from tests.a11y import axe_violations
from tests.factories import PartnerFactory
from tests.signin import browser_sign_in
from tests.staff.test_pending_changes_browser import RECORD_VIOLATIONS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_charts_are_drawn_and_accessible(page, live_server, make_reviewer, tmp_path):
    for _ in range(3):
        decisions.approve_partner(partner=PartnerFactory())
    PartnerFactory(department="974", postcode="97400", city="Saint-Denis")
    page.add_init_script(RECORD_VIOLATIONS)
    browser_sign_in(page, live_server, make_reviewer())

    page.goto(reverse("admin:partners_partner_figures"))
    charts = page.get_by_role("img", name="Candidatures et décisions par mois")
    expect(charts).to_be_visible()
    expect(page.get_by_role("img", name="Lieux acceptés par département")).to_be_visible()
    expect(page.get_by_role("img", name="Délais d'examen par mois (jours)")).to_be_visible()
    expect(
        page.get_by_role("table", name="Lieux acceptés par département : les chiffres")
    ).to_be_visible()
    assert page.locator("svg[role=img] rect title").count() > 12
    # Paris's circle, drawn; La Réunion's pending partner counted nowhere.
    expect(page.locator("circle.map-partners")).to_have_count(1)
    expect(page.locator("circle.map-partners title")).to_have_text("Paris : 3")
    box = page.locator("circle.map-partners").bounding_box()
    assert box["width"] > 30  # the largest circle, 36 px across at full size
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Télécharger « Lieux acceptés par département » (Excel .xlsx)"
        ).click()
    assert download.value.suggested_filename == "chiffres-territories.xlsx"
    assert axe_violations(page) == []
    assert page.evaluate("window.cspViolations") == []
    page.screenshot(path=str(tmp_path / "figures.png"), full_page=True)
