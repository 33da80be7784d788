"""The one honeypot of the public forms: the application and the report of a problem."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from partners.models import Partner, Report
from partners.public.forms import ReportForm
from partners.venue.forms import JoinForm
from tests.factories import PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

REFUSAL = escape("Laissez vide le dernier champ, destiné aux robots.")


def _join(client):
    return "/rejoindre/formulaire/", application(client, homepage="http://spam.example")


def _report(client):
    partner = PartnerFactory(approved=True)
    url = reverse("partners:report", args=[partner.pk])
    return url, {"reason": "closed", "homepage": "http://spam.example"}


def _trap(html: str) -> str:
    return re.search(r'<div class="visually-hidden" aria-hidden="true">.*?</div>', html, re.S)[0]


@pytest.mark.parametrize("form", [_join, _report])
def test_a_filled_honeypot_is_refused_with_the_same_message_by_every_form(client, form):
    url, data = form(client)
    partners = Partner.objects.count()
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert REFUSAL in html
    assert Partner.objects.count() == partners
    assert not Report.objects.exists()
    # Sent back empty, so that a person whose browser filled it in can send the form again.
    assert 'value="http://spam.example"' not in _trap(html)


def test_both_forms_render_the_same_hidden_trap(client):
    join = client.get("/rejoindre/formulaire/").content.decode()
    report_url = reverse("partners:report", args=[PartnerFactory(approved=True).pk])
    report = client.get(report_url).content.decode()
    assert _trap(join) == _trap(report)
    assert 'tabindex="-1"' in _trap(join)


def test_both_forms_take_the_honeypot_from_one_declaration():
    from partners.domain.honeypot import HoneypotForm

    assert issubclass(JoinForm, HoneypotForm)
    assert issubclass(ReportForm, HoneypotForm)
