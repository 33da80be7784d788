"""Staff see each venue's trained people, and approval asks for enough of them."""

from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from partners.models import Status
from partners.services.training import record_pass
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:partners_partner_changelist")


@pytest.fixture
def two_required(settings):
    settings.TRAINED_PEOPLE_FOR_APPROVAL = 2


@pytest.fixture
def venues(two_required):
    trained = PartnerFactory(name="Librairie Formée")
    record_pass(partner=trained, name="Camille", score=8)
    record_pass(partner=trained, name="Sam", score=7)
    half = PartnerFactory(name="Bar À Moitié")
    record_pass(partner=half, name="Lou", score=8)
    untrained = PartnerFactory(name="Piscine Sans Formation")
    return trained, half, untrained


def test_the_list_shows_each_venues_trained_people_in_a_column(admin_client, venues):
    html = admin_client.get(CHANGELIST).content.decode()
    assert "column-trained" in html
    for partner, count in zip(venues, (2, 1, 0), strict=True):
        row = html.split(partner.name, 1)[1].split("</tr>", 1)[0]
        assert f'<td class="field-trained">{count}</td>' in row


def test_the_training_filter_against_what_approval_asks(admin_client, venues):
    missing = admin_client.get(CHANGELIST, {"training": "missing"}).content.decode()
    assert "Bar À Moitié" in missing
    assert "Piscine Sans Formation" in missing
    assert "Librairie Formée" not in missing
    enough = admin_client.get(CHANGELIST, {"training": "enough"}).content.decode()
    assert "Librairie Formée" in enough
    assert "Bar À Moitié" not in enough


def test_the_list_is_ordered_by_trained_people(admin_client, venues):
    # "trained" is the list's 9th column (after the action checkbox, the 0th).
    names = [partner.name for partner in venues]
    most = admin_client.get(CHANGELIST, {"o": "-9"}).content.decode()
    assert sorted(names, key=most.index) == names
    fewest = admin_client.get(CHANGELIST, {"o": "9"}).content.decode()
    assert sorted(names, key=fewest.index) == names[::-1]


def test_the_change_page_names_the_trained_people(admin_client, venues):
    trained, _half, untrained = venues
    url = reverse("admin:partners_partner_change", args=[trained.pk])
    html = unescape(admin_client.get(url).content.decode())
    assert "Formation de l'équipe" in html
    assert "Camille (" in html
    assert "Sam (" in html
    url = reverse("admin:partners_partner_change", args=[untrained.pk])
    assert "Personne pour l'instant (2 demandées pour l'approbation)." in unescape(
        admin_client.get(url).content.decode()
    )


def test_approving_from_the_change_page_says_why_it_cannot_yet(admin_client, venues):
    _trained, half, _untrained = venues
    url = reverse("admin:partners_partner_decide", args=[half.pk, "approve"])
    response = admin_client.get(url, follow=True)
    assert "a 1 personne formée sur les 2 demandées" in response.content.decode()
    half.refresh_from_db()
    assert half.status == Status.PENDING


def test_approving_from_the_list_approves_the_trained_venue_only(admin_client, venues):
    trained, half, _untrained = venues
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "approve",
            ACTION_CHECKBOX_NAME: [trained.pk, half.pk],
            "confirm": "yes",
            "reason": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "a 1 personne formée sur les 2 demandées" in html
    trained.refresh_from_db()
    half.refresh_from_db()
    assert (trained.status, half.status) == (Status.APPROVED, Status.PENDING)
