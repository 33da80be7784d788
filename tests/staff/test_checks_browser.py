"""A checker on a 360 px phone, in Chromium, with the keyboard only: from the staff home
to their visits, then a fail recorded on the checklist; every target big enough to tap,
nothing wider than the screen, the focus always visible, and axe finds nothing."""

import importlib
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partners.models import Check, CheckOutcome, CheckWelcome
from tests.a11y import axe_violations
from tests.factories import PartnerFactory
from tests.signin import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# WCAG 2.2's minimum is 24 px; a phone used standing at a counter wants 48.
TOUCH_PX = 48


@pytest.fixture(autouse=True)
def groups():
    """The groups as their migrations create them (transactional tests flush them)."""
    from django.apps import apps

    for name, create in [
        ("0007_reviewer_group", "create_reviewer_group"),
        ("0022_checker_group", "create_checker_group"),
    ]:
        getattr(importlib.import_module(f"partners.migrations.{name}"), create)(apps, None)


def _fits(page) -> None:
    """Nothing wider than the screen: no sideways scrolling (the elements past its edge)."""
    page.wait_for_load_state("load")  # the stylesheets applied
    wider = page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .map(e => `${e.tagName}.${e.className}#${e.id}`)""",
        PHONE["width"],
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wider


def _focus_visible(page) -> bool:
    """Whether the focused element, or the choice around it, draws a focus outline."""
    return page.evaluate(
        """() => {
            const el = document.activeElement.closest('.choice') || document.activeElement;
            const style = getComputedStyle(el);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        }"""
    )


def test_a_checker_records_a_fail_on_a_phone_with_the_keyboard(page, live_server, make_checker):
    partner = PartnerFactory(
        approved=True, name="Café des Pentes", department="69", postcode="69001", city="Lyon"
    )
    PartnerFactory(approved=True, name="Médiathèque de Paris")
    checker = make_checker(departments=["69"])
    browser_sign_in(page, live_server, checker)
    page.set_viewport_size(PHONE)

    page.goto("/admin/")
    visits = page.get_by_role("link", name="1 visite à faire")
    visits.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Visites à faire")).to_be_visible()
    _fits(page)
    assert "Médiathèque de Paris" not in page.content()
    assert axe_violations(page) == []
    visit = page.get_by_role("link", name="Café des Pentes")
    assert visit.bounding_box()["height"] >= TOUCH_PX
    visit.focus()
    assert _focus_visible(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Vérification de « Café des Pentes »")).to_be_visible()
    _fits(page)
    assert partner.contact_email not in page.content()
    assert axe_violations(page) == []
    for choice in page.locator(".choice").all():
        box = choice.bounding_box()
        assert box["height"] >= TOUCH_PX
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    submit = page.get_by_role("button", name="Enregistrer la vérification")
    assert submit.bounding_box()["height"] >= TOUCH_PX

    # The day of the visit is today already. Yes, the sticker was visible…
    page.get_by_role("group", name="Autocollant visible depuis l’entrée ?").get_by_label(
        "Oui"
    ).focus()
    page.keyboard.press("Space")
    assert _focus_visible(page)
    # …no, the staff did not know what to do…
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    # …a poor welcome, and a fail.
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _focus_visible(page)
    page.keyboard.press("Tab")
    page.keyboard.type("Personne ne savait qui appeler.")
    page.keyboard.press("Tab")
    assert _focus_visible(page)
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("La vérification de « Café des Pentes » est enregistrée.")
    ).to_be_visible()
    _fits(page)
    check = Check.objects.get()
    assert (check.partner, check.checker) == (partner, checker)
    assert (check.sticker_visible, check.staff_knew) == (True, False)
    assert (check.welcome, check.outcome) == (CheckWelcome.POOR, CheckOutcome.FAIL)
    assert check.notes == "Personne ne savait qui appeler."
    # The retraining email went to the venue; the venue waits for its new visit.
    assert [m.to for m in mail.outbox] == [[partner.contact_email]]
    expect(page.get_by_text("Aucune visite à faire")).to_be_visible()


def test_a_wrong_answer_comes_back_in_french_beside_its_question(page, live_server, make_checker):
    partner = PartnerFactory(approved=True)
    browser_sign_in(page, live_server, make_checker())
    page.set_viewport_size(PHONE)
    page.goto(f"/admin/visits/{partner.pk}/")
    page.get_by_role("button", name="Enregistrer la vérification").click()
    expect(page.get_by_role("alert")).to_contain_text("Corrigez les erreurs ci-dessous.")
    outcome = page.get_by_role("group", name="Résultat")
    expect(outcome).to_have_accessible_description(re.compile("Ce champ est obligatoire."))
    _fits(page)
    assert axe_violations(page) == []
    assert not Check.objects.exists()
