"""The staff training in Chromium on a 360 px phone, in French and English, with and
without JavaScript, by keyboard; the counter card on screen and on one printed page."""

import re

import pytest
from django.utils import translation

from partners.domain import links, training
from partners.models import TrainingCompletion
from tests.a11y import axe_violations
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
WORDS = {
    "fr": {
        "prefix": "",
        "take": "Suivre la formation",
        "name": "Votre prénom ou vos initiales",
        "send": "Envoyer mes réponses",
        "error": "Erreur :",
        "choose": "Question 1 : Choisissez une réponse.",
        "passed": "Bravo, Camille M. : 7 bonnes réponses sur 8.",
        "failed": "5 bonnes réponses sur 8 : il en faut 7.",
        "card": "La fiche réflexe à imprimer et garder au comptoir",
    },
    "en": {
        "prefix": "/en",
        "take": "Take the training",
        "name": "Your first name or initials",
        "send": "Send my answers",
        "error": "Error:",
        "choose": "Question 1: Choose an answer.",
        "passed": "Well done, Camille M.: 7 right answers out of 8.",
        "failed": "5 right answers out of 8: 7 are needed.",
        "card": "The protocol card to print and keep at the counter",
    },
}


def wide(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth > innerWidth")


def answer(page, language: str, *, wrong: int) -> None:
    """Tick an answer to every question, the first ``wrong`` ones wrong, by keyboard:
    each radio button focused and pressed with the space bar."""
    with translation.override(language):
        for index, question in enumerate(training.QUESTIONS):
            key = question.answer
            if index < wrong:
                key = next(k for k, _ in question.options if k != question.answer)
            radio = page.get_by_role("radio", name=str(question.option_text(key)), exact=True)
            radio.focus()
            page.keyboard.press("Space")
            assert radio.is_checked()


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_training_journey_on_a_phone(chromium, live_server, settings, language, javascript):
    settings.SITE_URL = live_server.url
    words = WORDS[language]
    partner = PartnerFactory(name="Bar du Marché", address="3 rue Haute")
    context = chromium.new_context(
        locale=f"{language}-FR",
        base_url=live_server.url,
        viewport=PHONE,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto(words["prefix"] + links.path(partner, links.SELFSERVICE))
    page.get_by_role("link", name=words["take"]).click()
    assert "/mon-lieu/formation/" in page.url
    assert "3 rue Haute" in page.content()
    if javascript:
        assert not wide(page)
        assert axe_violations(page) == []

    # Sent without an answer: every question says so, announced and linked from the top.
    page.get_by_role("button", name=words["send"]).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith(words["error"])
    summary = page.get_by_role("alert")
    assert words["choose"] in summary.inner_text()
    if javascript:
        assert axe_violations(page) == []

    # Failed: the explanations, then the quiz again.
    page.get_by_label(words["name"]).fill("Camille M.")
    answer(page, language, wrong=3)
    with page.expect_navigation():
        page.get_by_role("button", name=words["send"]).click()
    assert words["failed"] in page.inner_text(".verdict")
    assert page.locator(".explanation").count() == 8
    assert not TrainingCompletion.objects.exists()

    # Passed: recorded under the name given, shown on the venue's page.
    answer(page, language, wrong=1)
    with page.expect_navigation():
        page.get_by_label(words["name"]).press("Enter")
    assert words["passed"] in page.inner_text(".verdict-valid")
    if javascript:
        assert not wide(page)
        assert axe_violations(page) == []
    completion = TrainingCompletion.objects.get()
    assert (completion.partner, completion.name, completion.score) == (partner, "Camille M.", 7)

    page.goto(words["prefix"] + links.path(partner, links.SELFSERVICE))
    assert "Camille M." in page.inner_text("table.trainings")
    context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_counter_card_from_the_sticker_page_fits_a_phone_and_one_printed_page(page, language):
    partner = PartnerFactory(
        approved=True,
        name="Médiathèque du Port",
        address="2 rue du Port",
        department="974",
        postcode="97420",
        city="Le Port",
    )
    prefix = WORDS[language]["prefix"]
    page.set_viewport_size(PHONE)
    page.goto(f"{prefix}/verif/{partner.sticker_number}/")
    page.get_by_role("link", name=WORDS[language]["card"]).click()
    page.wait_for_selector("h1")
    assert "2 rue du Port, 97420 Le Port" in page.inner_text("main")
    assert re.search(r"\b114\b", page.inner_text(".steps"))  # La Réunion's SMS number
    assert not wide(page)
    assert axe_violations(page) == []

    page.emulate_media(media="print")
    assert page.locator(".safety-bar").is_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
