"""The review queue of a public venue's proposed name, address or location: listed within
the reviewer's départements, shown before and after, applied (public at once, history,
email) or refused with a reason (history, email); bad input is never a 500."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Partner
from partners.public.search import public_version
from partners.services import changes, decisions, selfservice
from partners.services.common import DecisionRefused
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NEW_PLACE = Point(2.3600, 48.8600, srid=4326)


def propose(partner, **changes_):
    """The venue's own update, through the self-service service."""
    return selfservice.update_partner(partner=partner, changes=changes_, by="venue")


@pytest.fixture
def public_venue():
    partner = decisions.approve_partner(
        partner=PartnerFactory(name="Piscine des Amiraux", contact_email="piscine@example.org")
    )
    return propose(partner, name="Piscine Rénovée", address="3 rue Jules Ferry", location=NEW_PLACE)


def queue_url():
    return reverse("admin:partners_partner_changes")


def review_url(partner):
    return reverse("admin:partners_partner_changes_review", args=[partner.pk])


def apply_url(partner):
    return reverse("admin:partners_partner_changes_apply", args=[partner.pk])


def refuse_url(partner):
    return reverse("admin:partners_partner_changes_refuse", args=[partner.pk])


def seen(partner):
    partner.refresh_from_db()
    return changes.fingerprint(partner.pending_changes)


# The service.


def test_applying_makes_the_changes_public_records_history_and_tells_the_venue(
    public_venue, admin_user, django_capture_on_commit_callbacks
):
    version = public_version()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes.apply_pending_changes(partner=public_venue, by=admin_user, reason="Merci !")
    public = Partner.objects.public().get(pk=public_venue.pk)
    assert (public.name, public.address) == ("Piscine Rénovée", "3 rue Jules Ferry")
    assert public.location.equals_exact(NEW_PLACE, 1e-9)
    assert public.pending_changes == {}
    assert public_version() != version  # the GeoJSON and the tiles follow
    event = public.events.first()
    assert event.by == admin_user
    assert event.reason == "Merci !"
    assert event.changes["name"] == ["Piscine des Amiraux", "Piscine Rénovée"]
    assert event.changes["location"][1].startswith("SRID=4326;POINT")
    assert event.changes["pending_changes"][1] == {}
    assert event.changes["pending_changes"][0]["name"] == "Piscine Rénovée"
    (message,) = mail.outbox
    assert message.to == ["piscine@example.org"]
    assert "Vos modifications sont publiques" in message.subject
    assert "Piscine des Amiraux → Piscine Rénovée" in message.body
    assert "Merci !" in message.body


def test_refusing_keeps_the_public_details_records_the_reason_and_tells_the_venue(
    public_venue, admin_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes.refuse_pending_changes(
            partner=public_venue, by=admin_user, reason="Adresse introuvable."
        )
    partner = Partner.objects.get(pk=public_venue.pk)
    assert partner.name == "Piscine des Amiraux"
    assert partner.address == "1 place de la Mairie"
    assert partner.pending_changes == {}
    event = partner.events.first()
    assert event.reason == "Adresse introuvable."
    assert set(event.changes) == {"pending_changes"}
    (message,) = mail.outbox
    assert message.to == ["piscine@example.org"]
    assert "Adresse introuvable." in message.body
    assert "n'ont pas été retenues" in message.subject


def test_refusing_needs_a_reason(public_venue, admin_user):
    with pytest.raises(ValueError, match="reason"):
        changes.refuse_pending_changes(partner=public_venue, by=admin_user, reason="  ")
    public_venue.refresh_from_db()
    assert public_venue.pending_changes


def test_nothing_to_review_is_refused_without_history(admin_user):
    partner = decisions.approve_partner(partner=PartnerFactory())
    events = partner.events.count()
    for call in (changes.apply_pending_changes, changes.refuse_pending_changes):
        with pytest.raises(DecisionRefused):
            call(partner=partner, by=admin_user, reason="x")
    assert partner.events.count() == events


def test_a_proposal_replaced_after_the_page_was_shown_is_not_applied(public_venue, admin_user):
    shown = seen(public_venue)
    propose(public_venue, name="Piscine Encore Autre")
    with pytest.raises(DecisionRefused):
        changes.apply_pending_changes(partner=public_venue, by=admin_user, seen=shown)
    assert Partner.objects.get(pk=public_venue.pk).name == "Piscine des Amiraux"


def test_a_withdrawn_venue_has_nothing_left_to_review(public_venue, admin_user):
    selfservice.withdraw_partner(partner=public_venue)
    with pytest.raises(DecisionRefused):
        changes.apply_pending_changes(partner=public_venue, by=admin_user)


# The admin pages.


def test_the_queue_lists_the_reviewers_departements_only(client, make_reviewer, public_venue):
    elsewhere = decisions.approve_partner(
        partner=PartnerFactory(
            name="Bibliothèque du Vieux-Port",
            department="13",
            postcode="13001",
            city="Marseille",
        )
    )
    propose(elsewhere, name="Bibliothèque secrète")
    signin.verified_login(client, make_reviewer(departments=["75"]))
    html = client.get(queue_url()).text
    assert "Piscine des Amiraux" in html
    assert "Vieux-Port" not in html
    assert "secrète" not in html
    assert client.get(review_url(elsewhere)).status_code == 404
    response = client.post(
        refuse_url(elsewhere), {"refuse-reason": "non", "refuse-seen": seen(elsewhere)}
    )
    assert response.status_code == 404
    assert Partner.objects.get(pk=elsewhere.pk).pending_changes


def test_the_queue_costs_the_same_queries_for_many_partners(admin_client, public_venue):
    admin_client.get(queue_url())
    with CaptureQueriesContext(connection) as few:
        admin_client.get(queue_url())
    for i in range(5):
        partner = decisions.approve_partner(partner=PartnerFactory())
        propose(partner, name=f"Nouveau nom {i}")
    with CaptureQueriesContext(connection) as many:
        html = admin_client.get(queue_url()).text
    assert "Nouveau nom" not in html  # the public name is listed, the proposal on its page
    assert len(many) == len(few)


def test_the_review_page_shows_before_and_after_and_the_map(admin_client, public_venue):
    response = admin_client.get(review_url(public_venue))
    html = response.text
    assert response.status_code == 200
    assert "Piscine des Amiraux" in html
    assert "Piscine Rénovée" in html
    assert "1 place de la Mairie" in html
    assert "3 rue Jules Ferry" in html
    assert 'id="changes-map-data"' in html
    # The move in metres, for readers without the map.
    assert re.search(r"déplacé de [\d\s\u202f]+ m", html)
    assert admin_client.get(
        reverse("admin:partners_partner_change", args=[public_venue.pk])
    ).text.count(review_url(public_venue))


def test_a_reviewer_applies_through_the_page(
    client, make_reviewer, public_venue, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer(departments=["75"])
    signin.verified_login(client, reviewer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(public_venue), {"apply-seen": seen(public_venue)})
    assert response.status_code == 302
    assert response["Location"] == queue_url()
    partner = Partner.objects.get(pk=public_venue.pk)
    assert partner.name == "Piscine Rénovée"
    assert partner.pending_changes == {}
    assert partner.events.first().by == reviewer
    assert [m.to for m in mailoutbox] == [["piscine@example.org"]]


def test_a_refusal_without_reason_shows_the_page_again(
    admin_client, public_venue, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    response = admin_client.post(refuse_url(public_venue), {"refuse-seen": seen(public_venue)})
    assert response.status_code == 200
    assert "Dites pourquoi" in response.text
    assert Partner.objects.get(pk=public_venue.pk).pending_changes
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            refuse_url(public_venue),
            {"refuse-seen": seen(public_venue), "refuse-reason": "Nom trompeur."},
        )
    assert response.status_code == 302
    assert Partner.objects.get(pk=public_venue.pk).events.first().reason == "Nom trompeur."
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"seen": "x" * 1000, "reason": "a"},
        {"seen": "périmé", "reason": "a"},
        {"seen": "\x00", "reason": "\x00"},
    ],
)
def test_bad_posts_are_never_a_500(admin_client, public_venue, data):
    for prefix, url in (("apply", apply_url(public_venue)), ("refuse", refuse_url(public_venue))):
        posted = {f"{prefix}-{name}": value for name, value in data.items()}
        assert admin_client.post(url, posted).status_code in (200, 302, 400)
    assert Partner.objects.get(pk=public_venue.pk).name == "Piscine des Amiraux"


@pytest.mark.parametrize("object_id", ["abc", "999999", "1%00", "-1"])
def test_unknown_partners_are_404(admin_client, object_id):
    for url in ("{}/changes/", "{}/changes/apply/", "{}/changes/refuse/"):
        path = reverse("admin:partners_partner_changelist") + url.format(object_id)
        response = admin_client.post(path) if "/apply" in url or "/refuse" in url else None
        response = response or admin_client.get(path)
        assert response.status_code in (302, 404)


def test_get_on_a_decision_is_refused(admin_client, public_venue):
    assert admin_client.get(apply_url(public_venue)).status_code == 405
    assert admin_client.get(refuse_url(public_venue)).status_code == 405


def test_a_reviewer_cannot_move_a_venue_out_of_their_departements(client, make_reviewer):
    partner = decisions.approve_partner(partner=PartnerFactory())
    propose(partner, department="92", postcode="92100", city="Boulogne-Billancourt")
    signin.verified_login(client, make_reviewer(departments=["75"]))
    client.post(apply_url(partner), {"apply-seen": seen(partner)})
    partner.refresh_from_db()
    assert partner.department == "75"
    assert partner.pending_changes


def test_a_viewer_without_change_permission_cannot_decide(client, django_user_model, public_venue):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_partner"))
    signin.verified_login(client, user)
    assert client.get(review_url(public_venue)).status_code == 200
    assert "Appliquer" not in client.get(review_url(public_venue)).text
    response = client.post(apply_url(public_venue), {"apply-seen": seen(public_venue)})
    assert response.status_code == 403
    assert Partner.objects.get(pk=public_venue.pk).pending_changes


def test_the_history_says_what_the_review_cleared(admin_client, public_venue, admin_user):
    changes.refuse_pending_changes(partner=public_venue, by=admin_user, reason="Non.")
    html = admin_client.get(reverse("admin:partners_partner_change", args=[public_venue.pk])).text
    assert "Piscine Rénovée" in html  # the proposal, in the history


def test_the_queue_and_review_in_english(admin_client, public_venue):
    queue = admin_client.get("/en/admin/partners/partner/changes/")
    assert queue.status_code == 200
    assert "Changes to review" in queue.text
    review = admin_client.get(f"/en/admin/partners/partner/{public_venue.pk}/changes/")
    assert "Apply the changes" in review.text
    assert "Refuse the changes" in review.text
