"""The coverage page in the admin (partners/staff/coverage.py), from hand-made runs: the
shares within 1 and 5 km nationally at each moment, by territory and département, the towns
without a partner within 5 km, the map's dots, the monthly trend; within a reviewer's
départements; in French and English; its tables as CSV and XLSX; linked from the home."""

import csv
import datetime
import io
import re
from xml.etree import ElementTree

import openpyxl
import pytest
from django.urls import reverse

from partners.models import CoverageRun
from partners.staff import charts, maps
from tests import signin
from tests.factories import commune_coverage

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:partners_partner_coverage")
SVG = "{http://www.w3.org/2000/svg}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def runs():
    """May's snapshot and June's run. In June, 2,705,000 people: Paris (2,000,000) 300 m
    from a partner by day, 800 m at 22:00 on the weekday night, 2 km at 22:00 on Saturday;
    Saint-Denis (93, 100,000) 6 km by day; Lyon (500,000) 500 m by day, 4 km at 22:00 on
    the weekday night; Affoux (69, 5,000) none; Saint-Denis (974, 100,000) 900 m by day and
    at 22:00 on the weekday night. Nobody has a partner open at 03:00."""
    may = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 5, 31),
        weekday_night=datetime.date(2026, 6, 3),
        saturday_night=datetime.date(2026, 6, 6),
        partners=1,
    )
    commune_coverage(may, "75056", 2_000_000, day=300)
    commune_coverage(may, "69123", 500_000)
    june = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 6, 15),
        weekday_night=datetime.date(2026, 6, 17),
        saturday_night=datetime.date(2026, 6, 20),
        partners=5,
    )
    commune_coverage(june, "75056", 2_000_000, day=300, weekday_22h=800, saturday_22h=2000)
    commune_coverage(june, "93066", 100_000, day=6000)
    commune_coverage(june, "69123", 500_000, day=500, weekday_22h=4000)
    commune_coverage(june, "69001", 5_000)
    commune_coverage(june, "97411", 100_000, day=900, weekday_22h=900)


def table(response, slug) -> charts.Table:
    return response.context["tables"][slug]


def rounded(built: charts.Table) -> dict[str, list]:
    return {
        category: [None if v is None else round(v, 1) for v in values]
        for category, values in zip(built.categories, built.values, strict=True)
    }


def test_shares_of_the_population_at_each_moment(admin_client, runs):
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert rounded(table(response, "moments")) == {
        "Jour (tout lieu accepté)": [96.1, 96.1],
        "Nuit de semaine, 22 h (mercredi)": [77.6, 96.1],
        "Nuit de semaine, 3 h (jeudi matin)": [0.0, 0.0],
        "Nuit du samedi, 22 h": [0.0, 73.9],
        "Nuit du samedi, 3 h (dimanche matin)": [0.0, 0.0],
    }
    assert "Calculée le 15 juin 2026 sur 5 lieux acceptés." in response.text
    assert "du mercredi 17 juin au lendemain matin" in response.text


def test_by_territory_and_departement_at_the_moment_chosen(admin_client, runs):
    response = admin_client.get(PAGE, {"moment": "weekday_22h"})
    assert response.context["moment"].key == "weekday_22h"
    assert rounded(table(response, "territories")) == {
        "France métropolitaine et Corse": [2_605_000, 76.8, 96.0, 1],
        "La Réunion": [100_000, 100.0, 100.0, 0],
    }
    assert rounded(table(response, "departements")) == {
        "69 – Rhône": [505_000, 0.0, 99.0, 0],
        "75 – Paris": [2_000_000, 100.0, 100.0, 0],
        "93 – Seine-Saint-Denis": [100_000, 0.0, 0.0, 1],
        "974 – La Réunion": [100_000, 100.0, 100.0, 0],
    }
    # Counts without decimals, shares with one.
    assert table(response, "departements").rows[0] == ("69 – Rhône", ["505000", "0,0", "99,0", "0"])


def test_towns_of_more_than_10000_people_without_a_partner_within_5_km(admin_client, runs):
    day = table(admin_client.get(PAGE), "towns")
    assert rounded(day) == {"Saint-Denis (93)": [100_000, 6.0]}
    night = table(admin_client.get(PAGE, {"moment": "saturday_03h"}), "towns")
    assert night.categories == ["Paris (75)", "Lyon (69)", "Saint-Denis (93)", "Saint-Denis (974)"]
    assert night.rows[0] == ("Paris (75)", ["2000000", "–"])


def the_map(response) -> ElementTree.Element:
    text = re.search(
        r'<svg [^>]*aria-labelledby="chart-classes-title.*?</svg>', response.text, re.S
    ).group(0)
    assert "style" not in text  # the CSP allows no inline style
    return ElementTree.fromstring(text)  # noqa: S314 (our own page)


def dots(group: ElementTree.Element) -> dict[str, int]:
    """How many dots of each colour a group draws."""
    return {
        path.get("stroke"): len(re.findall(r"M\d+ \d+h0", path.get("d")))
        for path in group.iter(f"{SVG}path")
        if path.get("class") == "map-dots"
    }


def dots_width(group: ElementTree.Element) -> float:
    """How far apart, in pixels, a group's leftmost and rightmost dots are."""
    xs = [
        int(x) / maps.DOT_GRID
        for path in group.iter(f"{SVG}path")
        if path.get("class") == "map-dots"
        for x in re.findall(r"M(\d+) \d+h0", path.get("d"))
    ]
    return max(xs) - min(xs)


def test_a_dot_a_commune_coloured_by_its_distance_worst_last(admin_client, runs):
    response = admin_client.get(PAGE)
    classes = table(response, "classes")
    assert rounded(classes) == {
        "1 km ou moins": [3, 2_600_000, 96.1],
        "de 1 à 5 km": [0, 0, 0.0],
        "de 5 à 20 km": [1, 100_000, 3.7],
        "plus de 20 km, ou aucun à portée": [1, 5_000, 0.2],
    }
    svg = the_map(response)
    mainland = svg.find(f"{SVG}g[@class='map-mainland']")
    assert dots(mainland) == {charts.BLUE: 2, charts.VERMILLION: 1, charts.TEXT: 1}
    assert list(dots(mainland)) == [charts.BLUE, charts.VERMILLION, charts.TEXT]
    (reunion,) = svg.findall(f"{SVG}g[@class='map-inset']")
    assert reunion.find(f"{SVG}text").text == "La Réunion"
    assert dots(reunion) == {charts.BLUE: 1}
    assert "1 commune, 0,2 % de la population, n’a aucun lieu" not in response.text
    assert "2 communes, 3,9 % de la population, n’ont aucun lieu à moins de 5 km." in (
        response.text
    )


def test_the_trend_from_the_monthly_snapshots(admin_client, runs):
    trend = table(admin_client.get(PAGE), "trend")
    assert rounded(trend) == {"mai 2026": [80.0, 80.0], "juin 2026": [96.1, 96.1]}
    assert trend.svg["bars"]


def test_a_reviewer_sees_their_departements_only(client, make_reviewer, runs):
    signin.verified_login(client, make_reviewer(departments=["69"]))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Dans vos départements seulement." in response.text
    assert rounded(table(response, "moments"))["Jour (tout lieu accepté)"] == [99.0, 99.0]
    assert list(rounded(table(response, "territories"))) == ["France métropolitaine et Corse"]
    assert list(rounded(table(response, "departements"))) == ["69 – Rhône"]
    assert table(response, "towns").categories == []
    assert rounded(table(response, "trend")) == {"mai 2026": [0.0, 0.0], "juin 2026": [99.0, 99.0]}
    svg = the_map(response)
    assert svg.findall(f"{SVG}g[@class='map-inset']") == []
    assert dots(svg) == {charts.BLUE: 1, charts.TEXT: 1}
    # The map is drawn around the Rhône: Affoux and Lyon, 35 km apart, lie far apart on it
    # (at France's scale, a few pixels), and Lyon is named.
    assert dots_width(svg) > 100
    assert [text.text for text in svg.iter(f"{SVG}text")][1:] == ["Lyon"]
    export = client.get(reverse("admin:partners_partner_coverage_communes_csv"))
    lines = export.content.decode("utf-8").splitlines()
    assert [line.split(";")[0] for line in lines[1:]] == ["69001", "69123"]


def test_an_unknown_moment_is_said_in_french_and_the_day_shown(admin_client, runs):
    response = admin_client.get(PAGE, {"moment": "midi"})
    assert response.status_code == 200
    assert response.context["moment"].key == "day"
    assert "Sélectionnez un choix valide" in response.text
    download = admin_client.get(
        reverse("admin:partners_partner_coverage_towns_csv"), {"moment": "midi"}
    )
    assert download.status_code == 200


def test_the_page_in_english(admin_client, runs):
    response = admin_client.get("/en" + PAGE, {"moment": "saturday_22h"})
    page = response.text
    assert "<h1>Coverage of the network</h1>" in page
    assert "Computed on 15 June 2026 against 5 approved partners." in page
    assert "Distance to the nearest partner: Saturday night, 22:00" in page
    assert rounded(table(response, "moments"))["Saturday night, 22:00"] == [0.0, 73.9]
    assert re.search(r'<input type="radio" name="moment" value="saturday_22h"[^>]*checked', page)


def test_before_any_computation_the_page_says_so(admin_client):
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    assert "La couverture n’a pas encore été calculée." in response.text
    assert "tables" not in response.context
    assert (
        admin_client.get(reverse("admin:partners_partner_coverage_communes_xlsx")).status_code
        == 200
    )


def test_a_table_downloads_as_csv_for_french_excel(admin_client, runs):
    response = admin_client.get(
        reverse("admin:partners_partner_coverage_departements_csv"), {"moment": "weekday_22h"}
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="couverture-departements-weekday_22h.csv"'
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == [
        "Département",
        "Population",
        "À 1 km ou moins (%)",
        "À 5 km ou moins (%)",
        "Villes de plus de 10 000 habitants sans lieu à moins de 5 km",
    ]
    assert ["69 – Rhône", "505000", "0,0", "99,0", "0"] in rows


def xlsx_rows(response) -> tuple[str, list[list]]:
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    return sheet.title, [[cell.value for cell in line] for line in sheet.iter_rows()]


def test_tables_and_every_commune_download_as_xlsx(admin_client, runs):
    title, rows = xlsx_rows(
        admin_client.get(
            reverse("admin:partners_partner_coverage_towns_xlsx"), {"moment": "saturday_03h"}
        )
    )
    assert title == "Villes de plus de 10 000 habita"
    assert rows[0] == ["Commune", "Population", "Lieu le plus proche (km)"]
    assert rows[1] == ["Paris (75)", 2_000_000, None]
    title, rows = xlsx_rows(
        admin_client.get(reverse("admin:partners_partner_coverage_communes_xlsx"))
    )
    assert title == "Communes"
    assert rows[0][:5] == [
        "code INSEE",
        "Commune",
        "Département",
        "Population",
        "Jour (tout lieu accepté) : lieu le plus proche (km)",
    ]
    assert len(rows) == 6
    assert rows[-1] == ["97411", "Saint-Denis", "974", 100_000, 0.9, 0.9, None, None, None]


def test_linked_from_the_home_with_the_towns_to_reach(admin_client, runs):
    response = admin_client.get(reverse("admin:index"))
    (work,) = [w for w in response.context["waiting_work"] if w.key == "coverage"]
    assert (work.count, work.url) == (1, PAGE)
    assert "1 ville de plus de 10 000 habitants sans lieu à moins de 5 km" in response.text
    assert len(table(admin_client.get(work.url), "towns").categories) == work.count
    figures = admin_client.get(reverse("admin:partners_partner_figures")).text
    assert f'href="{PAGE}"' in figures
    changelist = admin_client.get(reverse("admin:partners_partner_changelist")).text
    assert f'href="{PAGE}"' in changelist
