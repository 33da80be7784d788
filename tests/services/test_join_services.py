"""The venue's journey at the service level: idempotency under concurrency, reviews, leaving."""

import importlib
import threading
import uuid

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point
from django.db import connection

from partners.models import Charter, Partner, Status
from partners.services import applications, decisions, selfservice
from tests.factories import PartnerFactory

first_charter = importlib.import_module("partners.migrations.0003_first_charter")


def application_data(**overrides):
    return {
        "name": "Pharmacie de la Gare",
        "kind": "pharmacy",
        "siret": "73282932000074",
        "address": "1 place de la Gare",
        "postcode": "67000",
        "city": "Strasbourg",
        "department": "67",
        "insee_code": "67482",
        "location": Point(7.7345, 48.5846, srid=4326),
        "contact_name": "Lou",
        "contact_email": "lou@example.org",
        "contact_phone": "+33612345678",
        **overrides,
    }


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_posted_twice_at_once_creates_one_application():
    first_charter.add_first_charter(apps, None)  # transactional tests start from a flushed DB
    key, charter = uuid.uuid4(), Charter.current()
    barrier = threading.Barrier(2)
    results = []

    def submit():
        barrier.wait()
        try:
            partner, created = applications.submit_application(
                sites=[(application_data(), [], [])], charter=charter, submission_key=key
            )
            results.append((partner.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Partner.objects.count() == 1
    assert sorted(created for _pk, created in results) == [False, True]
    assert len({pk for pk, _created in results}) == 1


@pytest.mark.django_db
def test_a_change_reverted_before_review_leaves_nothing_to_review():
    partner = decisions.approve_partner(partner=PartnerFactory(name="Bar Alpha"))
    selfservice.update_partner(partner=partner, changes={"name": "Bar Beta"})
    partner.refresh_from_db()
    assert partner.pending_changes == {"name": "Bar Beta"}
    selfservice.update_partner(partner=partner, changes={"name": "Bar Alpha"})
    partner.refresh_from_db()
    assert partner.pending_changes == {}
    assert partner.name == "Bar Alpha"


@pytest.mark.django_db
def test_staff_edits_are_recorded_with_the_user(django_user_model):
    user = django_user_model.objects.create_user("relecteur")
    partner = PartnerFactory()
    selfservice.update_partner(partner=partner, changes={"website": "https://a.example"}, by=user)
    event = partner.events.get()
    assert event.by == user
    assert event.changes == {"website": ["", "https://a.example"]}


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.REJECTED, Status.REVOKED, Status.WITHDRAWN])
def test_a_closed_partner_can_neither_edit_nor_leave(status):
    partner = PartnerFactory(status=status)
    with pytest.raises(ValueError, match="cannot"):
        selfservice.update_partner(partner=partner, changes={"name": "X"})
    with pytest.raises(ValueError, match="cannot"):
        selfservice.withdraw_partner(partner=partner, reason="")


@pytest.mark.django_db
def test_a_withdrawn_sticker_number_is_never_issued_again():
    partner = decisions.approve_partner(partner=PartnerFactory())
    sticker = partner.sticker_number
    selfservice.withdraw_partner(partner=partner, reason="Déménagement")
    newcomer = decisions.approve_partner(partner=PartnerFactory())
    partner.refresh_from_db()
    assert partner.sticker_number == sticker
    assert newcomer.sticker_number != sticker
    assert partner.status == Status.WITHDRAWN
    assert partner.status_changed_at is not None
