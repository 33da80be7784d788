"""PostgreSQL itself keeps the history (django-pgtrigger): raw SQL cannot change or delete
history entries, mystery checks or a published charter, nor delete a partner that was ever
public."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from partners.models import (
    Charter,
    Check,
    CheckOutcome,
    CheckWelcome,
    Partner,
    PartnerEvent,
    Status,
)
from partners.services import decisions
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.fixture
def decided(admin_user):
    """An approved partner with its history: who approved it, when, why."""
    partner = decisions.approve_partner(
        partner=PartnerFactory(status=Status.PENDING), by=admin_user, reason="Dossier complet."
    )
    return partner


def test_raw_sql_cannot_change_or_delete_a_history_entry(decided):
    event = decided.events.get()
    refused("UPDATE partners_partnerevent SET reason = 'Rien.' WHERE id = %s", [event.pk])
    refused("UPDATE partners_partnerevent SET by_id = NULL WHERE id = %s", [event.pk])
    refused("DELETE FROM partners_partnerevent WHERE id = %s", [event.pk])
    refused("DELETE FROM partners_partnerevent")
    event.refresh_from_db()
    assert event.reason == "Dossier complet."
    assert event.by is not None


def test_raw_sql_cannot_delete_a_partner_that_was_ever_public(decided):
    refused("DELETE FROM partners_partner WHERE id = %s", [decided.pk])
    decisions.revoke_partner(partner=decided, by=None, reason="Charte non respectée.")
    refused("DELETE FROM partners_partner WHERE id = %s", [decided.pk])
    assert Partner.objects.filter(pk=decided.pk).exists()


def test_raw_sql_cannot_erase_what_made_a_partner_public(decided):
    refused(
        "UPDATE partners_partner SET sticker_number = NULL, status = 'withdrawn' WHERE id = %s",
        [decided.pk],
    )
    refused("UPDATE partners_partner SET approved_at = NULL WHERE id = %s", [decided.pk])
    # Demo partners may be deleted (seed_demo): a real one is never made one.
    refused("UPDATE partners_partner SET is_demo = true WHERE id = %s", [decided.pk])
    refused("UPDATE partners_partner SET sticker_number = '75-99999' WHERE id = %s", [decided.pk])


def test_a_never_public_application_is_deleted_with_its_history():
    application = PartnerFactory(status=Status.PENDING)
    decisions.reject_partner(partner=application, by=None, reason="Hors réseau.")
    assert sql("DELETE FROM partners_partner WHERE id = %s", [application.pk]) == 1
    assert not PartnerEvent.objects.filter(partner_id=application.pk).exists()


def test_raw_sql_cannot_change_or_delete_a_published_charter():
    charter = Charter.objects.create(
        version=90, text="Nous accueillons.", published_on=timezone.localdate()
    )
    refused("UPDATE partners_charter SET text = 'Autre chose.' WHERE id = %s", [charter.pk])
    refused("UPDATE partners_charter SET published_on = '2999-01-01' WHERE id = %s", [charter.pk])
    refused("DELETE FROM partners_charter WHERE id = %s", [charter.pk])
    charter.refresh_from_db()
    assert charter.text == "Nous accueillons."


def test_a_charter_not_yet_published_can_still_be_edited():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    draft = Charter.objects.create(version=91, text="Brouillon.", published_on=tomorrow)
    assert sql("UPDATE partners_charter SET text = 'Relu.' WHERE id = %s", [draft.pk]) == 1
    assert sql("DELETE FROM partners_charter WHERE id = %s", [draft.pk]) == 1


def test_a_deleted_staff_account_leaves_its_decisions_in_the_history_unsigned(decided, admin_user):
    get_user_model().objects.filter(pk=admin_user.pk).delete()
    event = decided.events.get()
    assert event.by is None
    assert event.to_status == Status.APPROVED
    assert event.reason == "Dossier complet."


def test_the_admin_explains_that_an_ever_public_partner_is_not_deleted(admin_client, decided):
    # With a history (decided) or without one (approved by the factory, as demo data is).
    for partner in (decided, PartnerFactory(approved=True)):
        url = f"/admin/partners/partner/{partner.pk}/delete/"
        page = admin_client.get(url)
        assert page.status_code == 200
        assert "Retirez-le ou révoquez-le plutôt" in page.content.decode()
        assert admin_client.post(url, {"post": "yes"}).status_code == 200
        bulk = admin_client.post(
            "/admin/partners/partner/?status=all",
            {"action": "delete_selected", "_selected_action": [partner.pk], "post": "yes"},
        )
        assert bulk.status_code == 200
        assert "Retirez-le ou révoquez-le plutôt" in bulk.content.decode()
        assert Partner.objects.filter(pk=partner.pk).exists()


def test_the_admin_still_deletes_a_never_public_application_without_history(admin_client):
    application = PartnerFactory(status=Status.PENDING)
    response = admin_client.post(
        f"/admin/partners/partner/{application.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=application.pk).exists()


def _checked(partner, checker=None) -> Check:
    return Check.objects.create(
        partner=partner,
        checker=checker,
        visited_on=timezone.localdate(),
        sticker_visible=True,
        staff_knew=True,
        welcome=CheckWelcome.WARM,
        outcome=CheckOutcome.PASS,
        notes="Accueil chaleureux.",
    )


def test_raw_sql_cannot_change_or_delete_a_mystery_check(admin_user):
    check = _checked(PartnerFactory(approved=True), checker=admin_user)
    refused("UPDATE partners_check SET outcome = 'fail' WHERE id = %s", [check.pk])
    refused("UPDATE partners_check SET notes = '' WHERE id = %s", [check.pk])
    refused("UPDATE partners_check SET checker_id = NULL WHERE id = %s", [check.pk])
    refused("DELETE FROM partners_check WHERE id = %s", [check.pk])
    refused("DELETE FROM partners_check")
    with pytest.raises(IntegrityError), transaction.atomic():
        Check.objects.filter(pk=check.pk).update(proposes_suspension=False)
    check.refresh_from_db()
    assert (check.outcome, check.notes, check.checker) == (
        "pass",
        "Accueil chaleureux.",
        admin_user,
    )


def test_a_deleted_checker_leaves_their_checks_unsigned(make_checker):
    checker = make_checker()
    check = _checked(PartnerFactory(approved=True), checker=checker)
    checker.delete()
    check.refresh_from_db()
    assert check.checker is None
    assert (check.outcome, check.notes) == ("pass", "Accueil chaleureux.")


def test_a_demo_partner_is_deleted_with_its_checks():
    # seed_demo deletes the demo partners it made; a real partner that was checked has
    # been public, and is never deleted.
    demo = PartnerFactory(approved=True, is_demo=True)
    _checked(demo)
    assert Partner.objects.filter(pk=demo.pk).delete()[0] == 1
    assert not Check.objects.exists()
