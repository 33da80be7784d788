"""A reviewer works through the queue of venues' proposed changes in Chromium: applies one
(public at once), refuses another with a reason, under the CSP and with axe's approval."""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from playwright.sync_api import expect

from partners.models import Partner
from partners.services import decisions, selfservice
from tests import signin
from tests.a11y import axe_violations
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def proposed(name, new_name, **more):
    partner = decisions.approve_partner(
        partner=PartnerFactory(name=name, contact_email=f"{new_name[:4].lower()}@example.org")
    )
    return selfservice.update_partner(partner=partner, changes={"name": new_name, **more})


def test_a_reviewer_applies_one_change_and_refuses_another(page, live_server, make_reviewer):
    page.add_init_script(RECORD_VIOLATIONS)
    moved = proposed(
        "Boulangerie du Marais",
        "Boulangerie Rénovée",
        address="12 rue des Archives",
        location=Point(2.3575, 48.8590, srid=4326),
    )
    renamed = proposed("Pharmacie Centrale", "Pharmacie Trompeuse")
    reviewer = make_reviewer(departments=["75"])
    signin.browser_sign_in(page, live_server, reviewer)
    mail.outbox.clear()

    page.goto("/admin/partners/partner/")
    page.get_by_role("link", name="Modifications à examiner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifications à examiner")
    rows = page.locator("#content-main tbody tr")
    expect(rows).to_have_count(2)
    assert axe_violations(page) == []

    # Applying: the proposal before and after, the two pins on the map.
    page.get_by_role("link", name="Boulangerie du Marais").click()
    table = page.locator("table.changes-table")
    expect(table).to_contain_text("Boulangerie Rénovée")
    expect(table).to_contain_text("12 rue des Archives")
    page.wait_for_selector("#changes-map[data-ready]")
    expect(page.locator("#changes-map path.leaflet-interactive")).to_have_count(3)
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        ["Emplacement public", "Emplacement proposé"]
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Appliquer les modifications").click()
    expect(page.locator(".messagelist .success")).to_contain_text("sont publiques")
    expect(rows).to_have_count(1)

    # Refusing: a reason is required, and said to the venue.
    page.get_by_role("link", name="Pharmacie Centrale").click()
    page.get_by_role("button", name="Refuser les modifications").click()
    expect(page.locator(".errorlist")).to_contain_text("Dites pourquoi")
    assert axe_violations(page) == []
    page.get_by_label("Motif (envoyé au lieu et conservé dans l’historique)").fill(
        "Ce nom ne correspond pas à l'enseigne."
    )
    page.get_by_role("button", name="Refuser les modifications").click()
    expect(page.locator(".messagelist .success")).to_contain_text("sont refusées")
    expect(page.get_by_text("Aucune modification n'attend d'examen.")).to_be_visible()

    applied = Partner.objects.public().get(pk=moved.pk)
    assert applied.name == "Boulangerie Rénovée"
    assert applied.address == "12 rue des Archives"
    assert applied.events.first().by == reviewer
    refused = Partner.objects.get(pk=renamed.pk)
    assert refused.name == "Pharmacie Centrale"
    assert refused.pending_changes == {}
    assert refused.events.first().reason == "Ce nom ne correspond pas à l'enseigne."
    assert sorted(m.to[0] for m in mail.outbox) == ["boul@example.org", "phar@example.org"]
    assert page.evaluate("window.cspViolations") == []
    assert page.dialogs == []
