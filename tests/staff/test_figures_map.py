"""The figures page's map: a circle per département with approved partners, where its
people live, its area proportional to its partners; pending and suspended partners not
counted; an inset per overseas territory; within the reviewer's départements."""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation

from partners.domain import territories
from partners.models import Status
from partners.staff import maps
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def network():
    """Approved: three in Paris, two in the Rhône, one in the Gironde, one in La Réunion.
    Not counted: a pending partner in Paris and in the Nord, a suspended one in the Gironde."""
    for department, postcode, approved in [
        ("75", "75011", 3),
        ("69", "69003", 2),
        ("33", "33000", 1),
        ("974", "97400", 1),
    ]:
        for _ in range(approved):
            PartnerFactory(approved=True, department=department, postcode=postcode)
    PartnerFactory(department="75")
    PartnerFactory(department="59", postcode="59000")
    PartnerFactory(
        department="33", postcode="33000", status=Status.SUSPENDED, sticker_number="33-00001"
    )


def the_map(response) -> ElementTree.Element:
    text = re.search(
        r'<svg [^>]*aria-labelledby="chart-territories-title.*?</svg>', response.text, re.S
    )
    assert "style" not in text.group(0)  # the CSP allows no inline style
    return ElementTree.fromstring(text.group(0))  # noqa: S314 (our own page)


def circles(svg) -> dict[str, float]:
    """Each partners' circle's ``<title>`` and radius."""
    return {
        c.find(f"{SVG}title").text: float(c.get("r"))
        for c in svg.iter(f"{SVG}circle")
        if c.get("class") == "map-partners"
    }


def test_a_circle_per_departement_with_approved_partners(admin_client, network):
    svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    drawn = circles(svg)
    assert set(drawn) == {"Paris : 3", "Rhône : 2", "Gironde : 1", "La Réunion : 1"}
    # Area proportional to the count: the radius by its square root.
    assert drawn["Paris : 3"] == pytest.approx(maps.MAX_RADIUS, abs=0.05)
    assert drawn["Rhône : 2"] == pytest.approx(maps.MAX_RADIUS * (2 / 3) ** 0.5, abs=0.05)
    assert drawn["Paris : 3"] > drawn["Rhône : 2"] > drawn["Gironde : 1"]
    assert drawn["Gironde : 1"] == drawn["La Réunion : 1"]  # one scale, mainland and overseas


def test_the_larger_circles_are_drawn_first(admin_client, network):
    svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    mainland = svg.find(f"{SVG}g[@class='map-mainland']")
    radii = [float(c.get("r")) for c in mainland.iter(f"{SVG}circle") if c.get("class")]
    assert radii == sorted(radii, reverse=True)


def test_circles_stand_where_the_people_live(admin_client, network):
    svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    spots = {
        c.find(f"{SVG}title").text.split(" : ")[0]: (float(c.get("cx")), float(c.get("cy")))
        for c in svg.iter(f"{SVG}circle")
        if c.get("class") == "map-partners"
    }
    paris, lyon, bordeaux = spots["Paris"], spots["Rhône"], spots["Gironde"]
    assert bordeaux[0] < paris[0] < lyon[0]  # west to east
    assert paris[1] < lyon[1] < bordeaux[1] + 40  # north to south, Bordeaux about Lyon's
    # Paris's circle by the city named Paris on the map.
    label = next(t for t in svg.iter(f"{SVG}text") if t.text == "Paris")
    assert abs(float(label.get("x")) - paris[0]) < 3


def test_every_overseas_territory_has_its_titled_inset(admin_client, network):
    svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    insets = svg.findall(f"{SVG}g[@class='map-inset']")
    assert len(insets) == 11
    texts = {
        inset.find(f"{SVG}text").text: [t.text for t in inset.iter(f"{SVG}text")][1]
        for inset in insets
    }
    assert texts["La Réunion"] == "1 lieu accepté"
    assert texts["Nouvelle-Calédonie"] == "0 lieu accepté"
    assert texts["Saint-Pierre-et-Miquelon"] == "0 lieu accepté"
    reunion = next(i for i in insets if i.find(f"{SVG}text").text == "La Réunion")
    assert reunion.find(f"{SVG}circle/{SVG}title").text == "La Réunion : 1"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title.text == "Lieux acceptés par département"
    assert "un encart par territoire d'outre-mer" in desc.text
    mainland = svg.find(f"{SVG}g[@class='map-mainland']")
    assert [t.text for t in mainland.iter(f"{SVG}text")][:2] == [
        "France métropolitaine et Corse",
        "6 lieux acceptés",
    ]


def test_the_map_has_its_table_and_downloads(admin_client, network):
    response = admin_client.get(reverse("admin:partners_partner_figures"))
    html = response.text
    table = re.search(
        r"Lieux acceptés par département : les chiffres</caption>.*?</table>", html, re.S
    ).group(0)
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table)
    assert rows == [
        ("75 – Paris", "3"),
        ("69 – Rhône", "2"),
        ("33 – Gironde", "1"),
        ("974 – La Réunion", "1"),
    ]
    for extension in ("csv", "xlsx"):
        assert reverse(f"admin:partners_partner_figures_territories_{extension}") in html
    assert "Télécharger « Lieux acceptés par département » (Excel .xlsx)" in html


def test_a_reviewer_sees_their_departements_only(client, make_reviewer, network):
    signin.verified_login(client, make_reviewer(departments=["69", "974"]))
    drawn = circles(the_map(client.get(reverse("admin:partners_partner_figures"))))
    assert set(drawn) == {"Rhône : 2", "La Réunion : 1"}


def test_the_map_in_english(admin_client, network):
    with translation.override("en"):
        svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    assert svg.find(f"{SVG}title").text == "Approved partners per département"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Mainland France and Corsica" in texts
    assert "French Guiana" in texts
    assert "3 approved partners" not in texts  # Paris is no territory of its own
    assert "1 approved partner" in texts  # La Réunion


def test_without_partners_the_map_has_no_circle_and_no_legend(admin_client):
    svg = the_map(admin_client.get(reverse("admin:partners_partner_figures")))
    assert circles(svg) == {}
    assert not [c for c in svg.iter(f"{SVG}circle") if c.get("fill") == "none"]  # no legend
    assert len(svg.findall(f"{SVG}g[@class='map-inset']")) == 11


def test_departement_centres_are_population_weighted():
    centres = maps.centres()
    # Seine-et-Marne's people live in its west, near Paris, not in its rural east.
    _lat, lon = centres["77"]
    assert 2.6 < lon < 2.9
    assert set(centres) == set(territories.DEPARTMENTS)
