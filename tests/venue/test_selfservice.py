"""The venue's signed links: status and history, updates, leaving."""

import datetime
import re

import pytest
import time_machine
from django.contrib.gis.geos import Point

from partners.domain import links
from partners.models import Partner, Status
from partners.services import decisions, selfservice
from tests.factories import OpeningIntervalFactory, PartnerFactory
from tests.join_helpers import quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]


def page_url(partner):
    return f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Emails go out on commit: run the callbacks of the requests made inside."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def approved():
    partner = decisions.approve_partner(partner=PartnerFactory(name="Piscine des Amiraux"))
    OpeningIntervalFactory(partner=partner, weekday=1)
    return partner


def update_data(partner, **overrides):
    data = {
        "name": partner.name,
        "address": partner.address,
        "postcode": partner.postcode,
        "city": partner.city,
        "lat": str(partner.location.y),
        "lon": str(partner.location.x),
        "phone": "",
        "website": "",
        "email": "",
        "accessibility_note": "",
        "languages": "français",
        "welcome_note": "",
        "opens_1_0": "09:00",
        "closes_1_0": "18:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_shows_status_sticker_and_history(client, approved):
    html = client.get(page_url(approved)).content.decode()
    assert "Piscine des Amiraux" in html
    assert "Acceptée" in html
    assert approved.sticker_number in html
    assert approved.reference in html
    assert "Historique" in html


def test_a_link_request_never_reveals_whether_the_email_exists(
    client, approved, mailoutbox, on_commit
):
    with on_commit(execute=True):
        known = client.post("/mon-lieu/", {"email": approved.contact_email.upper()})
        unknown = client.post("/mon-lieu/", {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda html, email: html.replace(email, "")  # noqa: E731
    assert strip(known.content.decode(), approved.contact_email.upper()) == strip(
        unknown.content.decode(), "personne@example.org"
    )
    (email,) = mailoutbox
    assert email.to == [approved.contact_email]
    link = re.search(r"/mon-lieu/\S+/", email.body)[0]
    assert client.get(link).status_code == 200


def test_an_unconfirmed_applicant_asking_for_a_link_gets_a_new_confirmation_link(
    client, mailoutbox, on_commit
):
    partner = PartnerFactory(status=Status.UNCONFIRMED)
    with on_commit(execute=True):
        client.post("/mon-lieu/", {"email": partner.contact_email})
    assert "/rejoindre/confirmer/" in mailoutbox[0].body


def test_hours_and_phone_of_an_approved_partner_apply_at_once(client, approved):
    response = client.post(
        page_url(approved) + "modifier/",
        update_data(approved, phone="01 45 00 00 00", opens_1_0="10:00", closes_1_0="20:00"),
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert str(approved.phone) == "+33145000000"
    assert [(i.opens.hour, i.closes.hour) for i in approved.opening_intervals.all()] == [(10, 20)]
    assert approved.pending_changes == {}
    event = approved.events.filter(to_status="").get()
    assert event.actor == "venue"
    assert event.changes["phone"] == ["", "+33145000000"]
    assert event.changes["hours"] == [["1 09:00-18:00"], ["1 10:00-20:00"]]


def test_a_new_name_and_address_wait_for_review_while_the_old_stay_public(
    client, approved, settings, mailoutbox, on_commit
):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@flag.example"]
    with on_commit(execute=True):
        client.post(
            page_url(approved) + "modifier/",
            update_data(
                approved, name="Piscine Rénovée", address="3 rue Jules Ferry", lat=None, lon=None
            ),
        )
    approved.refresh_from_db()
    assert approved.name == "Piscine des Amiraux"
    assert Partner.objects.public().get(pk=approved.pk).address == "1 place de la Mairie"
    assert approved.pending_changes["name"] == "Piscine Rénovée"
    assert approved.pending_changes["address"] == "3 rue Jules Ferry"
    # The pin follows the new address (the town without a geocoder), also pending review.
    assert approved.pending_changes["location"].startswith("SRID=4326;POINT")
    assert approved.location.equals(Point(2.3522, 48.8566, srid=4326))
    event = approved.events.get(reason=selfservice.AWAITING_REVIEW)
    assert event.changes["name"] == ["Piscine des Amiraux", "Piscine Rénovée"]
    assert any(m.to == ["equipe@flag.example"] for m in mailoutbox)
    html = client.get(page_url(approved)).content.decode()
    assert (
        "Modifications en cours d&#x27;examen" in html or "Modifications en cours d'examen" in html
    )


def test_a_pending_application_is_updated_directly(client):
    partner = PartnerFactory(status=Status.PENDING)
    response = client.post(
        page_url(partner) + "modifier/", update_data(partner, name="Nouveau nom"), follow=True
    )
    partner.refresh_from_db()
    assert partner.name == "Nouveau nom"
    assert partner.pending_changes == {}
    # Not "your changes are public": nothing of a pending venue is.
    html = response.content.decode()
    assert "pas sur la carte publique en ce moment" in html
    assert "publiques" not in html


def test_an_approved_venues_hours_are_said_public_once_saved(client, approved):
    response = client.post(
        page_url(approved) + "modifier/", update_data(approved, phone="01 45 00 00 00"), follow=True
    )
    assert "vos modifications sont publiques" in response.content.decode()


def test_the_leaving_page_says_optional_once(client, approved):
    html = client.get(page_url(approved) + "quitter/").content.decode()
    assert html.count("(facultatif)") == 1


def test_an_invalid_update_keeps_what_was_typed(client, approved):
    response = client.post(
        page_url(approved) + "modifier/", update_data(approved, phone="123", name="Nom tapé")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone valide" in html
    assert 'value="Nom tapé"' in html
    approved.refresh_from_db()
    assert approved.name == "Piscine des Amiraux"


def test_leaving_asks_for_confirmation_then_takes_the_venue_off_the_map(
    client, approved, mailoutbox, on_commit
):
    url = page_url(approved)
    assert client.get(url + "quitter/").status_code == 200
    unconfirmed = client.post(url + "quitter/", {"reason": "Fermeture"})
    assert "Cochez cette case pour confirmer" in unconfirmed.content.decode()
    assert Partner.objects.public().filter(pk=approved.pk).exists()

    with on_commit(execute=True):
        response = client.post(
            url + "quitter/", {"reason": "Fermeture définitive", "confirm": "on"}
        )
    assert response.status_code == 302
    assert "Retirée" in client.get(response["Location"]).content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.WITHDRAWN
    assert not Partner.objects.public().filter(pk=approved.pk).exists()
    sticker = approved.sticker_number
    assert sticker  # kept on the row: never issued again
    assert approved.events.get(to_status=Status.WITHDRAWN).reason == "Fermeture définitive"
    assert sticker in mailoutbox[-1].body


def test_after_withdrawal_a_new_link_shows_the_status_but_no_longer_edits(client, approved):
    old_url = page_url(approved)
    selfservice.withdraw_partner(partner=approved, reason="")
    # Leaving ends the links sent before (partners.links); a link asked for since reads.
    assert client.get(old_url).status_code == 400
    assert client.post(old_url + "quitter/", {"confirm": "on"}).status_code == 400
    approved.refresh_from_db()
    url = page_url(approved)
    html = client.get(url).content.decode()
    assert "Retirée" in html
    assert "/modifier/" not in html
    assert client.get(url + "modifier/")["Location"] == url
    client.post(url + "modifier/", update_data(approved, name="Retour discret"))
    client.post(url + "quitter/", {"confirm": "on"})
    approved.refresh_from_db()
    assert approved.name == "Piscine des Amiraux"
    assert approved.events.filter(to_status=Status.WITHDRAWN).count() == 1


def test_an_expired_link_says_so_and_how_to_get_a_new_one(client, approved):
    with time_machine.travel(
        datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), tick=False
    ) as clock:
        url = page_url(approved)
        clock.shift(datetime.timedelta(days=8))
        response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert "Ce lien a expiré" in html
    assert 'href="/mon-lieu/"' in html


def test_an_expired_confirmation_link_says_so(client):
    partner = PartnerFactory(status=Status.UNCONFIRMED)
    with time_machine.travel(
        datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), tick=False
    ) as clock:
        token = links.make_token(partner, links.CONFIRM)
        clock.shift(datetime.timedelta(days=8))
        response = client.post(f"/rejoindre/confirmer/{token}/")
    assert response.status_code == 410
    partner.refresh_from_db()
    assert partner.status == Status.UNCONFIRMED


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "A" + t, lambda t: "nimportequoi"]
)
def test_a_tampered_link_is_refused(client, approved, mangle):
    token = links.make_token(approved, links.SELFSERVICE)
    response = client.get(f"/mon-lieu/{mangle(token)}/")
    assert response.status_code == 400
    assert "Ce lien n'est pas valide" in response.content.decode()


def test_a_confirmation_link_cannot_open_the_venue_page(client, approved):
    token = links.make_token(approved, links.CONFIRM)
    assert client.get(f"/mon-lieu/{token}/").status_code == 400


def test_a_link_dies_when_the_contact_email_changes(client, approved):
    url = page_url(approved)
    Partner.objects.filter(pk=approved.pk).update(contact_email="nouvelle@example.org")
    assert client.get(url).status_code == 400


def test_the_page_never_shows_another_partners_data(client, approved):
    other = PartnerFactory(name="Autre lieu secret")
    assert "Autre lieu secret" not in client.get(page_url(approved)).content.decode()
    assert other.name in client.get(page_url(other)).content.decode()


def test_saving_again_keeps_the_changes_awaiting_review(client, approved):
    url = page_url(approved) + "modifier/"
    client.post(url, update_data(approved, name="Piscine Rénovée"))
    form = client.get(url).content.decode()
    assert 'value="Piscine Rénovée"' in form  # the form shows what awaits review
    # Saving the form again (for new hours) neither cancels nor repeats the pending change.
    client.post(url, update_data(approved, name="Piscine Rénovée", opens_1_0="07:00"))
    approved.refresh_from_db()
    assert approved.pending_changes == {"name": "Piscine Rénovée"}
    assert approved.events.filter(reason=selfservice.AWAITING_REVIEW).count() == 1
    assert approved.opening_intervals.get().opens == datetime.time(7)
