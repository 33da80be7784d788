"""One rule for "probably the same venue": the flag set on a new application and the
admin's warning on its page agree on every pair."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from partners.services import applications
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "other_name", "duplicate"),
    [
        ("Bibliothèque Forney", "Bibliotheque Forney", True),
        ("Librairie des Oiseaux", "Librairie Les Oiseaux", True),
        ("Le Central", "Bar Le Central", True),
        # Neighbours of the same kind are not the same venue.
        ("Banque Populaire", "Banque Postale", False),
        ("Pharmacie du Marais", "Pharmacie de la Gare", False),
        ("Boulangerie Paul", "Pharmacie Paul", False),
    ],
)
def test_the_admin_warning_and_the_application_flag_agree(
    admin_client, name, other_name, duplicate
):
    other = PartnerFactory(name=other_name, approved=True, siret="")
    # About 10 m apart.
    application = PartnerFactory(
        name=name, siret="", location=Point(other.location.x + 0.0001, other.location.y, srid=4326)
    )
    page = admin_client.get(reverse("admin:partners_partner_change", args=[application.pk]))
    warned = other in page.context["likely_duplicates"]
    assert warned == applications.looks_like_existing_partner(application) == duplicate


def test_a_similar_name_further_than_50_m_is_another_venue(admin_client):
    other = PartnerFactory(name="Bibliothèque Forney", approved=True, siret="")
    application = PartnerFactory(
        name="Bibliothèque Forney",
        siret="",
        location=Point(other.location.x + 0.001, other.location.y, srid=4326),  # ~73 m
    )
    page = admin_client.get(reverse("admin:partners_partner_change", args=[application.pk]))
    assert page.context["likely_duplicates"] == []
    assert not applications.looks_like_existing_partner(application)
