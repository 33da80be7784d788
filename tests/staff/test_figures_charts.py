"""The figures page's charts: applications and decisions per month, approved partners per
département (the map's numbers: tests/staff/test_figures_map.py draws it), review delays per
month; each an SVG with its title, description and table, within the reviewer's départements,
and a CSV for French Excel and an XLSX."""

import csv
import datetime
import io
import re
import zoneinfo
from xml.etree import ElementTree

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from partners.services import decisions
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=PARIS)
SVG = "{http://www.w3.org/2000/svg}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def at(month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=PARIS)


def decide(partner, when, approve=True):
    # History entries are never changed (the database refuses): decide at that time.
    with time_machine.travel(when, tick=False):
        if approve:
            decisions.approve_partner(partner=partner)
        else:
            decisions.reject_partner(partner=partner, by=None, reason="Hors charte")


@pytest.fixture
def network():
    """In 75: three applications in April, decided in April and May after 2, 4 and 10
    days (two approved, one rejected); one application pending since June. In 971 and 13:
    one approved partner each, decided in May."""
    april = [PartnerFactory(confirmed_at=at(4, day)) for day in (1, 3, 20)]
    decide(april[0], at(4, 3))
    decide(april[1], at(4, 7))
    decide(april[2], at(4, 30), approve=False)
    PartnerFactory(confirmed_at=at(6, 1))
    for department, postcode in (("971", "97110"), ("13", "13001")):
        partner = PartnerFactory(department=department, postcode=postcode, confirmed_at=at(5, 1))
        decide(partner, at(5, 11))


@pytest.fixture
def figures(admin_client, network):
    with time_machine.travel(NOW, tick=False):
        yield lambda client=admin_client: client.get(reverse("admin:partners_partner_figures"))


def chart(response, slug):
    return next(c for c in response.context["charts"] if c.slug == slug)


def test_applications_and_decisions_per_month(figures):
    applications = chart(figures(), "applications")
    assert len(applications.categories) == 12
    assert applications.categories[-1] == "juin 2026"
    rows = dict(zip(applications.categories, applications.values, strict=True))
    assert rows["avril 2026"] == [3, 2, 1]
    assert rows["mai 2026"] == [2, 2, 0]
    assert rows["juin 2026"] == [1, 0, 0]
    assert rows["janvier 2026"] == [0, 0, 0]


def test_approved_partners_per_departement_most_first(figures):
    territories = chart(figures(), "territories")
    assert territories.categories == ["75 – Paris", "13 – Bouches-du-Rhône", "971 – Guadeloupe"]
    assert territories.values == [[2], [1], [1]]


def test_review_delays_median_and_90th_percentile(figures):
    delays = chart(figures(), "delays")
    rows = dict(zip(delays.categories, delays.values, strict=True))
    median, p90 = rows["avril 2026"]
    assert median == pytest.approx(4.0)
    assert p90 == pytest.approx(8.8)  # between 4 and 10 days, inclusive method
    assert rows["mai 2026"] == [pytest.approx(10.0), pytest.approx(10.0)]
    assert rows["juin 2026"] == [0, 0]


def test_each_chart_is_an_accessible_svg_with_its_table(figures):
    html = figures().text
    svgs = re.findall(r'<svg [^>]*role="img".*?</svg>', html, flags=re.S)
    assert len(svgs) == 3
    for text in svgs:
        svg = ElementTree.fromstring(text)  # noqa: S314 (our own page)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text
        assert desc.text
        assert "style" not in text  # the CSP allows no inline style
        # Coordinates with a dot, never the French decimal comma.
        for rect in svg.iter(f"{SVG}rect"):
            float(rect.get("x"))
            float(rect.get("height"))
    assert "Délais d&#x27;examen par mois (jours)" in html
    # Months under the bars in words a French reader knows, "juin" apart from "juil.".
    assert ">juin</text>" in html
    assert ">juil.</text>" in html
    assert html.count('class="figures-chart-table"') == 3


def test_a_reviewer_sees_their_departements_figures_only(client, make_reviewer, network):
    signin.verified_login(client, make_reviewer(departments=["75"]))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:partners_partner_figures"))
    territories = chart(response, "territories")
    assert territories.categories == ["75 – Paris"]
    assert territories.values == [[2]]
    applications = dict(
        zip(*(lambda c: (c.categories, c.values))(chart(response, "applications")), strict=True)
    )
    assert applications["mai 2026"] == [0, 0, 0]


@pytest.mark.parametrize(
    ("slug", "header", "row"),
    [
        (
            "applications",
            ["Mois", "Candidatures", "Acceptées", "Refusées"],
            ["avril 2026", "3", "2", "1"],
        ),
        ("territories", ["Département", "Lieux acceptés"], ["971 – Guadeloupe", "1"]),
        ("delays", ["Mois de la décision", "Médiane", "90e centile"], ["avril 2026", "4,0", "8,8"]),
    ],
)
def test_each_chart_downloads_as_csv_for_french_excel(admin_client, network, slug, header, row):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(reverse(f"admin:partners_partner_figures_{slug}_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == header
    assert row in rows


def xlsx_rows(response) -> tuple[str, list[list]]:
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    return sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_applications_chart_downloads_as_xlsx(admin_client, network):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(reverse("admin:partners_partner_figures_applications_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="chiffres-applications.xlsx"'
    title, rows = xlsx_rows(response)
    assert title == "Candidatures et décisions par m"  # a sheet's name: 31 characters
    assert rows[0] == ["Mois", "Candidatures", "Acceptées", "Refusées"]
    assert len(rows) == 13
    assert rows[1] == ["juillet 2025", 0, 0, 0]
    assert rows[10] == ["avril 2026", 3, 2, 1]
    assert rows[11] == ["mai 2026", 2, 2, 0]
    assert rows[12] == ["juin 2026", 1, 0, 0]


def test_the_map_downloads_as_xlsx_one_row_per_departement(admin_client, network):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(reverse("admin:partners_partner_figures_territories_xlsx"))
    title, rows = xlsx_rows(response)
    assert title == "Lieux acceptés par département"
    assert rows == [
        ["Département", "Lieux acceptés"],
        ["75 – Paris", 2],
        ["13 – Bouches-du-Rhône", 1],
        ["971 – Guadeloupe", 1],
    ]


def test_the_delays_download_as_xlsx_numbers_not_text(admin_client, network):
    with time_machine.travel(NOW, tick=False):
        response = admin_client.get(reverse("admin:partners_partner_figures_delays_xlsx"))
    title, rows = xlsx_rows(response)
    assert title == "Délais d'examen par mois (jours"
    assert rows[0] == ["Mois de la décision", "Médiane", "90e centile"]
    by_month = {row[0]: row[1:] for row in rows[1:]}
    assert by_month["avril 2026"] == [4, 8.8]
    assert by_month["mai 2026"] == [10, 10]
    assert by_month["juin 2026"] == [0, 0]


def test_a_reviewer_downloads_their_departements_only(client, make_reviewer, network):
    signin.verified_login(client, make_reviewer(departments=["971"]))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:partners_partner_figures_territories_xlsx"))
    assert xlsx_rows(response)[1] == [["Département", "Lieux acceptés"], ["971 – Guadeloupe", 1]]


def test_figures_without_any_partner_draw_empty_charts(admin_client):
    response = admin_client.get(reverse("admin:partners_partner_figures"))
    assert response.status_code == 200
    assert all(v == 0 for c in response.context["charts"] for vs in c.values for v in vs)


def test_the_page_groups_thousands_and_the_downloads_keep_plain_numbers():
    from django.utils import translation

    from partners.staff.charts import Series, Table

    table = Table("t", "T", "", "Ville", ["Lyon"], [Series("Population", "#000")], [[522_250]])
    with translation.override("fr"):
        assert table.displayed_rows == [("Lyon", ["522\xa0250"])]
        assert table.rows == [("Lyon", ["522250"])]
