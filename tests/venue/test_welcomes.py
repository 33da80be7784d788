"""“Nous avons accueilli une personne”: the venue records what happened after a welcome,
nothing about the person, and may delete a record for a week."""

import datetime
import re

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from partners.domain import links
from partners.models import Welcome
from partners.services import decisions
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

# 10:00 in Paris.
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def welcomes_url(partner) -> str:
    return f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/accueils/"


@pytest.fixture
def approved():
    with time_machine.travel(NOW - datetime.timedelta(days=400), tick=False):
        return decisions.approve_partner(partner=PartnerFactory(name="Bar du Marché"))


def data(**changes) -> dict:
    values = {
        "on": "2026-11-19",
        "kind": "lgbt_phobic",
        "police_called": "yes",
        "police_delay": "10_30",
        "stayed": "yes",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_nothing_about_the_person_can_be_stored():
    """No name, no description, no free text: the fields are these and only these."""
    fields = {f.name: f for f in Welcome._meta.get_fields()}
    assert set(fields) == {
        "id",
        "partner",
        "on",
        "kind",
        "police_called",
        "police_delay",
        "stayed",
        "recorded_at",
    }
    for name in ("kind", "police_called", "police_delay", "stayed"):
        assert fields[name].choices, name  # a choice, never typed text


@time_machine.travel(NOW, tick=False)
def test_the_venue_records_a_welcome_from_its_page(client, approved):
    page = client.get(f"/mon-lieu/{links.make_token(approved, links.SELFSERVICE)}/").text
    assert "Nous avons accueilli une personne" in page
    assert welcomes_url(approved) in page
    form = client.get(welcomes_url(approved)).text
    assert 'value="2026-11-20"' in form  # today, in the venue's time zone
    assert 'max="2026-11-20"' in form
    assert "LGBT+phobe" in form
    assert "Moins de 10 minutes" in form
    assert "<textarea" not in form

    response = client.post(welcomes_url(approved), data(), follow=True)

    assert response.redirect_chain[-1][0] == welcomes_url(approved)
    welcome = Welcome.objects.get()
    assert (welcome.partner, welcome.on, welcome.kind) == (
        approved,
        datetime.date(2026, 11, 19),
        "lgbt_phobic",
    )
    assert (welcome.police_called, welcome.police_delay, welcome.stayed) == ("yes", "10_30", "yes")
    assert welcome.recorded_at == NOW
    assert "l’accueil est enregistré" in response.text
    assert "19 novembre 2026" in response.text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"on": "2026-11-21"}, "La date ne peut pas être dans le futur"),
        ({"on": "2025-11-19"}, "Seuls les accueils de la dernière année"),
        ({"on": "hier"}, "Indiquez une date comme 24/12/2026."),
        ({"on": None}, "Indiquez la date de l’accueil."),
        ({"kind": None}, "Choisissez le type d’agression, ou « Non précisé »."),
        ({"kind": "homophobe"}, "Sélectionnez un choix valide."),
        ({"police_called": None}, "Indiquez si la police a été appelée, ou « Non précisé »."),
        ({"police_delay": None}, "Indiquez à peu près combien de temps la police a mis"),
        ({"stayed": None}, "Indiquez si la personne est restée, ou « Non précisé »."),
    ],
)
def test_mistakes_are_explained_in_french_and_nothing_is_recorded(
    client, approved, changes, message
):
    response = client.post(welcomes_url(approved), data(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert "Merci de corriger les points suivants" in response.text
    assert response.text.count("<title>Erreur :") == 1
    assert not Welcome.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_year_back_is_the_oldest_date_and_today_in_nouméa_is_allowed(client):
    with time_machine.travel(NOW - datetime.timedelta(days=400), tick=False):
        noumea = decisions.approve_partner(
            partner=PartnerFactory(department="988", postcode="98800", city="Nouméa")
        )
    # 20:00 in Nouméa on 20 November: still the 20th there.
    assert client.post(welcomes_url(noumea), data(on="2026-11-20")).status_code == 302
    assert client.post(welcomes_url(noumea), data(on="2025-11-20")).status_code == 302
    assert Welcome.objects.count() == 2


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("called", ["no", "not_said"])
def test_how_long_the_police_took_is_refused_without_a_call_and_nothing_typed_is_lost(
    client, approved, called
):
    """Without JavaScript the question is always there (its label says when to answer
    it): a delay given with a "No" is refused, every answer kept, and the radio buttons
    that cannot be unticked get a "No answer"."""
    url = welcomes_url(approved)
    page = client.get(url).text
    assert "Seulement si la police a été appelée : combien de temps" in page
    assert "Pas de réponse" not in page
    response = client.post(url, data(police_called=called, police_delay="over_60", stayed="no"))
    assert response.status_code == 200
    assert not Welcome.objects.exists()
    page = response.text
    assert "Répondez seulement si la police a été appelée : choisissez « Oui » plus haut" in page
    for name, value in (
        ("kind", "lgbt_phobic"),
        ("police_called", called),
        ("police_delay", "over_60"),
        ("stayed", "no"),
    ):
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', page), name
    assert 'value="2026-11-19"' in page
    assert re.search(r'name="police_delay" value=""[^>]*>\s*<label[^>]*>Pas de réponse', page)

    # "No answer": recorded without a delay. A "Yes" instead keeps the delay.
    assert client.post(url, data(police_called=called, police_delay="")).status_code == 302
    assert client.post(url, data(police_called="yes", police_delay="over_60")).status_code == 302
    assert sorted(Welcome.objects.values_list("police_called", "police_delay")) == sorted(
        [(called, ""), ("yes", "over_60")]
    )


@time_machine.travel(NOW, tick=False)
def test_a_venue_that_never_had_its_sticker_cannot_record(client):
    pending = PartnerFactory()
    response = client.post(welcomes_url(pending), data())
    assert response.status_code == 302
    assert response["Location"] == f"/mon-lieu/{links.make_token(pending, links.SELFSERVICE)}/"
    assert not Welcome.objects.exists()
    page = client.get(response["Location"]).text
    assert "accueilli une personne" not in page


def test_a_record_is_deleted_within_seven_days_then_final(client, approved):
    with time_machine.travel(NOW, tick=False):
        client.post(welcomes_url(approved), data())
        client.post(welcomes_url(approved), data(kind="racist"))
    first, second = Welcome.objects.order_by("pk")

    with time_machine.travel(NOW + datetime.timedelta(days=6, hours=23), tick=False):
        url = welcomes_url(approved)
        page = client.get(url).text
        assert f"{url}{first.pk}/supprimer/" in page
        assert f"{url}{second.pk}/supprimer/" in page
        confirm = client.get(f"{url}{first.pk}/supprimer/").text
        assert "Supprimer cet enregistrement" in confirm
        response = client.post(f"{url}{first.pk}/supprimer/", follow=True)
        assert "L’enregistrement est supprimé." in response.text
    assert list(Welcome.objects.all()) == [second]

    with time_machine.travel(NOW + datetime.timedelta(days=7, minutes=1), tick=False):
        url = welcomes_url(approved)
        page = client.get(url).text
        assert "/supprimer/" not in page
        assert "Rien d’enregistré ces derniers jours." in page
        response = client.post(f"{url}{second.pk}/supprimer/", follow=True)
        assert "ne peut plus être supprimé" in response.text
    assert list(Welcome.objects.all()) == [second]


@time_machine.travel(NOW, tick=False)
def test_a_venue_cannot_delete_another_venues_record(client, approved):
    other = decisions.approve_partner(partner=PartnerFactory())
    client.post(welcomes_url(other), data())
    welcome = Welcome.objects.get()
    client.post(f"{welcomes_url(approved)}{welcome.pk}/supprimer/")
    assert Welcome.objects.filter(pk=welcome.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_the_database_refuses_to_change_a_record_or_a_delay_without_a_call(approved):
    welcome = Welcome.objects.create(
        partner=approved,
        on=datetime.date(2026, 11, 1),
        kind="other",
        police_called="yes",
        police_delay="over_60",
        stayed="no",
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE partners_welcome SET kind = 'racist' WHERE id = %s", [welcome.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Welcome.objects.create(
            partner=approved,
            on=datetime.date(2026, 11, 1),
            kind="other",
            police_called="no",
            police_delay="over_60",
            stayed="no",
        )


def test_english_pages(client, approved):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/en" + welcomes_url(approved)).text
    assert "We welcomed someone" in page
    assert "Domestic violence" in page
