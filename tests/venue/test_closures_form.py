"""Dated closures on the venue's forms: given at application or on its own page, applied
at once (they are not reviewed like a name or an address), refused in French when the
days make no sense."""

import datetime

import pytest
import time_machine

from partners.models import Partner
from partners.services import decisions
from tests.factories import ClosureFactory, OpeningIntervalFactory, PartnerFactory
from tests.join_helpers import application, quick_forms  # noqa: F401 (a fixture)
from tests.venue.test_selfservice import page_url, update_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_forms")]

# Tuesday 1 December 2026, noon in Paris (the clock runs: the form may not be sent in no time).
NOW = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)


def closures(partner):
    return [(f"{c.starts}", f"{c.ends}", c.reason) for c in partner.closures.all()]


@pytest.fixture
def approved():
    partner = decisions.approve_partner(partner=PartnerFactory(name="Piscine des Amiraux"))
    OpeningIntervalFactory(partner=partner, weekday=1)
    return partner


@time_machine.travel(NOW)
def test_an_application_keeps_its_closures_a_one_day_closure_without_a_last_day(client):
    data = application(
        client,
        closure_starts_0="2026-12-24",
        closure_ends_0="2026-12-26",
        closure_reason_0="congés",
        closure_starts_1="01/01/2027",
    )
    response = client.post("/rejoindre/formulaire/", data)
    html = response.content.decode()
    assert response.status_code == 302, html[html.find("error-summary") :][:1500]
    assert closures(Partner.objects.get()) == [
        ("2026-12-24", "2026-12-26", "congés"),
        ("2027-01-01", "2027-01-01", ""),
    ]


@time_machine.travel(NOW)
def test_an_approved_venues_closures_apply_at_once_and_past_ones_are_dropped(client, approved):
    ClosureFactory(partner=approved, starts="2026-08-01", ends="2026-08-15", reason="été")
    page = client.get(page_url(approved) + "modifier/").content.decode()
    # Past closures are not offered again; two empty rows are.
    assert "2026-08-01" not in page
    assert 'name="closure_starts_1"' in page
    assert 'name="closure_starts_2"' not in page

    response = client.post(
        page_url(approved) + "modifier/",
        update_data(
            approved,
            closure_starts_0="2026-12-24",
            closure_ends_0="2026-12-26",
            closure_reason_0="congés",
        ),
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.pending_changes == {}
    assert closures(approved) == [("2026-12-24", "2026-12-26", "congés")]
    event = approved.events.filter(to_status="").get()
    assert event.changes["closures"] == [[], ["2026-12-24/2026-12-26 congés"]]

    # Its page lists it; the form offers it with one more empty row.
    assert "Fermé du 24 au 26 décembre (congés)" in client.get(page_url(approved)).content.decode()
    page = client.get(page_url(approved) + "modifier/").content.decode()
    assert 'value="2026-12-24"' in page
    assert 'name="closure_starts_1"' in page


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("closure", "message"),
    [
        (
            {"closure_starts_0": "2026-12-26", "closure_ends_0": "2026-12-24"},
            "Le dernier jour ne peut pas précéder le premier.",
        ),
        (
            {"closure_starts_0": "2027-12-20", "closure_ends_0": "2027-12-26"},
            "Indiquez les fermetures de l’année à venir : un dernier jour au plus tard le "
            "2 décembre 2027.",
        ),
        (
            {"closure_starts_0": "2026-11-01", "closure_ends_0": "2026-11-02"},
            "Cette fermeture est déjà passée : laissez ses jours vides.",
        ),
        (
            {"closure_ends_0": "2026-12-24", "closure_reason_0": "travaux"},
            "Indiquez le premier jour de cette fermeture.",
        ),
        ({"closure_starts_0": "24 décembre"}, "Indiquez une date comme 24/12/2026."),
    ],
    ids=["end before start", "too far", "over", "no first day", "not a date"],
)
def test_bad_closure_days_are_refused_in_french_and_nothing_changes(
    client, approved, closure, message
):
    response = client.post(page_url(approved) + "modifier/", update_data(approved, **closure))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The error summary names the field, in French.
    assert "Fermeture 1 : " in html
    assert not approved.closures.exists()
