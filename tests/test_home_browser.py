import pytest
from django.contrib.gis.geos import Point

from tests.factories import PartnerFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_home_map_shows_approved_partners_only(page):
    PartnerFactory(
        approved=True, name="Médiathèque Marguerite Duras", location=Point(2.40, 48.86, srid=4326)
    )
    PartnerFactory(
        approved=True,
        name="Pharmacie du Port",
        department="971",
        postcode="97110",
        city="Pointe-à-Pitre",
        location=Point(-61.53, 16.24, srid=4326),
    )
    PartnerFactory(name="Café en attente", location=Point(2.35, 48.85, srid=4326))

    page.goto("/")
    page.wait_for_selector("#map[data-loaded]")
    assert page.locator("#map").get_attribute("data-loaded") == "2"
    assert any("tile.openstreetmap.org" in url for url in page.foreign_requests)
