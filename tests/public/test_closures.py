"""A place closed by a dated closure, as the public sees it: not "open now" in the API,
which says when it reopens and lists its closures (checked against the OpenAPI document
by the ``client``), nor in the SMS answer; its page and the list say when it is closed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from partners.public import wording
from sms import replies
from tests.factories import ClosureFactory, PartnerFactory, every_day

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/partners/nearest"
# Friday 25 December 2026, 11:00 in Paris.
CHRISTMAS = datetime.datetime(2026, 12, 25, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def library():
    partner = PartnerFactory(approved=True, name="Médiathèque Marguerite Duras")
    every_day(partner, "09:00", "19:00")
    ClosureFactory(partner=partner, starts="2026-12-24", ends="2026-12-26", reason="congés")
    ClosureFactory(partner=partner, starts="2026-08-01", ends="2026-08-20")  # over
    return partner


@time_machine.travel(CHRISTMAS, tick=False)
def test_the_api_says_a_closed_place_is_not_open_now_and_when_it_reopens(client, library):
    result = client.get(NEAREST, {"lat": 48.85, "lon": 2.35}).json()["results"][0]
    assert result["id"] == library.pk
    assert result["open_now"] is False
    assert result["next_change"] == "2026-12-27T09:00:00+01:00"
    assert result["closures"] == [
        {"starts": "2026-12-24", "ends": "2026-12-26", "reason": "congés"}
    ]

    assert client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "open_now": 1}).json()["count"] == 0
    # Nothing open within reach: the API offers it, as opening on Sunday at 09:00.
    nothing = client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "open_now": 1}).json()
    assert nothing["next_open"]["partner"]["id"] == library.pk
    assert nothing["next_open"]["partner"]["next_change"] == "2026-12-27T09:00:00+01:00"

    detail = client.get(reverse("api:partner_detail", args=[library.pk])).json()
    assert detail["open_now"] is False
    assert detail["closures"] == result["closures"]


@time_machine.travel(datetime.datetime(2026, 12, 27, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_once_a_closure_is_over_the_api_no_longer_lists_it(client, library):
    result = client.get(NEAREST, {"lat": 48.85, "lon": 2.35}).json()["results"][0]
    assert result["open_now"] is True
    assert result["closures"] == []


@time_machine.travel(CHRISTMAS, tick=False)
def test_the_page_and_the_list_say_closed_and_when(client, library):
    page = client.get(library.get_absolute_url()).content.decode()
    assert "Fermé, ouvre dimanche à 09:00" in page
    assert "Fermé du 24 au 26 décembre (congés)" in page
    assert "août" not in page

    listed = client.get("/lieux/", {"lat": 48.85, "lon": 2.35}).content.decode()
    assert "Fermé du 24 au 26 décembre (congés)" in listed


# Saturday 19 December 2026, 11:00 in Paris.
@time_machine.travel(datetime.datetime(2026, 12, 19, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_change_more_than_a_week_ahead_is_given_by_its_date(client):
    partner = PartnerFactory(approved=True)
    every_day(partner, "09:00", "19:00")
    ClosureFactory(partner=partner, starts="2026-12-19", ends="2027-01-03")
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "Fermé, ouvre le 4 janvier à 09:00" in page
    assert "Fermé du 19 décembre 2026 au 3 janvier 2027" in page


def test_closures_in_words_in_french_and_english():
    day = datetime.date.fromisoformat
    cases = [
        (day("2026-12-24"), day("2026-12-26"), "congés", "Fermé du 24 au 26 décembre (congés)",
         "Closed from 24 to 26 December (congés)"),
        (day("2026-05-01"), day("2026-05-01"), "", "Fermé le 1 mai", "Closed on 1 May"),
        (day("2026-07-28"), day("2026-08-16"), "", "Fermé du 28 juillet au 16 août",
         "Closed from 28 July to 16 August"),
    ]  # fmt: skip
    for starts, ends, reason, french, english in cases:
        with translation.override("fr"):
            assert wording.closure(starts, ends, reason) == french
        with translation.override("en"):
            assert wording.closure(starts, ends, reason) == english


@time_machine.travel(CHRISTMAS, tick=False)
def test_the_sms_answer_does_not_offer_a_closed_place_as_open(library):
    text = replies.answer("75011", sender="+33600000000", now=CHRISTMAS)
    assert "Médiathèque Marguerite Duras" in text
    assert "ouvre dimanche à 09:00" in text
