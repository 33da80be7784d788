import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from partners.domain import transitions
from partners.models import Charter, PartnerEvent, Status
from partners.services import decisions
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))
APPROVED_AT = datetime.datetime(2025, 11, 10, 9, 0, tzinfo=PARIS)


def send(capture):
    with capture(execute=True):
        call_command("send_reconfirmations", stdout=io.StringIO())


def link_in(message) -> str:
    return re.search(r"http://testserver(/mon-lieu/reconfirmer/\S+/)", message.body).group(1)


@pytest.fixture
def partner(settings):
    settings.SITE_URL = "http://testserver"
    settings.RECONFIRMATION_INTERVAL_DAYS = 365
    settings.RECONFIRMATION_GRACE_DAYS = 30
    return PartnerFactory(approved=True, approved_at=APPROVED_AT, contact_email="lieu@example.org")


def test_partners_are_asked_a_year_after_approval_once(partner, django_capture_on_commit_callbacks):
    PartnerFactory(approved=True, approved_at=APPROVED_AT + datetime.timedelta(days=5))
    PartnerFactory(status=Status.SUSPENDED, approved_at=APPROVED_AT, sticker_number="75-01000")

    with time_machine.travel(APPROVED_AT + datetime.timedelta(days=364), tick=False):
        send(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    with time_machine.travel(APPROVED_AT + datetime.timedelta(days=366), tick=False):
        send(django_capture_on_commit_callbacks)
        send(django_capture_on_commit_callbacks)  # cron runs daily: no second email

    assert [m.to for m in mail.outbox] == [["lieu@example.org"]]
    assert "/mon-lieu/reconfirmer/" in mail.outbox[0].body
    partner.refresh_from_db()
    assert partner.reconfirmation_requested_at == APPROVED_AT + datetime.timedelta(days=366)
    event = PartnerEvent.objects.get(partner=partner)
    assert event.actor == "send_reconfirmations"


def test_the_signed_link_reconfirms_and_the_next_request_is_a_year_later(
    client, partner, django_capture_on_commit_callbacks
):
    asked = APPROVED_AT + datetime.timedelta(days=366)
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])

    answered = asked + datetime.timedelta(days=3)
    with time_machine.travel(answered, tick=False):
        page = client.get(link)
        assert page.status_code == 200
        assert partner.name in page.text
        refused = client.post(link, {})
        assert refused.status_code == 200
        assert refused.context["form"].errors["confirm"]
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(link, {"confirm": "on"})
    assert done["Location"] == reverse("partners:reconfirm_done")
    partner.refresh_from_db()
    assert partner.reconfirmed_at == answered
    assert partner.events.filter(actor="venue").exists()
    assert "confirmé" in mail.outbox[-1].subject

    count = len(mail.outbox)
    with time_machine.travel(answered + datetime.timedelta(days=364), tick=False):
        send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == count
    with time_machine.travel(answered + datetime.timedelta(days=366), tick=False):
        send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == count + 1


def test_a_new_charter_version_is_accepted_and_recorded(
    client, partner, django_capture_on_commit_callbacks
):
    first = partner.charter
    asked = APPROVED_AT + datetime.timedelta(days=366)
    v2 = Charter.objects.create(
        version=2, text="Charte v2 : accueillir.", published_on=datetime.date(2026, 6, 1)
    )
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
        page = client.get(link_in(mail.outbox[0]))
        assert "Charte v2 : accueillir." in page.text
        client.post(link_in(mail.outbox[0]), {"confirm": "on"})
    partner.refresh_from_db()
    assert partner.charter == v2
    assert partner.charter_accepted_at == asked
    event = partner.events.get(actor="venue")
    assert event.changes["charter"] == [first.version, 2]


def test_unanswered_partners_are_flagged_overdue_after_the_grace_period(
    client, admin_user, partner, django_capture_on_commit_callbacks
):
    asked = APPROVED_AT + datetime.timedelta(days=366)
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
    overdue_list = reverse("admin:partners_partner_changelist") + (
        "?status=approved&reconfirmation=overdue"
    )
    # Staff sessions last hours (SESSION_COOKIE_AGE): sign in again on each day visited.
    with time_machine.travel(asked + datetime.timedelta(days=29), tick=False):
        signin.verified_login(client, admin_user)
        assert list(client.get(overdue_list).context["cl"].result_list) == []
    with time_machine.travel(asked + datetime.timedelta(days=31), tick=False):
        signin.verified_login(client, admin_user)
        assert list(client.get(overdue_list).context["cl"].result_list) == [partner]
        figures = client.get(reverse("admin:partners_partner_figures"))
        assert figures.context["overdue"] == 1


def test_a_tampered_or_expired_link_is_refused_clearly(
    client, partner, settings, django_capture_on_commit_callbacks
):
    settings.RECONFIRMATION_LINK_DAYS = 60
    asked = APPROVED_AT + datetime.timedelta(days=366)
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    with time_machine.travel(asked + datetime.timedelta(days=1), tick=False):
        assert client.get(link[:-3] + "xx/").status_code == 400
    with time_machine.travel(asked + datetime.timedelta(days=61), tick=False):
        response = client.get(link)
        assert response.status_code == 400
        assert client.post(link, {"confirm": "on"}).status_code == 400
    partner.refresh_from_db()
    assert partner.reconfirmed_at is None


def test_a_suspended_partner_cannot_reconfirm(client, partner, django_capture_on_commit_callbacks):
    asked = APPROVED_AT + datetime.timedelta(days=366)
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
        decisions.suspend_partner(partner=partner, by=None, reason="Fermé")
        assert client.post(link_in(mail.outbox[0]), {"confirm": "on"}).status_code == 400
    partner.refresh_from_db()
    assert partner.reconfirmed_at is None


def test_the_link_follows_the_one_rule_of_who_may_reconfirm(
    client, partner, django_capture_on_commit_callbacks, monkeypatch
):
    # The statuses are declared once (partners/domain/transitions.py): the page and the
    # service read the same declaration, so widening it reaches both.
    monkeypatch.setitem(transitions.APPLIES_IN, "reconfirm", (Status.APPROVED, Status.SUSPENDED))
    asked = APPROVED_AT + datetime.timedelta(days=366)
    with time_machine.travel(asked, tick=False):
        send(django_capture_on_commit_callbacks)
        decisions.suspend_partner(partner=partner, by=None, reason="Fermé")
        assert client.post(link_in(mail.outbox[0]), {"confirm": "on"}).status_code == 302
    partner.refresh_from_db()
    assert partner.reconfirmed_at is not None
