"""/mon-lieu/ must not tell, by its answer or its timing, whether an email address belongs
to a venue: the answer is the same, and it is complete before any link is sent."""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory

from partners.join_views import selfservice_request
from partners.models import Status
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("traits", [{"approved": True}, {"status": Status.UNCONFIRMED}])
def test_the_answer_is_ready_before_any_link_is_sent(
    traits, mailoutbox, django_capture_on_commit_callbacks
):
    PartnerFactory(contact_email="camille@example.org", **traits)
    request = RequestFactory().post("/mon-lieu/", {"email": "Camille@example.org"})
    request._dont_enforce_csrf_checks = True
    with django_capture_on_commit_callbacks(execute=True):
        response = selfservice_request(request)
    assert response.status_code == 200
    assert mailoutbox == []
    # What the WSGI server does once the answer has left (as Django's test client does,
    # keeping the test's database connection open).
    request_finished.disconnect(close_old_connections)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response.close()
    finally:
        request_finished.connect(close_old_connections)
    (email,) = mailoutbox
    assert email.to == ["camille@example.org"]


def test_known_and_unknown_addresses_get_the_same_answer(client):
    PartnerFactory(contact_email="camille@example.org", approved=True)
    known = client.post("/mon-lieu/", {"email": "camille@example.org"})
    unknown = client.post("/mon-lieu/", {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"camille", b"personne") == unknown.content
