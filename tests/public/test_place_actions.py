"""A place's actions and walking time, as the API and the server-rendered pages give them:
the number as dialled in the venue's territory, the walking estimate, the directions link
without JavaScript. The browser side: tests/public/test_home_phone_browser.py."""

import re

import pytest
from django.contrib.gis.geos import Point

from partners.public.fields import phone_display, walking_minutes
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/partners/nearest"


@pytest.mark.parametrize(
    ("e164", "department", "shown"),
    [
        ("+33149278621", "75", "01 49 27 86 21"),
        # Mainland and the overseas départements share one numbering plan.
        ("+262262123456", "974", "0262 12 34 56"),
        ("+33149278621", "974", "01 49 27 86 21"),
        ("+262269601234", "976", "0269 60 12 34"),
        ("+590590271234", "978", "0590 27 12 34"),
        # The Pacific collectivities and Saint-Pierre-et-Miquelon have their own.
        ("+687251234", "988", "25.12.34"),
        ("+33149278621", "988", "00 33 1 49 27 86 21"),
        ("+68940123456", "987", "40 12 34 56"),
        ("+508411234", "975", "041 12 34"),
    ],
)
def test_phone_is_shown_as_dialled_in_the_venues_territory(e164, department, shown):
    assert phone_display(e164, department) == shown


@pytest.mark.parametrize(
    ("metres", "minutes"),
    [(0, 1), (20, 1), (570, 10), (1000, 17), (3000, 52), (3460, 60), (3500, None)],
)
def test_walking_time_is_the_distance_with_detours_at_walking_pace(metres, minutes):
    assert walking_minutes(metres) == minutes


def test_nearest_api_gives_the_dialled_number_and_the_walking_time(client):
    PartnerFactory(approved=True, phone="+33149278621", location=Point(2.35, 48.855, srid=4326))
    PartnerFactory(approved=True, location=Point(2.35, 48.95, srid=4326))

    results = client.get(NEAREST, {"lat": 48.85, "lon": 2.35}).json()["results"]

    assert [r["distance_m"] for r in results] == [556, 11_121]
    assert [r["walking_minutes"] for r in results] == [10, None]
    assert [(r["phone"], r["phone_display"]) for r in results] == [
        ("+33149278621", "01 49 27 86 21"),
        (None, None),
    ]


def test_list_page_shows_walking_time_call_button_and_plain_directions(client):
    partner = PartnerFactory(
        approved=True, name="Mairie", phone="+33149278621", location=Point(2.35, 48.855, srid=4326)
    )
    far = PartnerFactory(approved=True, name="Loin", location=Point(2.35, 48.95, srid=4326))

    html = client.get("/lieux/", {"lat": 48.85, "lon": 2.35}).text

    mairie, loin = html.split(f'href="{partner.get_absolute_url()}"')[1].split(
        f'href="{far.get_absolute_url()}"'
    )
    assert "environ 10 min à pied" in mairie
    assert "min à pied" not in loin
    assert re.search(
        r'<a class="action action-call" href="tel:\+33149278621">Appeler 01 49 27 86 21</a>',
        mairie,
    )
    assert (
        'href="https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&amp;'
        'to=48.855000%2C2.350000"'
    ) in mairie


def test_place_page_has_the_call_button_and_the_directions_link(client):
    partner = PartnerFactory(approved=True, phone="+262262123456", department="974")

    html = client.get(partner.get_absolute_url()).text

    assert '<a class="action action-call" href="tel:+262262123456">' in html
    assert "Appeler 0262 12 34 56" in html
    assert 'class="action action-directions"' in html
    assert "partners/directions" in html
