"""Staff see that sites belong to one application: on a site's page, its other sites
(within the reviewer's scope) and a link to them all; a filter of the partner list."""

import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import PartnerFactory
from tests.signin import verified_login

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:partners_partner_changelist")


def change_url(partner):
    return reverse("admin:partners_partner_change", args=[partner.pk])


@pytest.fixture
def sites():
    key = uuid.uuid4()
    return [
        PartnerFactory(
            name=name,
            organisation="Ville de Lyon",
            application_key=key,
            department=department,
            postcode=postcode,
        )
        for name, department, postcode in [
            ("Mairie du 1er", "69", "69001"),
            ("Mairie du 3e", "69", "69003"),
            ("Mairie annexe de Villeurbanne", "69", "69100"),
        ]
    ]


def _application_box(html: str) -> str:
    return html.split('id="application-sites"')[1].split("</div>")[0]


def test_a_sites_page_links_to_the_other_sites_of_its_application(admin_client, sites):
    PartnerFactory(name="Bibliothèque voisine")
    box = _application_box(admin_client.get(change_url(sites[0])).content.decode())
    assert "Un site d'une candidature multi-sites de Ville de Lyon" in box
    for other in sites[1:]:
        assert f'<a href="{change_url(other)}">{other.name}</a>' in box
    assert change_url(sites[0]) not in box
    assert "Bibliothèque voisine" not in box
    assert f"?application={sites[0].application_key}&amp;status=all" in box


def test_a_single_site_shows_no_application(admin_client):
    html = admin_client.get(change_url(PartnerFactory())).content.decode()
    assert 'id="application-sites"' not in html


def test_the_filter_lists_one_applications_sites_or_every_multi_site_one(admin_client, sites):
    alone = PartnerFactory(name="Pharmacie seule")
    other = PartnerFactory(name="Gare annexe", application_key=uuid.uuid4())
    html = admin_client.get(
        CHANGELIST, {"application": str(sites[0].application_key), "status": "all"}
    ).content.decode()
    assert all(site.name in html for site in sites)
    assert other.name not in html
    assert alone.name not in html

    html = admin_client.get(CHANGELIST, {"application": "multi", "status": "all"}).text
    assert all(site.name in html for site in sites)
    assert other.name in html
    assert alone.name not in html
    assert escape("Sites d'une candidature multi-sites") in html

    response = admin_client.get(CHANGELIST, {"application": "n'importe quoi", "status": "all"})
    assert response.status_code == 200
    assert sites[0].name not in response.text


def test_a_reviewer_sees_only_the_sites_in_their_scope(client, make_reviewer, sites):
    sites[2].department, sites[2].postcode = "38", "38000"
    sites[2].save()
    verified_login(client, make_reviewer(departments=["69"]))
    box = _application_box(client.get(change_url(sites[0])).content.decode())
    assert sites[1].name in box
    assert sites[2].name not in box
