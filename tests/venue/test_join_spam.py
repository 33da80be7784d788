"""Spam defences, duplicates and the geocoder behind the map pin."""

import datetime

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils.html import escape

from partners.models import Partner
from partners.venue.forms import JoinForm
from tests.factories import PartnerFactory
from tests.join_helpers import VALID_SIRET, application, hidden_values, quick_forms  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

T0 = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def test_a_form_sent_too_fast_is_refused_kindly_then_accepted(client, settings):
    settings.JOIN_FORM_MIN_SECONDS = 3
    with time_machine.travel(T0, tick=False) as clock:
        data = application(client)
        clock.shift(1)
        response = client.post("/rejoindre/formulaire/", data)
        html = response.content.decode()
        assert Partner.objects.count() == 0
        assert escape("C'était très rapide !") in html
        assert 'value="Librairie Les Mots Libres"' in html
        clock.shift(5)
        data.update(rendered=hidden_values(html)["rendered"])
        clock.shift(4)
        assert client.post("/rejoindre/formulaire/", data).status_code == 302
    assert Partner.objects.count() == 1


def test_sending_again_at_once_after_an_error_page_is_not_too_fast(client, settings):
    settings.JOIN_FORM_MIN_SECONDS = 3
    with time_machine.travel(T0, tick=False) as clock:
        data = application(client, accept_charter=None)
        clock.shift(90)  # the person fills the form in, and forgets to tick the charter
        html = client.post("/rejoindre/formulaire/", data).content.decode()
        assert Partner.objects.count() == 0
        data.update(hidden_values(html), accept_charter="on")
        clock.shift(1)  # ticks it and sends again at once
        response = client.post("/rejoindre/formulaire/", data)
        assert escape("C'était très rapide !") not in response.content.decode()
        assert response.status_code == 302
    assert Partner.objects.count() == 1


def test_a_form_opened_more_than_a_day_ago_is_refused_with_the_answers_kept(client):
    with time_machine.travel(T0, tick=False) as clock:
        data = application(client)
        clock.shift(datetime.timedelta(hours=25))
        response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert Partner.objects.count() == 0
    assert escape("ouvert il y a plus d'un jour") in html
    assert 'value="camille@example.org"' in html


@pytest.mark.parametrize("stamp", ["", "forged", "abc:def:ghi"])
def test_a_missing_or_forged_render_stamp_stores_nothing(client, stamp):
    response = client.post("/rejoindre/formulaire/", application(client, rendered=stamp))
    assert Partner.objects.count() == 0
    assert escape("n'a pas pu être vérifié") in response.content.decode()


def test_submissions_over_the_rate_limit_store_nothing_and_keep_the_answers(client, settings):
    settings.JOIN_RATE_LIMIT = 2
    for n in range(2):
        response = client.post("/rejoindre/formulaire/", application(client, name=f"Lieu {n}"))
        assert response.status_code == 302
    response = client.post("/rejoindre/formulaire/", application(client, name="Lieu 3"))
    assert response.status_code == 429
    assert Partner.objects.count() == 2
    html = response.content.decode()
    assert "Trop de candidatures ont été envoyées depuis votre connexion" in html
    assert 'value="Lieu 3"' in html


def test_the_rate_limit_is_per_address(client, settings):
    settings.JOIN_RATE_LIMIT = 1
    client.post("/rejoindre/formulaire/", application(client))
    other = client.post(
        "/rejoindre/formulaire/", application(client, name="Autre lieu"), REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302
    assert Partner.objects.count() == 2


def test_link_requests_over_the_rate_limit_send_nothing(client, settings, mailoutbox):
    settings.LINK_REQUEST_RATE_LIMIT = 2
    PartnerFactory(contact_email="camille@example.org")
    for _ in range(2):
        assert client.post("/mon-lieu/", {"email": "camille@example.org"}).status_code == 200
    response = client.post("/mon-lieu/", {"email": "camille@example.org"})
    assert response.status_code == 429
    assert "Trop de demandes depuis votre connexion" in response.content.decode()


def test_same_siret_is_flagged_as_a_possible_duplicate(client):
    PartnerFactory(siret=VALID_SIRET, kind="shop", location=Point(5.37, 43.29, srid=4326))
    client.post("/rejoindre/formulaire/", application(client))
    assert Partner.objects.get(name="Librairie Les Mots Libres").possible_duplicate


def test_a_similar_name_a_few_metres_away_is_flagged(client):
    PartnerFactory(name="Librairie les mots libres !", location=Point(2.3742, 48.8552, srid=4326))
    response = client.post(
        "/rejoindre/formulaire/", application(client, siret="", kind="association")
    )
    applicant = Partner.objects.get(name="Librairie Les Mots Libres")
    assert applicant.possible_duplicate
    # Never shown to the applicant.
    thanks = client.get(response["Location"]).content.decode()
    assert "doublon" not in thanks.lower()


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("Librairie Les Mots Libres", Point(2.3800, 48.8600, srid=4326)),  # ~900 m away
        ("Boulangerie du Coin", Point(2.3741, 48.8551, srid=4326)),  # next door, other name
    ],
)
def test_other_venues_are_not_flagged(client, name, where):
    PartnerFactory(name=name, location=where)
    client.post(
        "/rejoindre/formulaire/",
        application(client, siret="", kind="association", name="Librairie Les Mots Libres"),
    )
    assert not Partner.objects.filter(possible_duplicate=True).exists()


def ban_answer(lon, lat, postcode="75011", score=0.93):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "postcode": postcode,
                    "score": score,
                    "label": "12 Rue de la Roquette",
                },
            }
        ],
    }


def test_without_coordinates_the_online_geocoder_places_the_pin(client, geocoder):
    geocoder.answer = ban_answer(2.37421, 48.85512)
    client.post("/rejoindre/formulaire/", application(client, lat="", lon=""))
    partner = Partner.objects.get()
    assert (partner.location.x, partner.location.y) == pytest.approx((2.37421, 48.85512))
    assert geocoder.queries[0]["q"] == ["12 rue de la Roquette"]
    assert geocoder.queries[0]["postcode"] == ["75011"]


def test_the_form_checks_what_was_typed_without_asking_the_geocoder(client, geocoder):
    # Validation never waits on the network: the application service places the pin.
    geocoder.answer = ban_answer(2.37421, 48.85512)
    form = JoinForm(application(client, lat="", lon=""))
    assert form.is_valid(), form.errors
    assert form.venue_data()["location"] is None
    assert geocoder.queries == []


@pytest.mark.parametrize(
    "answer",
    [
        ban_answer(4.83, 45.76, postcode="69001"),
        ban_answer(2.37, 48.85, score=0.2),
        {"features": []},
        {"oops": 1},
    ],
)
def test_an_unsure_geocoder_answer_falls_back_to_the_town(client, geocoder, answer):
    geocoder.answer = answer
    client.post("/rejoindre/formulaire/", application(client, lat="", lon=""))
    partner = Partner.objects.get()
    assert (partner.location.y, partner.location.x) == pytest.approx((48.85659, 2.34292))


def test_an_unreachable_geocoder_falls_back_to_the_town(client, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9/search/"
    client.post("/rejoindre/formulaire/", application(client, lat="", lon=""))
    assert Partner.objects.get().location.y == pytest.approx(48.85659)


def test_the_locate_endpoint_answers_with_the_geocoders_point(client, geocoder):
    geocoder.answer = ban_answer(2.37421, 48.85512)
    response = client.get(
        "/rejoindre/localiser/",
        {"address": "12 rue de la Roquette", "postcode": "75011", "city": "Paris"},
    )
    assert response.json() == {"lat": 48.85512, "lon": 2.37421, "source": "geocoder"}


def test_the_locate_endpoint_uses_the_gazetteer_offline(client):
    response = client.get("/rejoindre/localiser/", {"postcode": "97110", "city": "Pointe-à-Pitre"})
    assert response.json()["lat"] == pytest.approx(16.24, abs=0.05)
    assert client.get("/rejoindre/localiser/", {"postcode": "00000"}).status_code == 404


def test_a_robot_never_makes_the_server_call_the_geocoder(client, geocoder):
    geocoder.answer = ban_answer(2.37421, 48.85512)
    client.post("/rejoindre/formulaire/", application(client, lat="", lon="", homepage="x"))
    client.post("/rejoindre/formulaire/", application(client, lat="", lon="", rendered="forged"))
    assert geocoder.queries == []
    assert Partner.objects.count() == 0


def test_pin_look_ups_over_the_rate_limit_are_refused(client, settings):
    settings.LOCATE_RATE_LIMIT = 1
    query = {"postcode": "75011", "city": "Paris"}
    assert client.get("/rejoindre/localiser/", query).status_code == 200
    assert client.get("/rejoindre/localiser/", query).status_code == 429
