import re

import pytest
from django.core import mail
from django.utils.html import escape

from partners.models import Charter, Partner, Status
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]


def test_join_page_shows_the_current_charter_and_links_to_the_form(client):
    response = client.get("/rejoindre/")
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(Charter.current().text.splitlines()[2]) in html
    assert "/rejoindre/formulaire/" in html


def test_join_page_exists_in_english(client):
    response = client.get("/en/rejoindre/")
    assert response.status_code == 200
    assert "Join the network" in response.content.decode()


def test_a_valid_application_is_stored_unconfirmed_and_emails_the_contact(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rejoindre/formulaire/", application(client))
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rejoindre/merci/{partner.reference}/"
    assert partner.status == Status.UNCONFIRMED
    assert partner.department == "75"
    assert partner.insee_code == "75056"
    assert str(partner.phone) == "+33143556677"
    assert str(partner.contact_phone) == "+33612345678"
    assert partner.languages == ["français", "anglais"]
    assert (partner.location.y, partner.location.x) == pytest.approx((48.8551, 2.3740))
    hours = [
        (i.weekday, f"{i.opens:%H:%M}", f"{i.closes:%H:%M}")
        for i in partner.opening_intervals.all()
    ]
    assert hours == [(1, "10:00", "19:00"), (2, "10:00", "13:00"), (2, "14:00", "19:00")]
    assert partner.events.get().to_status == Status.UNCONFIRMED
    (email,) = mail.outbox
    assert email.to == ["camille@example.org"]
    assert partner.reference in email.subject
    assert "/rejoindre/confirmer/" in email.body
    assert email.alternatives[0].mimetype == "text/html"

    thanks = client.get(response["Location"]).content.decode()
    assert partner.reference in thanks


def test_the_charter_version_shown_is_recorded_with_the_time(client):
    client.post("/rejoindre/formulaire/", application(client))
    partner = Partner.objects.get()
    assert partner.charter == Charter.current()
    assert partner.charter_accepted_at is not None


def test_a_charter_published_while_the_form_was_open_must_be_accepted_again(client):
    data = application(client)
    Charter.objects.create(
        version=2, text="Charte v2 : nouvel engagement.", published_on="2026-01-01"
    )
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert Partner.objects.count() == 0
    assert "La charte a changé depuis" in html
    assert "Charte v2 : nouvel engagement." in html
    assert 'name="charter_version" value="2"' in html
    # Accepting again, on the new version, goes through.
    data.update(charter_version="2")
    client.post("/rejoindre/formulaire/", data)
    assert Partner.objects.get().charter.version == 2


def test_confirming_the_email_puts_the_application_in_the_staff_queue(
    client, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@flag.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rejoindre/formulaire/", application(client))
    link = re.search(r"http://\S+/rejoindre/confirmer/\S+/", mail.outbox[0].body)[0]
    path = link.removeprefix(settings.SITE_URL)
    page = client.get(path)
    assert page.status_code == 200
    assert Partner.objects.get().status == Status.UNCONFIRMED  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    partner = Partner.objects.get()
    assert partner.status == Status.PENDING
    assert partner.confirmed_at is not None
    assert response.status_code == 302
    assert response["Location"].startswith("/mon-lieu/")
    staff = next(m for m in mail.outbox if m.to == ["equipe@flag.example"])
    assert partner.reference in staff.subject
    assert any("/mon-lieu/" in m.body for m in mail.outbox if m.to == ["camille@example.org"])
    # Confirming twice changes nothing.
    client.post(path)
    assert Partner.objects.get().events.count() == 2


def test_a_retried_post_creates_one_application_and_the_same_thank_you_page(client):
    data = application(client)
    first = client.post("/rejoindre/formulaire/", data)
    second = client.post("/rejoindre/formulaire/", data)
    assert Partner.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_without_coordinates_the_pin_comes_from_the_town(client):
    client.post("/rejoindre/formulaire/", application(client, lat="", lon=""))
    partner = Partner.objects.get()
    assert (partner.location.y, partner.location.x) == pytest.approx((48.85659, 2.34292))


def test_an_overseas_application_uses_the_territorys_phone_numbers(client):
    data = application(
        client,
        address="Rue Frébault",
        postcode="97110",
        city="Pointe-à-Pitre",
        phone="0590 82 12 34",
        contact_phone="0690 12 34 56",
        lat="16.2411",
        lon="-61.5331",
    )
    response = client.post("/rejoindre/formulaire/", data)
    assert response.status_code == 302, response.content.decode()
    partner = Partner.objects.get()
    assert partner.department == "971"
    assert str(partner.phone) == "+590590821234"
    assert str(partner.contact_phone) == "+590690123456"


def test_emails_show_names_as_typed_in_text_and_escaped_in_html(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rejoindre/formulaire/", application(client, name="Café <Bar> & Cie l'Abri"))
    (email,) = mail.outbox
    assert "« Café <Bar> & Cie l'Abri »" in email.body
    html = email.alternatives[0].content
    assert "Café &lt;Bar&gt; &amp; Cie l&#x27;Abri" in html
