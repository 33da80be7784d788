"""The links emailed to a venue's contact: one scheme for every purpose
(partners/domain/links.py)."""

import base64
import contextlib
import datetime
import re

import pytest
import time_machine
from django.utils import translation

from partners.domain import links
from partners.models import Partner, Status
from partners.services import decisions
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PATHS = {
    links.CONFIRM: "/rejoindre/confirmer/{}/",
    links.SELFSERVICE: "/mon-lieu/{}/",
    links.RECONFIRM: "/mon-lieu/reconfirmer/{}/",
}
each_purpose = pytest.mark.parametrize("purpose", PATHS, ids=lambda p: p.url_name)


def partner_for(purpose) -> Partner:
    if purpose == links.CONFIRM:
        return PartnerFactory(status=Status.UNCONFIRMED, contact_email="camille@example.org")
    return PartnerFactory(approved=True, contact_email="camille@example.org")


def url(purpose, partner) -> str:
    return PATHS[purpose].format(links.make_token(partner, purpose))


@each_purpose
def test_a_genuine_link_opens_its_page(client, purpose):
    assert client.get(url(purpose, partner_for(purpose))).status_code == 200


def test_a_reconfirmation_link_dies_when_the_contact_email_changes(client):
    partner = partner_for(links.RECONFIRM)
    link = url(links.RECONFIRM, partner)
    Partner.objects.filter(pk=partner.pk).update(contact_email="nouvelle@example.org")
    assert client.get(link).status_code == 400
    assert client.post(link, {"confirm": "on"}).status_code == 400
    partner.refresh_from_db()
    assert partner.reconfirmed_at is None


def test_a_reconfirmation_link_works_once(client):
    partner = partner_for(links.RECONFIRM)
    link = url(links.RECONFIRM, partner)
    assert client.post(link, {"confirm": "on"}).status_code == 302
    again = client.post(link, {"confirm": "on"})
    assert again.status_code == 400
    assert "a déjà été utilisé" in again.text
    assert partner.events.filter(actor="venue").count() == 1


def test_a_confirmation_link_cannot_be_used_twice(client):
    partner = partner_for(links.CONFIRM)
    link = url(links.CONFIRM, partner)
    assert client.post(link).status_code == 302
    for again in (client.get(link), client.post(link)):
        assert again.status_code == 400
        assert "Ce lien n'est pas valide" in again.text
        assert "déjà utilisé" in again.text
    assert partner.events.filter(to_status=Status.PENDING).count() == 1


def test_a_self_service_link_dies_when_the_venue_is_revoked(client):
    partner = partner_for(links.SELFSERVICE)
    link = url(links.SELFSERVICE, partner)
    decisions.revoke_partner(partner=partner, by=None, reason="Manquement")
    assert client.get(link).status_code == 400
    assert client.get(link + "modifier/").status_code == 400


def test_a_self_service_link_survives_the_review_of_the_application(client):
    partner = PartnerFactory(status=Status.PENDING)
    link = url(links.SELFSERVICE, partner)
    decisions.approve_partner(partner=partner)
    assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    ("made_for", "used_for"),
    [(a, b) for a in PATHS for b in PATHS if a != b],
    ids=lambda p: p.url_name,
)
def test_a_link_made_for_one_purpose_is_refused_for_another(client, made_for, used_for):
    # A partner whose genuine link would open the page: only the purpose is wrong.
    token = links.make_token(partner_for(used_for), made_for)
    assert client.get(PATHS[used_for].format(token)).status_code == 400


@pytest.mark.parametrize(
    ("purpose", "max_age_days", "status", "text"),
    [
        (links.CONFIRM, 7, 410, "Ce lien a expiré"),
        (links.SELFSERVICE, 7, 410, "Ce lien a expiré"),
        (links.RECONFIRM, 90, 400, "Ce lien ne peut pas être utilisé"),
    ],
    ids=["confirm", "selfservice", "reconfirm"],
)
def test_an_expired_link_shows_the_expiry_page(client, purpose, max_age_days, status, text):
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        partner = partner_for(purpose)
        link = url(purpose, partner)
        clock.shift(datetime.timedelta(days=max_age_days, seconds=-1))
        assert client.get(link).status_code == 200
        clock.shift(datetime.timedelta(seconds=2))
        response = client.get(link)
    assert response.status_code == status
    assert text in response.text


def _readings(token: str) -> list[bytes]:
    """The token, each of its parts, and each part read as urlsafe base64."""
    readings = [token.encode()]
    for part in re.split(r"[^A-Za-z0-9_-]", token):
        readings.append(part.encode())
        with contextlib.suppress(ValueError):  # a length no base64 has
            readings.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return readings


@each_purpose
def test_a_token_reveals_nothing_of_the_email(purpose):
    partner = partner_for(purpose)
    token = links.make_token(partner, purpose)
    assert re.fullmatch(r"[A-Za-z0-9_.:-]{20,80}", token)  # URL-safe and short
    for decoded in _readings(token):
        assert b"camille" not in decoded.lower()
        assert b"example.org" not in decoded.lower()


@each_purpose
def test_a_tampered_token_is_refused(client, purpose):
    partner = partner_for(purpose)
    other = partner_for(purpose)
    token = links.make_token(partner, purpose)
    other_token = links.make_token(other, purpose)
    reference, rest = re.split(r"[.:]", token, maxsplit=1)
    other_reference = re.split(r"[.:]", other_token, maxsplit=1)[0]
    separator = token[len(reference)]
    for tampered in (
        other_reference + separator + rest,  # another partner's reference
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        "A" + token,
        token.replace(separator, "", 1),
        "nimportequoi",
        "1.1.1",
    ):
        response = client.get(PATHS[purpose].format(tampered))
        assert response.status_code == 400, tampered
    partner.refresh_from_db()
    assert partner.status in (Status.UNCONFIRMED, Status.APPROVED)


@each_purpose
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_reached_by_an_emailed_link_are_never_stored(client, purpose, prefix):
    link = prefix + url(purpose, partner_for(purpose))
    assert client.get(link).status_code == 200
    assert "no-store" in client.get(link)["Cache-Control"]
    assert "no-store" in client.get(prefix + PATHS[purpose].format("x"))["Cache-Control"]


def test_emailed_links_open_the_french_pages(settings):
    settings.SITE_URL = "https://enlieusur.example"
    partner = partner_for(links.SELFSERVICE)
    with translation.override("en"):
        for purpose, path in PATHS.items():
            address = links.url(partner, purpose)
            assert address.startswith("https://enlieusur.example" + path.split("{")[0])
