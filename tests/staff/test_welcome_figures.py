"""The welcomes for staff: their list (read-only) and their figures by département and
month, within a reviewer's départements, as CSV and XLSX cell by cell."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from partners.models import Welcome
from partners.services import decisions
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
FIGURES = reverse("admin:partners_welcome_figures")


def record(partner, n, *, on, kind="lgbt_phobic", called="yes", delay="10_30", stayed="yes"):
    for _ in range(n):
        Welcome.objects.create(
            partner=partner, on=on, kind=kind, police_called=called, police_delay=delay,
            stayed=stayed,
        )  # fmt: skip


@pytest.fixture
def welcomes():
    with time_machine.travel(NOW - datetime.timedelta(days=500), tick=False):
        paris = decisions.approve_partner(partner=PartnerFactory(name="Bar du Marais"))
        lyon = decisions.approve_partner(
            partner=PartnerFactory(department="69", postcode="69001", city="Lyon")
        )
    with time_machine.travel(NOW, tick=False):
        record(paris, 2, on=datetime.date(2026, 11, 3))
        record(paris, 1, on=datetime.date(2026, 9, 3), kind="racist", called="no", delay="")
        record(lyon, 4, on=datetime.date(2026, 10, 5), kind="sexist", stayed="not_said")
        # Older than twelve months: in the list, not in the figures.
        record(lyon, 1, on=datetime.date(2025, 11, 19))
    return paris, lyon


@time_machine.travel(NOW, tick=False)
def test_the_figures_count_per_departement_and_month(admin_client, welcomes):
    page = admin_client.get(FIGURES).text
    assert "Accueils par département et par mois" in page
    assert '<th scope="row">75 – Paris</th>' in page
    assert '<th scope="row">69 – Rhône</th>' in page
    assert "Télécharger (Excel)" in page
    assert FIGURES in admin_client.get(reverse("admin:partners_welcome_changelist")).text


@time_machine.travel(NOW, tick=False)
def test_the_xlsx_holds_the_table_cell_by_cell(admin_client, welcomes):
    response = admin_client.get(reverse("admin:partners_welcome_figures_territories_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="accueils-territories.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Département"
    assert rows[0][1] == "décembre 2025"
    assert rows[0][12] == "novembre 2026"
    assert rows[0][13] == "Total"
    #                 déc … août      sept oct nov total
    assert rows[1] == ["69 – Rhône", *[0] * 9, 0, 4, 0, 4]
    assert rows[2] == ["75 – Paris", *[0] * 9, 1, 0, 2, 3]
    assert rows[3] == ["Total", *[0] * 9, 1, 4, 2, 7]
    assert len(rows) == 4
    assert all(isinstance(v, int) for v in rows[1][1:])

    answers = admin_client.get(reverse("admin:partners_welcome_figures_answers_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(answers.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Question", "Réponse", "Accueils"]
    assert ["Type d’agression", "LGBT+phobe", 2] in rows
    assert ["Type d’agression", "Sexiste", 4] in rows
    assert ["Type d’agression", "Raciste", 1] in rows
    assert ["Police appelée", "Oui", 6] in rows
    assert ["Police appelée", "Non", 1] in rows
    assert ["Police arrivée au bout de", "De 10 à 30 minutes", 6] in rows
    assert ["Restée jusqu’à l’arrivée des secours", "Non précisé", 4] in rows


@time_machine.travel(NOW, tick=False)
def test_the_csv_opens_in_french_excel(admin_client, welcomes):
    response = admin_client.get(reverse("admin:partners_welcome_figures_territories_csv"))
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffDépartement;décembre 2025;")
    assert lines[-1] == "Total;" + "0;" * 9 + "1;4;2;7"


@time_machine.travel(NOW, tick=False)
def test_a_reviewer_sees_the_welcomes_of_their_departements_only(client, make_reviewer, welcomes):
    reviewer = make_reviewer(departments=["75"])
    signin.verified_login(client, reviewer)
    page = client.get(FIGURES).text
    assert "75 – Paris" in page
    assert "69 – Rhône" not in page
    listing = client.get(reverse("admin:partners_welcome_changelist")).text
    assert "Bar du Marais" in listing
    assert "Lyon" not in listing
    response = client.get(reverse("admin:partners_welcome_figures_territories_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in sheet.iter_rows()] == ["Département", "75 – Paris", "Total"]


@time_machine.travel(NOW, tick=False)
def test_nobody_adds_changes_or_deletes_a_welcome_in_the_admin(admin_client, welcomes):
    welcome = Welcome.objects.first()
    assert admin_client.get(reverse("admin:partners_welcome_add")).status_code == 403
    change = reverse("admin:partners_welcome_change", args=[welcome.pk])
    assert admin_client.post(change, {"kind": "other"}).status_code == 403
    delete = reverse("admin:partners_welcome_delete", args=[welcome.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Welcome.objects.filter(pk=welcome.pk, kind=welcome.kind).exists()


@time_machine.travel(NOW, tick=False)
def test_the_page_groups_thousands_and_the_downloads_keep_numbers(admin_client, welcomes):
    paris, _ = welcomes
    Welcome.objects.bulk_create(
        Welcome(partner=paris, on=datetime.date(2026, 11, 4), kind="other", police_called="no",
                stayed="no")
        for _ in range(1200)
    )  # fmt: skip
    assert "<td>1\xa0202</td>" in admin_client.get(FIGURES).text
    response = admin_client.get(reverse("admin:partners_welcome_figures_territories_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[3]][-2:] == [1202, 1203]
