"""/mon-lieu/ must not tell, by its answer or its timing, whether an email address belongs
to a venue: the answer is the same, and the request does the same work either way (it
queues one task; the lookup and the links are the worker's)."""

import pytest
from django_tasks_db.models import DBTaskResult

from partners.models import Status
from tests.factories import PartnerFactory
from tests.services.test_emails import DATABASE_QUEUE, run_queue_here

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("traits", [{"approved": True}, {"status": Status.UNCONFIRMED}])
def test_the_request_queues_the_same_task_for_known_and_unknown_addresses(
    traits, client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    PartnerFactory(contact_email="camille@example.org", **traits)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/mon-lieu/", {"email": "Camille@example.org"})
        unknown = client.post("/mon-lieu/", {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert mailoutbox == []
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.task_path for row in queued] == [queued[0].task_path] * 2
    for _ in range(2):  # the lookup, then the email it queued
        with django_capture_on_commit_callbacks(execute=True):
            run_queue_here()
    (email,) = mailoutbox
    assert email.to == ["camille@example.org"]


def test_known_and_unknown_addresses_get_the_same_answer(client):
    PartnerFactory(contact_email="camille@example.org", approved=True)
    known = client.post("/mon-lieu/", {"email": "camille@example.org"})
    unknown = client.post("/mon-lieu/", {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"camille", b"personne") == unknown.content
