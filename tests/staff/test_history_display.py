"""Every history entry written by any path (staff edits, the venue, erasure on request, the
retention purge, and the rows older versions wrote) shows in the admin's history list, on the
partner's change page and on the venue's own page."""

import datetime

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from partners.domain import links
from partners.models import OpeningInterval, Partner, PartnerEvent, Status
from partners.services import decisions
from partners.services.privacy import CONTACT_FIELDS, purge_personal_data
from tests.factories import OpeningIntervalFactory, PartnerFactory
from tests.staff.test_admin import _form_data, change_url

pytestmark = pytest.mark.django_db

HISTORY = reverse("admin:partners_partnerevent_changelist")


def selfservice_url(partner):
    return f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/"


def assert_history_shows(admin_client, partner, *texts):
    for url in (HISTORY, change_url(partner)):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        for text in texts:
            assert text in response.text, (url, text)


def test_history_shows_a_contact_erased_on_request(admin_client):
    partner = PartnerFactory(approved=True, contact_name="Alex Dupont")
    admin_client.post(
        reverse("admin:partners_partner_changelist") + "?status=all",
        {"action": "erase_contact_data", ACTION_CHECKBOX_NAME: [partner.pk], "confirm": "yes"},
    )
    partner.refresh_from_db()
    assert partner.contact_erased_at is not None

    assert_history_shows(admin_client, partner, "Données du contact effacées.")
    assert "Alex Dupont" not in admin_client.get(HISTORY).text


def test_history_shows_a_contact_erased_by_the_retention_purge(admin_client, settings):
    now = datetime.datetime(2026, 6, 15, 3, 0, tzinfo=datetime.UTC)
    gone = now - datetime.timedelta(days=settings.RETENTION_FORMER_CONTACT_DAYS + 1)
    partner = PartnerFactory(status=Status.WITHDRAWN, status_changed_at=gone)
    with time_machine.travel(now, tick=False):
        assert purge_personal_data().contacts_erased == 1

    assert_history_shows(admin_client, partner, "Durée de conservation écoulée.")


def test_history_shows_rows_written_by_earlier_versions(admin_client, client):
    """Production databases hold erasures written as {"field": "erased"} and staff edits
    of the hours under "opening_hours"."""
    partner = PartnerFactory(approved=True)
    PartnerEvent.objects.create(
        partner=partner, reason="Ancien effacement", changes=dict.fromkeys(CONTACT_FIELDS, "erased")
    )
    PartnerEvent.objects.create(
        partner=partner, changes={"opening_hours": ["Lundi 09:00–18:00", "Lundi 09:00–19:00"]}
    )

    assert_history_shows(admin_client, partner, "Ancien effacement", "Lundi 09:00–19:00")
    assert client.get(selfservice_url(partner)).status_code == 200


def test_the_venue_page_shows_hours_edited_by_staff(admin_client, client):
    partner = decisions.approve_partner(partner=PartnerFactory(name="Piscine des Amiraux"))
    OpeningIntervalFactory(partner=partner, weekday=1)
    data = _form_data(admin_client.get(change_url(partner)))
    data["opening_intervals-0-closes"] = "19:00"
    data["edit_reason"] = "Horaires d'été"

    response = admin_client.post(change_url(partner), data)

    assert response.status_code == 302
    assert partner.events.filter(reason="Horaires d'été").exists()
    page = client.get(selfservice_url(Partner.objects.get(pk=partner.pk)))
    assert page.status_code == 200
    html = page.content.decode()
    monday = OpeningInterval.Weekday.MONDAY.label
    assert f"{monday} 09:00–19:00" in html
    # The history names the change in the venue's words.
    assert "horaires d&#x27;ouverture" in html


def test_a_history_row_is_titled_in_local_time_with_the_statuses_labels(admin_client):
    at = datetime.datetime(2026, 11, 29, 23, 51, tzinfo=datetime.UTC)  # 00:51 in Paris
    with time_machine.travel(at, tick=False):
        partner = decisions.approve_partner(partner=PartnerFactory(status=Status.PENDING))
    response = admin_client.get(change_url(partner))
    assert "2026-11-30 00:51 En cours d&#x27;examen → Accepté" in response.text
    assert "pending → approved" not in response.text
