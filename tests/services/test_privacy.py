"""RGPD: the privacy notice, retention (purge_personal_data), export and erasure on request."""

import datetime
import json

import pytest
import time_machine
from axes.models import AccessLog
from django.core.management import call_command
from django.test import Client

from partners.models import Partner, PartnerEvent, Status
from partners.services.privacy import CONTACT_FIELDS
from tests.factories import PartnerFactory

NOW = datetime.datetime(2026, 6, 15, 3, 0, tzinfo=datetime.UTC)


def days_before_now(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def created_at(when: datetime.datetime, **fields) -> Partner:
    with time_machine.travel(when, tick=False):
        return PartnerFactory(status_changed_at=when, **fields)


@pytest.mark.django_db
def test_purge_applies_each_retention_period(capsys):
    old_unconfirmed = created_at(days_before_now(31), status=Status.UNCONFIRMED)
    young_unconfirmed = created_at(days_before_now(29), status=Status.UNCONFIRMED)
    old_rejected = created_at(days_before_now(400), status=Status.REJECTED)
    young_rejected = created_at(days_before_now(300), status=Status.REJECTED)
    gone = created_at(days_before_now(500), status=Status.WITHDRAWN)
    PartnerEvent.objects.create(
        partner=gone,
        at=days_before_now(370),
        from_status=Status.APPROVED,
        to_status=Status.WITHDRAWN,
        reason="La librairie ferme.",
        changes={"contact_email": ["old@example.org", "new@example.org"], "name": ["A", "B"]},
    )
    gone.status_changed_at = days_before_now(370)
    gone.save()
    recently_revoked = created_at(days_before_now(100), status=Status.REVOKED)
    old_approved = created_at(days_before_now(900), approved=True)
    with time_machine.travel(days_before_now(200), tick=False):
        AccessLog.objects.create(username="camille", ip_address="203.0.113.7", user_agent="x")
    with time_machine.travel(days_before_now(10), tick=False):
        AccessLog.objects.create(username="camille", ip_address="203.0.113.7", user_agent="x")

    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data")

    remaining = set(Partner.objects.values_list("pk", flat=True))
    assert old_unconfirmed.pk not in remaining
    assert old_rejected.pk not in remaining
    assert {young_unconfirmed.pk, young_rejected.pk, gone.pk, recently_revoked.pk} <= remaining
    assert not PartnerEvent.objects.filter(partner_id=old_rejected.pk).exists()

    gone.refresh_from_db()
    assert [getattr(gone, f) for f in CONTACT_FIELDS] == ["", "", "", ""]
    assert gone.contact_erased_at == NOW
    assert gone.name  # the venue itself is not personal data
    decision = gone.events.get(to_status=Status.WITHDRAWN)
    assert decision.reason == "La librairie ferme."
    assert decision.changes == {"name": ["A", "B"]}

    for kept in (recently_revoked, old_approved, young_rejected):
        kept.refresh_from_db()
        assert kept.contact_name == "Camille Martin"
    assert AccessLog.objects.count() == 1
    assert "Deleted 1 unconfirmed and 1 rejected applications; erased 1 former contacts" in (
        capsys.readouterr().out
    )


@pytest.mark.django_db
def test_retention_periods_are_settings(settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 7
    application = created_at(days_before_now(8), status=Status.UNCONFIRMED)
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", stdout=None)
    assert not Partner.objects.filter(pk=application.pk).exists()


@pytest.mark.django_db
def test_a_second_purge_changes_nothing():
    created_at(days_before_now(500), status=Status.REVOKED)
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data")
        events = PartnerEvent.objects.count()
        call_command("purge_personal_data")
    assert PartnerEvent.objects.count() == events


def run_action(client, action: str, partners, **extra):
    # From the list of every status: the list without a filter is the queue (pending
    # applications only), and an action applies to the selected rows of the list shown.
    return client.post(
        "/admin/partners/partner/?status=all",
        {"action": action, "_selected_action": [p.pk for p in partners], **extra},
    )


@pytest.mark.django_db
def test_staff_export_everything_about_a_contact_person(staff_client):
    first = PartnerFactory(approved=True, contact_email="Alex@Example.org", contact_name="Alex")
    second = PartnerFactory(contact_email="alex@example.org", contact_name="Alex")
    stranger = PartnerFactory(contact_email="someone@example.org")

    response = run_action(staff_client, "export_contact_data", [first])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [venue["reference"] for venue in data["venues"]] == [first.reference, second.reference]
    assert data["venues"][0]["contact_name"] == "Alex"
    assert data["venues"][0]["contact_phone"] == "+33612345678"
    assert stranger.contact_email not in response.content.decode()
    # The export itself is on record.
    assert first.events.filter(reason="Données du contact exportées.").exists()


@pytest.mark.django_db
def test_staff_erase_a_contact_person_after_confirming(staff_client):
    partner = PartnerFactory(approved=True, contact_email="alex@example.org")
    PartnerEvent.objects.create(
        partner=partner, changes={"contact_phone": ["+33612345678", "+33698765432"]}
    )

    confirmation = run_action(staff_client, "erase_contact_data", [partner])
    assert confirmation.status_code == 200
    assert "alex@example.org" in confirmation.content.decode()
    partner.refresh_from_db()
    assert partner.contact_email == "alex@example.org"  # nothing happens before confirming

    response = run_action(staff_client, "erase_contact_data", [partner], confirm="yes")
    assert response.status_code == 302
    partner.refresh_from_db()
    assert [getattr(partner, f) for f in CONTACT_FIELDS] == ["", "", "", ""]
    assert partner.contact_erased_at is not None
    assert partner.status == Status.APPROVED
    dumped = json.dumps(list(partner.events.values("changes", "reason")))
    assert "+3361234" not in dumped
    assert "alex@example.org" not in dumped
    assert partner.events.filter(by__username="camille").exists()


@pytest.mark.django_db
def test_the_privacy_notice_says_who_what_how_long_and_how_to_ask(settings):
    settings.PRIVACY_CONTACT_EMAIL = "dpo@flag.example"
    response = Client().get("/confidentialite/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "FLAG!" in body
    assert "mailto:dpo@flag.example" in body
    assert "cnil.fr" in body
    assert f"{settings.RETENTION_UNCONFIRMED_DAYS} jours" in body
    assert '<html lang="fr">' in body
    # What the phone keeps for offline use, and where to erase it.
    assert "garde sur votre téléphone, et seulement là" in body
    assert 'href="/aide/#offline"' in body
    english = Client().get("/en/confidentialite/").content.decode()
    assert '<html lang="en">' in english
    assert "Privacy notice" in english
