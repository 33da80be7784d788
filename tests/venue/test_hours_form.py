"""Opening hours on the join and update forms: "open 24 hours" per day, and Monday's
hours copied to other days without JavaScript."""

import datetime
import re

import pytest
import time_machine

from partners.domain import links
from partners.models import Partner, Status
from partners.services import applications, decisions
from tests.factories import OpeningIntervalFactory, PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

NO_HOURS = {
    "opens_1_0": None,
    "closes_1_0": None,
    "opens_2_0": None,
    "closes_2_0": None,
    "opens_2_1": None,
    "closes_2_1": None,
    "closed_7": None,
}


def hours(partner):
    return [
        (i.weekday, f"{i.opens:%H:%M}", f"{i.closes:%H:%M}")
        for i in partner.opening_intervals.all()
    ]


def post(client, *, clear_hours=False, **overrides):
    """The application with ``overrides``; with ``clear_hours``, none of its own hours."""
    if clear_hours:
        overrides = NO_HOURS | overrides
    return client.post("/rejoindre/formulaire/", application(client, **overrides))


def test_a_day_open_24_hours_is_stored_as_the_whole_day_and_shown_so(client):
    response = post(
        client,
        clear_hours=True,
        allday_6="on",
        allday_7="on",
        opens_1_0="08:00",
        closes_1_0="20:00",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get()
    assert hours(partner) == [(1, "08:00", "20:00"), (6, "00:00", "00:00"), (7, "00:00", "00:00")]
    partner = decisions.approve_partner(partner=applications.confirm_email(partner=partner))
    html = client.get(partner.get_absolute_url()).content.decode()
    assert html.count("Ouvert 24 h/24") == 2
    # Sunday 03:00 in Paris: open, as the rule says.
    sunday_night = datetime.datetime(2026, 12, 6, 3, 0, tzinfo=partner.zone)
    assert Partner.objects.open_at(sunday_night).filter(pk=partner.pk).exists()
    assert partner.is_open_at(sunday_night)
    monday_night = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=partner.zone)
    assert not Partner.objects.open_at(monday_night).filter(pk=partner.pk).exists()


def test_midnight_to_midnight_typed_is_open_24_hours(client):
    response = post(client, clear_hours=True, opens_3_0="00:00", closes_3_0="00:00")
    assert response.status_code == 302
    assert hours(Partner.objects.get()) == [(3, "00:00", "00:00")]


def test_other_equal_times_are_still_refused_with_a_hint(client):
    html = post(client, clear_hours=True, opens_3_0="09:00", closes_3_0="09:00").content.decode()
    assert "cochez « ouvert 24 h/24 »" in html
    assert Partner.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"closed_4": "on"}, "Cochez « fermé » ou « ouvert 24 h/24 », pas les deux."),
        ({"opens_4_0": "09:00", "closes_4_0": "12:00"}, "Vous avez coché « ouvert 24 h/24 »"),
    ],
)
def test_open_24_hours_with_closed_or_hours_is_refused(client, extra, message):
    html = post(client, allday_4="on", **extra).content.decode()
    assert message in html
    assert Partner.objects.count() == 0


def test_monday_copied_to_friday_without_javascript(client):
    response = post(
        client,
        clear_hours=True,
        opens_1_0="09:00",
        closes_1_0="12:00",
        opens_1_1="14:00",
        closes_1_1="18:30",
        # Typed on Tuesday before choosing the copy: replaced by Monday's.
        opens_2_0="10:00",
        closes_2_0="11:00",
        opens_6_0="10:00",
        closes_6_0="17:00",
        closed_7="on",
        copy_monday="5",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    expected = [(day, t) for day in range(1, 6) for t in (("09:00", "12:00"), ("14:00", "18:30"))]
    assert hours(Partner.objects.get()) == [
        *[(day, *t) for day, t in expected],
        (6, "10:00", "17:00"),
    ]


def test_monday_closed_or_24_hours_is_copied_too(client):
    response = post(client, clear_hours=True, allday_1="on", copy_monday="7")
    assert response.status_code == 302
    assert hours(Partner.objects.get()) == [(day, "00:00", "00:00") for day in range(1, 8)]


def test_after_an_error_the_copied_hours_are_shown_and_the_choice_is_spent(client):
    response = post(
        client, clear_hours=True, opens_1_0="09:00", closes_1_0="18:00", copy_monday="6", name=""
    )
    html = response.content.decode()
    assert Partner.objects.count() == 0
    assert re.search(r'name="opens_6_0"[^>]*value="09:00"', html)
    assert re.search(r'name="closes_3_0"[^>]*value="18:00"', html)
    assert re.search(r'name="copy_monday" value=""[^>]*checked', html)


@pytest.mark.parametrize("value", ["9", "x", "1", "\u00e9"])
def test_an_odd_copy_choice_is_an_error_not_a_crash(client, value):
    response = post(client, copy_monday=value)
    assert response.status_code == 200
    assert Partner.objects.count() == 0


def test_the_update_form_shows_a_24_hour_day_ticked(client):
    partner = PartnerFactory(status=Status.PENDING)
    OpeningIntervalFactory(
        partner=partner, weekday=5, opens=datetime.time(0), closes=datetime.time(0)
    )
    url = f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/"
    html = client.get(url + "modifier/").content.decode()
    assert re.search(r'name="allday_5"[^>]*checked', html)
    assert not re.search(r'name="opens_5_0"[^>]*value="00:00"', html)
    assert "Vendredi Ouvert 24 h/24" in client.get(url).content.decode()


def test_the_form_offers_the_copy_and_24_hours(client):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)):
        html = client.get("/rejoindre/formulaire/").content.decode()
    assert "Mêmes horaires que le lundi" in html
    assert "du lundi au vendredi" in html
    assert "Dimanche : ouvert 24 h/24" in html
