"""The staff training: its link, the quiz and its pass mark, a pass kept for a year, the
venue's page, approval and the yearly re-confirmation."""

import datetime
import html as html_module
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from partners.domain import links, training
from partners.models import Status, TrainingCompletion
from partners.services import decisions
from partners.services.common import DecisionRefused
from partners.services.privacy import purge_personal_data
from partners.services.training import record_pass
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PASSED_AT = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)


def right_answers() -> dict[str, str]:
    return {question.key: question.answer for question in training.QUESTIONS}


def wrong(answers: dict[str, str], count: int) -> dict[str, str]:
    """``answers`` with the first ``count`` questions answered wrong."""
    answers = dict(answers)
    for question in training.QUESTIONS[:count]:
        answers[question.key] = next(k for k, _ in question.options if k != question.answer)
    return answers


def training_url(partner) -> str:
    return links.path(partner, links.TRAINING)


@pytest.fixture
def partner():
    return PartnerFactory(name="Bar du Marché", address="3 rue Haute", city="Paris")


# The quiz.


def test_the_quiz_has_eight_questions_each_with_its_answer_among_its_options():
    assert len(training.QUESTIONS) == 8
    for question in training.QUESTIONS:
        assert question.answer in dict(question.options)
        assert question.explanation


def test_score_counts_right_answers_and_the_pass_mark_is_a_setting(settings):
    settings.TRAINING_PASS_MARK = 7
    assert training.score(right_answers()) == 8
    assert training.score(wrong(right_answers(), 1)) == 7
    assert training.passed(7)
    assert not training.passed(6)
    settings.TRAINING_PASS_MARK = 8
    assert not training.passed(7)
    settings.TRAINING_PASS_MARK = 12  # never more than there are questions
    assert training.passed(8)


def test_a_pass_is_valid_for_a_year_and_a_leap_day_until_28_february():
    assert training.expiry(PASSED_AT) == datetime.datetime(2027, 3, 10, 9, 30, tzinfo=datetime.UTC)
    leap = datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)
    assert training.expiry(leap) == datetime.datetime(2029, 2, 28, 12, tzinfo=datetime.UTC)


# The pages.


def test_the_course_names_the_venue_its_address_and_its_territorys_numbers(client):
    partner = PartnerFactory(
        name="Case des Jeunes",
        address="2 rue Solférino",
        city="Nouméa",
        department="988",
        postcode="98800",
    )
    html = client.get(training_url(partner)).content.decode()
    assert "Formation de l'équipe de Case des Jeunes" in html
    assert "2 rue Solférino, 98800 Nouméa" in html
    assert "50 00 67" in html  # New Caledonia's own SMS number
    assert ">114<" not in html  # not answered there
    assert html.count('type="radio"') == 8 * 3
    assert html.count("<fieldset") == 8
    assert html.count("<legend>") == 8


def test_passing_records_the_name_score_and_expiry_and_explains_every_answer(client, partner):
    answers = wrong(right_answers(), 1)
    with time_machine.travel(PASSED_AT, tick=False):
        response = client.post(training_url(partner), {"name": " Camille  M. ", **answers})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bravo, Camille M. : 7 bonnes réponses sur 8." in html
    assert html.count('class="explanation"') == 8
    assert html.count("pas la bonne") == 1
    assert "<form" not in html.split("Votre résultat")[1]  # no quiz once passed
    completion = TrainingCompletion.objects.get()
    assert (completion.partner, completion.name, completion.score) == (partner, "Camille M.", 7)
    assert completion.passed_at == PASSED_AT
    assert completion.expires_at == datetime.datetime(2027, 3, 10, 9, 30, tzinfo=datetime.UTC)


def test_failing_records_nothing_explains_and_offers_the_quiz_again(client, partner):
    response = client.post(training_url(partner), {"name": "Sam", **wrong(right_answers(), 2)})
    html = response.content.decode()
    assert "6 bonnes réponses sur 8 : il en faut 7." in html
    assert html.count('class="explanation"') == 8
    assert 'value="Sam"' in html  # the name kept, the answers to give again
    assert "checked" not in html
    assert not TrainingCompletion.objects.exists()


def test_the_quiz_in_english(client, partner):
    response = client.post("/en" + training_url(partner), {"name": "Alex", **right_answers()})
    html = response.content.decode()
    assert "Training for the staff of Bar du Marché" in html
    assert "Well done, Alex: 8 right answers out of 8." in html


def test_missing_answers_and_a_bad_name_are_said_field_by_field_and_nothing_is_lost(
    client, partner
):
    answers = right_answers()
    del answers["papers"]
    response = client.post(training_url(partner), {"name": "camille@example.org", **answers})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Erreur :" in html
    assert 'role="alert"' in html
    assert "Donnez seulement un prénom ou des initiales" in html
    assert 'href="#id_papers_0"' in html
    assert "Question 3 : Choisissez une réponse." in html
    assert 'aria-describedby="id_papers_error"' in html
    assert html.count("checked") == 7
    assert not TrainingCompletion.objects.exists()


def test_an_unknown_answer_is_an_error_not_a_crash(client, partner):
    response = client.post(
        training_url(partner), {"name": "Lou", **right_answers(), "number": "999\x00"}
    )
    assert response.status_code in (200, 400)
    assert not TrainingCompletion.objects.exists()


def test_passing_again_under_the_same_name_renews_one_row(client, partner):
    with time_machine.travel(PASSED_AT, tick=False):
        client.post(training_url(partner), {"name": "Camille", **right_answers()})
    later = PASSED_AT + datetime.timedelta(days=300)
    with time_machine.travel(later, tick=False):
        client.post(training_url(partner), {"name": "CAMILLE", **wrong(right_answers(), 1)})
    completion = TrainingCompletion.objects.get()
    assert (completion.name, completion.score, completion.passed_at) == ("CAMILLE", 7, later)


def test_the_training_link_never_opens_the_venues_page_and_a_forged_one_is_refused(client, partner):
    token = training_url(partner).split("/")[-2]
    assert client.get(f"/mon-lieu/{token}/").status_code == 400
    selfservice = links.make_token(partner, links.SELFSERVICE)
    assert client.get(f"/mon-lieu/formation/{selfservice}/").status_code == 400
    assert client.get(f"/mon-lieu/formation/{partner.pk}.x.y/").status_code == 400


def test_the_link_dies_when_the_venue_leaves(client, partner):
    url = training_url(partner)
    partner.status = Status.WITHDRAWN
    partner.save()
    response = client.get(url)
    assert response.status_code == 400
    assert "Ce lien de formation n'est pas valide" in response.content.decode()


def test_the_link_expires(client, partner, settings):
    settings.TRAINING_LINK_DAYS = 30
    with time_machine.travel(PASSED_AT, tick=False):
        url = training_url(partner)
    with time_machine.travel(PASSED_AT + datetime.timedelta(days=31), tick=False):
        response = client.get(url)
    assert response.status_code == 410


# A year.


def test_a_training_counts_for_a_year_then_no_more_and_is_purged(partner):
    with time_machine.travel(PASSED_AT, tick=False):
        record_pass(partner=partner, name="Camille", score=8)
    day_before = PASSED_AT + datetime.timedelta(days=364)
    with time_machine.travel(day_before, tick=False):
        assert partner.trainings.valid().count() == 1
        assert purge_personal_data().expired_trainings_deleted == 0
    with time_machine.travel(PASSED_AT + datetime.timedelta(days=366), tick=False):
        assert partner.trainings.valid().count() == 0
        assert partner.__class__.objects.with_trained_people().get().trained_people == 0
        assert purge_personal_data().expired_trainings_deleted == 1
    assert not TrainingCompletion.objects.exists()


# The venue's page.


def test_the_venues_page_lists_who_passed_and_gives_the_link_to_share(client, partner, settings):
    settings.SITE_URL = "http://testserver"
    with time_machine.travel(PASSED_AT, tick=False):
        record_pass(partner=partner, name="C. M.", score=8)
    html = client.get(links.path(partner, links.SELFSERVICE)).content.decode()
    assert "Formation de l'équipe" in html
    assert "1 personne formée" in html
    assert "C. M." in html
    assert "10 mars 2026" in html
    assert "10 mars 2027" in html
    share = re.search(r"http://testserver(/mon-lieu/formation/[^<\s]+/)", html)[1]
    assert client.get(share).status_code == 200
    assert "mailto:?subject=" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_email_to_share_the_link_is_in_french_and_english_whatever_the_page(
    client, partner, settings, prefix
):
    settings.SITE_URL = "http://testserver"
    html = client.get(prefix + links.path(partner, links.SELFSERVICE)).content.decode()
    mailto = html_module.unescape(re.search(r'href="(mailto:\?[^"]+)"', html)[1])
    message = {key: values[0] for key, values in parse_qs(urlsplit(mailto).query).items()}
    assert message["subject"] == (
        "En lieu sûr : la formation de notre équipe / En lieu sûr: the training for our staff"
    )
    french, english = message["body"].split("\n---\n")
    assert french.startswith("Bonjour,")
    assert english.lstrip().startswith("Hello,")
    assert "Please take the short online training" in english
    # Each part's link opens the training in its language.
    for part, language in ((french, "fr"), (english, "en")):
        (link,) = re.findall(r"http://testserver(\S+)", part)
        page = client.get(link)
        assert page.status_code == 200
        assert f'<html lang="{language}">' in page.content.decode()
    assert re.search(r"http://testserver/en/mon-lieu/formation/", english)


# Approval.


def test_approval_is_refused_in_french_with_too_few_trained_people(settings, partner):
    settings.TRAINED_PEOPLE_FOR_APPROVAL = 2
    record_pass(partner=partner, name="Camille", score=8)
    with pytest.raises(DecisionRefused) as refusal:
        decisions.approve_partner(partner=partner)
    assert str(refusal.value) == (
        "« Bar du Marché (Paris) » a 1 personne formée sur les 2 demandées : demandez au lieu de "
        "partager le lien de formation de sa page avec son équipe avant de l'approuver."
    )
    partner.refresh_from_db()
    assert partner.status == Status.PENDING

    record_pass(partner=partner, name="Sam", score=7)
    assert decisions.approve_partner(partner=partner).status == Status.APPROVED


def test_expired_trainings_do_not_count_for_approval(settings, partner):
    settings.TRAINED_PEOPLE_FOR_APPROVAL = 2
    with time_machine.travel(PASSED_AT, tick=False):
        record_pass(partner=partner, name="Camille", score=8)
        record_pass(partner=partner, name="Sam", score=8)
    with time_machine.travel(PASSED_AT + datetime.timedelta(days=400), tick=False):
        assert "0 personne formée sur les 2" in decisions.training_missing(partner)


# The yearly re-confirmation.


def test_the_reconfirmation_email_and_page_say_how_many_are_trained_and_link_the_training(
    settings, client, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    approved_at = datetime.datetime(2025, 11, 10, 9, 0, tzinfo=datetime.UTC)
    partner = PartnerFactory(approved=True, approved_at=approved_at)
    with time_machine.travel(approved_at + datetime.timedelta(days=200), tick=False):
        record_pass(partner=partner, name="Camille", score=8)
    with time_machine.travel(approved_at + datetime.timedelta(days=366), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reconfirmations", stdout=io.StringIO())
        (message,) = mail.outbox
        assert "1 personne de votre équipe a une formation encore valide" in message.body
        training_link = re.search(r"http://testserver(/mon-lieu/formation/\S+/)", message.body)[1]
        assert client.get(training_link).status_code == 200
        reconfirm = re.search(r"http://testserver(/mon-lieu/reconfirmer/\S+/)", message.body)[1]
        html = client.get(reconfirm).content.decode()
    assert "1 personne de votre équipe a une formation encore valide" in html
    assert "/mon-lieu/formation/" in html


# The counter card.


def test_the_sticker_page_offers_the_card_which_renders_for_approved_venues_only(client):
    partner = PartnerFactory(
        approved=True, name="Bar du Marché", address="3 rue Haute", postcode="75004"
    )
    check = client.get(f"/verif/{partner.sticker_number}/").content.decode()
    card_path = f"/verif/{partner.sticker_number}/protocole/"
    assert card_path in check
    card = client.get(card_path).content.decode()
    assert "Quelqu'un demande à être mis en sécurité : que faire" in card
    assert "J'appelle de Bar du Marché, 3 rue Haute, 75004 Paris." in card
    assert "<strong>17</strong>" in card
    assert "<strong>112</strong>" in card
    assert "protocol.css" in card
    english = client.get("/en" + card_path).content.decode()
    assert "Someone asks for safety: what to do" in english

    suspended = PartnerFactory(status=Status.SUSPENDED, sticker_number="75-01234")
    assert client.get(f"/verif/{suspended.sticker_number}/protocole/").status_code == 404
