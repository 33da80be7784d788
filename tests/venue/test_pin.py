"""The venue's pin: who placed it (the venue, a geocoder, or only the town's centre), and
staff placing an unconfirmed pin before approving."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from partners.domain import links
from partners.models import Partner, PinSource, Status
from partners.services import changes, decisions
from partners.services.common import DecisionRefused
from tests.factories import OpeningIntervalFactory, PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)
from tests.staff.test_admin import CHANGELIST, _form_data, change_url, decide_url
from tests.venue.test_join_spam import ban_answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

# The gazetteer's point of Paris, where postcode 75011 is: the pin without a geocoder.
PARIS = (48.85659, 2.34292)


def join(client, **overrides):
    response = client.post("/rejoindre/formulaire/", application(client, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Partner.objects.get()


# The application.


def test_without_a_geocoder_or_a_pin_the_application_is_accepted_at_the_town_unconfirmed(
    client, settings
):
    settings.GEOCODER_URL = ""
    partner = join(client, lat="", lon="")
    assert (partner.location.y, partner.location.x) == pytest.approx(PARIS)
    assert partner.pin_source == PinSource.TOWN
    assert partner.pin_unconfirmed


def test_a_pin_typed_or_dragged_by_the_venue_is_the_venues(client):
    partner = join(client, lat="48.8551", lon="2.3740")
    assert partner.pin_source == PinSource.VENUE
    assert not partner.pin_unconfirmed


def test_a_pin_left_at_the_town_centre_by_the_script_stays_unconfirmed(client, settings):
    settings.GEOCODER_URL = ""
    placed = client.get(
        "/rejoindre/localiser/",
        {"address": "12 rue de la Roquette", "postcode": "75011", "city": "Paris"},
    ).json()
    assert placed["source"] == "town"
    partner = join(client, lat=str(placed["lat"]), lon=str(placed["lon"]))
    assert partner.pin_source == PinSource.TOWN


def test_a_sure_geocoder_places_the_pin_and_says_so(client, geocoder):
    geocoder.answer = ban_answer(2.37421, 48.85512)
    partner = join(client, lat="", lon="")
    assert partner.pin_source == PinSource.GEOCODER
    assert not partner.pin_unconfirmed
    response = client.get(
        "/rejoindre/localiser/",
        {"address": "12 rue de la Roquette", "postcode": "75011", "city": "Paris"},
    )
    assert response.json()["source"] == "geocoder"


def test_an_unsure_geocoder_leaves_the_pin_unconfirmed(client, geocoder):
    geocoder.answer = ban_answer(2.37, 48.85, score=0.2)
    assert join(client, lat="", lon="").pin_source == PinSource.TOWN


def test_the_form_asks_for_the_door_and_explains_without_javascript(client, settings):
    settings.GEOCODER_URL = ""
    html = client.get("/rejoindre/formulaire/").content.decode()
    assert "Placez le repère sur votre porte" in html
    assert "Utiliser ma position" in html
    assert 'id="pin-help-nojs"' in html
    assert "notre équipe placera le repère sur votre" in html
    settings.GEOCODER_URL = "https://geocoder.example/search/"
    html = client.get("/rejoindre/formulaire/").content.decode()
    assert "nous placerons votre lieu" in html
    assert 'id="pin-help-nojs"' not in html


# Self-service.


def update_data(partner, **overrides):
    data = {
        "name": partner.name,
        "address": partner.address,
        "postcode": partner.postcode,
        "city": partner.city,
        "lat": str(partner.location.y),
        "lon": str(partner.location.x),
        "languages": "français",
        "opens_1_0": "09:00",
        "closes_1_0": "18:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_venue_moving_its_pin_from_the_town_centre_confirms_it(client):
    partner = PartnerFactory(
        status=Status.PENDING, location=Point(PARIS[1], PARIS[0], srid=4326), pin_source="town"
    )
    OpeningIntervalFactory(partner=partner)
    url = f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/modifier/"
    client.post(url, update_data(partner, name="Sans déplacer"))
    partner.refresh_from_db()
    assert partner.pin_source == PinSource.TOWN  # saving other details confirms nothing
    client.post(url, update_data(partner, lat="48.8551", lon="2.3740"))
    partner.refresh_from_db()
    assert partner.pin_source == PinSource.VENUE
    assert partner.events.order_by("pk").last().changes["pin_source"] == ["town", "venue"]


def test_an_approved_venues_new_pin_waits_for_review_with_its_source(client):
    partner = decisions.approve_partner(partner=PartnerFactory(pin_source="staff"))
    OpeningIntervalFactory(partner=partner)
    url = f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/modifier/"
    client.post(url, update_data(partner, address="3 rue Jules Ferry", lat=None, lon=None))
    partner.refresh_from_db()
    assert partner.pin_source == PinSource.STAFF
    assert partner.pending_changes["pin_source"] == "town"
    # Staff applying the proposal apply who placed the pin with it: at the town, unconfirmed.
    partner = changes.apply_pending_changes(partner=partner, by=None)
    assert partner.pin_source == PinSource.TOWN
    assert partner.events.order_by("pk").last().changes["pin_source"] == ["staff", "town"]


# Staff.


def test_approval_is_refused_while_the_pin_is_unconfirmed(admin_client):
    partner = PartnerFactory(pin_source="town")
    with pytest.raises(DecisionRefused, match="repère non confirmé"):
        decisions.approve_partner(partner=partner)

    response = admin_client.post(decide_url(partner, "approve"), {"reason": ""}, follow=True)
    partner.refresh_from_db()
    assert partner.status == Status.PENDING
    assert "a un repère non confirmé" in response.content.decode()


def test_the_list_shows_and_filters_unconfirmed_pins(admin_client):
    town = PartnerFactory(name="Boulangerie au centre", pin_source="town")
    PartnerFactory(name="Librairie placée", pin_source="venue")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "repère non confirmé" in html
    response = admin_client.get(CHANGELIST, {"pin": "unconfirmed"})
    assert [p.pk for p in response.context["cl"].result_list] == [town.pk]
    response = admin_client.get(CHANGELIST, {"pin": "confirmed"})
    assert town not in response.context["cl"].result_list


def test_the_change_page_warns_and_staff_confirm_the_pin_then_approve(admin_client, admin_user):
    partner = PartnerFactory(pin_source="town")
    OpeningIntervalFactory(partner=partner)
    response = admin_client.get(change_url(partner))
    html = response.content.decode()
    assert "Repère non confirmé : ce n&#x27;est que le centre de la commune" in html
    assert "centre de la commune seulement (non confirmé)" in html

    data = _form_data(response)
    data["confirm_pin"] = "on"
    response = admin_client.post(change_url(partner), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner.refresh_from_db()
    assert partner.pin_source == PinSource.STAFF
    assert partner.events.get().changes == {"pin_source": ["town", "staff"]}
    decisions.approve_partner(partner=partner, by=admin_user)
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED


def test_staff_moving_the_pin_confirm_it(admin_client):
    partner = PartnerFactory(pin_source="town")
    data = _form_data(admin_client.get(change_url(partner)))
    data["location"] = '{"type": "Point", "coordinates": [2.36, 48.86]}'
    admin_client.post(change_url(partner), data)
    partner.refresh_from_db()
    assert partner.pin_source == PinSource.STAFF
    assert set(partner.events.get().changes) == {"location", "pin_source"}


def test_the_locate_endpoint_never_fails_on_odd_input(client):
    for params in ({}, {"postcode": "\x00"}, {"postcode": "75011", "address": "x" * 5000}):
        assert client.get(reverse("partners:join_locate"), params).status_code in (200, 400, 404)
