"""Invitations: the email and its links, opened, applied, joined, opted out for ever, two
reminders at most, and the admin's filters, actions, scope and figures."""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.management import call_command

from partners.models import (
    Candidate,
    CandidateEvent,
    CandidateSource,
    CandidateStatus,
    Kind,
    OptOut,
    Partner,
    ReviewerScope,
    Status,
)
from partners.services import decisions, invitations
from tests import signin
from tests.factories import PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def candidate(**fields) -> Candidate:
    values = {
        "source": CandidateSource.ANNUAIRE,
        "source_id": f"id-{Candidate.objects.count()}",
        "name": "Mairie - Ahun",
        "kind": Kind.TOWN_HALL,
        "address": "2 place de la Mairie",
        "postcode": "23150",
        "city": "Ahun",
        "insee_code": "23001",
        "department": "23",
        "location": Point(2.04468, 46.08613, srid=4326),
        "email": "mairie.ahun@wanadoo.fr",
        "phone": "05 55 62 40 24",
    }
    return Candidate.objects.create(**(values | fields))


def path_in(message, name: str) -> str:
    pattern = {
        "invitation": r"(/rejoindre/invitation/[^/\s]+/)(?:\s|$)",
        "opt_out": r"(/rejoindre/invitation/\S+/desinscription/)",
    }
    return re.search(pattern[name], message.body).group(1)


@pytest.fixture
def staff(verified_staff):
    return verified_staff


@pytest.fixture
def sent(settings, django_capture_on_commit_callbacks, staff):
    """Invite a candidate and return the email."""
    settings.SITE_URL = "http://testserver"

    def invite(who):
        with django_capture_on_commit_callbacks(execute=True):
            assert invitations.invite(candidate=who, by=staff)
        return mail.outbox[-1]

    return invite


def test_an_invitation_emails_the_generic_address_a_link_to_a_prefilled_application(client, sent):
    town_hall = candidate()
    message = sent(town_hall)

    assert message.to == ["mairie.ahun@wanadoo.fr"]
    assert "« Mairie - Ahun » peut devenir un lieu sûr" in message.subject
    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.INVITED
    assert town_hall.invited_at
    page = client.get(path_in(message, "invitation")).content.decode()
    assert 'value="Mairie - Ahun"' in page
    assert 'value="2 place de la Mairie"' in page
    assert 'value="23150"' in page
    assert 'value="mairie.ahun@wanadoo.fr"' in page
    assert '<option value="town_hall" selected>' in page
    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.OPENED
    assert list(town_hall.events.values_list("to_status", flat=True)) == [
        CandidateStatus.OPENED,
        CandidateStatus.INVITED,
    ]
    # Not invited twice.
    assert not invitations.invite(candidate=town_hall, by=None)


def test_applying_through_the_invitation_makes_the_candidate_applied_then_joined(
    client,
    sent,
    quick_forms,  # noqa: F811 (the fixture)
    staff,
):
    town_hall = candidate()
    path = path_in(sent(town_hall), "invitation")
    data = application(client, name="Mairie d'Ahun", kind="town_hall", siret="")
    data.update(
        {
            "address": "2 place de la Mairie",
            "postcode": "23150",
            "city": "Ahun",
            "lat": "46.08613",
            "lon": "2.04468",
        }
    )

    response = client.post(path, data)

    assert response.status_code == 302
    partner = Partner.objects.get(name="Mairie d'Ahun")
    town_hall.refresh_from_db()
    assert (town_hall.status, town_hall.partner) == (CandidateStatus.APPLIED, partner)
    # The link now leads to the application sent.
    assert client.get(path).url == f"/rejoindre/merci/{partner.reference}/"

    Partner.objects.filter(pk=partner.pk).update(status=Status.PENDING, pin_source="venue")
    decisions.approve_partner(partner=partner, by=staff)
    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.JOINED
    assert town_hall.events.first().note == partner.reference


def test_an_opt_out_is_honoured_for_ever_even_after_a_new_import(client, sent, staff):
    call_command(
        "import_candidates",
        "--source",
        "annuaire",
        str(FIXTURES / "annuaire.json"),
        stdout=io.StringIO(),
    )
    town_hall = Candidate.objects.get(name="Mairie - Ahun")
    message = sent(town_hall)
    opt_out = path_in(message, "opt_out")

    page = client.get(opt_out).content.decode()
    assert "Ne plus jamais écrire à cette adresse" in page
    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.INVITED  # a GET (a mail scanner) changes nothing
    client.post(opt_out)

    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.DECLINED
    assert OptOut.objects.filter(email="mairie.ahun@wanadoo.fr").exists()
    # The invitation link dies with it.
    assert client.get(path_in(message, "invitation")).status_code == 400
    # Re-imported, or under another candidate: never invited again, never reminded.
    call_command(
        "import_candidates",
        "--source",
        "annuaire",
        str(FIXTURES / "annuaire.json"),
        stdout=io.StringIO(),
    )
    town_hall.refresh_from_db()
    assert town_hall.status == CandidateStatus.DECLINED
    twin = candidate(source_id="other", email="Mairie.Ahun@wanadoo.fr".lower())
    assert not invitations.invite(candidate=twin, by=staff)
    assert len(mail.outbox) == 1


def test_two_reminders_at_most_then_no_answer(settings, django_capture_on_commit_callbacks, sent):
    settings.INVITATION_REMINDER_DAYS = 14
    with time_machine.travel(START, tick=False):
        town_hall = candidate()
        sent(town_hall)

    def remind(days):
        out = io.StringIO()
        with (
            time_machine.travel(START + datetime.timedelta(days=days), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("send_invitation_reminders", stdout=out)
        town_hall.refresh_from_db()
        return out.getvalue()

    assert remind(13).startswith("0 reminder(s) sent")
    assert remind(14).startswith("1 reminder(s) sent")
    assert remind(20).startswith("0 reminder(s) sent")  # daily cron: nothing more yet
    assert remind(28).startswith("1 reminder(s) sent")
    assert town_hall.reminders_sent == 2
    assert remind(42) == "0 reminder(s) sent, 1 candidate(s) without an answer, 0 opted out.\n"
    assert town_hall.status == CandidateStatus.NO_ANSWER
    assert remind(100).startswith("0 reminder(s) sent, 0 candidate")
    assert [m.subject.startswith("Rappel") for m in mail.outbox] == [False, True, True]
    assert (
        CandidateEvent.objects.filter(candidate=town_hall, note__startswith="reminder").count() == 2
    )


def _admin(client, user):
    signin.verified_login(client, user)


def test_staff_filter_white_zones_and_invite_from_the_admin(client, staff, settings):
    settings.SITE_URL = "http://testserver"
    far = candidate(name="Mairie - Ahun")
    near = candidate(
        name="Mairie - Trappes",
        city="Trappes",
        department="78",
        location=Point(1.99396, 48.77529, srid=4326),
        email="accueil@ville-trappes.fr",
    )
    candidate(name="Sans adresse", email="", location=None)
    # An approved partner 3 km from Trappes' town hall.
    PartnerFactory(approved=True, location=Point(1.9535, 48.7760, srid=4326), department="78")
    _admin(client, staff)

    listed = client.get("/admin/partners/candidate/?white_zone=5").content.decode()
    assert "Mairie - Ahun" in listed
    assert "Mairie - Trappes" not in listed
    assert "Sans adresse" not in listed
    listed = client.get("/admin/partners/candidate/?white_zone=1").content.decode()
    assert "Mairie - Ahun" in listed
    assert "Mairie - Trappes" in listed

    response = client.post(
        "/admin/partners/candidate/?white_zone=1",
        {"action": "invite", "_selected_action": [far.pk, near.pk]},
        follow=True,
    )
    assert "2 invitations envoyées." in response.content.decode()
    assert {c.status for c in Candidate.objects.filter(pk__in=[far.pk, near.pk])} == {
        CandidateStatus.INVITED
    }


def test_a_reviewer_sees_the_candidates_of_their_departements_only(client, django_user_model):
    from django.contrib.auth.models import Group

    reviewer = django_user_model.objects.create_user("relecteur", password="x", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    ReviewerScope.objects.create(user=reviewer, departments=["78"])
    candidate(name="Mairie - Ahun")
    candidate(name="Mairie - Trappes", department="78", city="Trappes")
    _admin(client, reviewer)

    listed = client.get("/admin/partners/candidate/").content.decode()
    assert "Mairie - Trappes" in listed
    assert "Mairie - Ahun" not in listed
    figures = client.get("/admin/partners/candidate/figures/territory.csv").content.decode()
    assert "Île-de-France" in figures
    assert "Nouvelle-Aquitaine" not in figures


def test_conversion_figures_by_kind_and_territory(client, staff):
    candidate(status=CandidateStatus.JOINED, invited_at=START, partner=PartnerFactory())
    candidate(status=CandidateStatus.NO_ANSWER, invited_at=START)
    candidate(kind=Kind.LIBRARY, name="Médiathèque")
    _admin(client, staff)

    page = client.get("/admin/partners/candidate/figures/").content.decode()
    assert "Nouvelle-Aquitaine" in page
    rows = client.get("/admin/partners/candidate/figures/kind.csv").content.decode().splitlines()
    # Candidates, invited, opened, applied, joined, declined, no answer, joined / invited.
    assert rows[1:] == [
        "Bibliothèque, médiathèque;1;0;0;0;0;0;0;",
        "Mairie;2;2;1;1;1;0;1;50,0",
    ]
    xlsx = client.get("/admin/partners/candidate/figures/territory.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_candidates_are_never_public(client):
    candidate(name="Mairie secrète")
    assert "Mairie secrète" not in client.get("/api/v1/partners.geojson").content.decode()
    assert "Mairie secrète" not in client.get("/lieux/").content.decode()
