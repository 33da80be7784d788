"""Read-only accounts for institutions (police, gendarmerie, funders): created on the
staff's one screen, signed in with a two-factor code, limited to their départements; they
read partners and figures, see no contact person, change, act on and export nothing, and
each of their requests is recorded."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import AccessLog, Partner, ReviewerScope, TrainingCompletion, Welcome
from partners.services import decisions
from partners.services.privacy import purge_personal_data
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "une phrase de passe assez longue"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_institution(django_user_model):
    def make(username="officier.liaison@police.example", departments=("75",)):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=True
        )
        TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
        user.groups.add(Group.objects.get(name="Read-only"))
        if departments is not None:
            ReviewerScope.objects.create(user=user, departments=list(departments))
        return user

    return make


@pytest.fixture
def partners():
    paris = decisions.approve_partner(
        partner=PartnerFactory(name="Pharmacie du Marais", contact_email="gerante@marais.example")
    )
    lyon = decisions.approve_partner(
        partner=PartnerFactory(
            name="Librairie des Terreaux", department="69", postcode="69001", city="Lyon"
        )
    )
    Welcome.objects.create(
        partner=paris, on=datetime.date.today(), kind="racist", police_called="no", stayed="yes"
    )
    return paris, lyon


@pytest.fixture
def officer(make_institution):
    """A police liaison officer's browser, signed in, limited to Paris."""
    client = Client()
    signin.verified_login(client, make_institution())
    return client


def test_created_on_the_staff_screen_limited_to_some_departements(admin_client):
    add = reverse("admin:read_only_add")
    assert add in admin_client.get(reverse("admin:index")).text
    page = admin_client.get(add).text
    assert "Ajouter un compte en lecture seule" in page
    assert "Tous les départements" not in page  # never every département
    signed = html.unescape(re.search(r'name="totp_key" value="([^"]+)"', page)[1])
    key = signing.loads(signed, salt="partners.staff.reviewers.totp-key")
    data = {
        "first_name": "Sam",
        "last_name": "Lefort",
        "email": "sam.lefort@gendarmerie.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "every_department": "on",
        "totp_key": signed,
        "otp_token": f"{TOTP(bytes.fromhex(key)).token():06d}",
    }
    refused = admin_client.post(add, data)
    assert "Choisissez au moins un département." in refused.text
    data["departments"] = ["13"]
    assert admin_client.post(add, data).status_code == 302
    user = get_user_model().objects.get(username="sam.lefort@gendarmerie.example")
    assert [g.name for g in user.groups.all()] == ["Read-only"]
    assert user.reviewer_scope.departments == ["13"]
    assert not user.is_superuser
    assert user.totpdevice_set.get().confirmed


def test_signs_in_with_password_and_code_like_staff(make_institution):
    user = make_institution()
    device = user.totpdevice_set.get()
    client = Client()
    refused = signin.log_in(client, username=user.username, password=PASSWORD, token="")
    assert refused.status_code == 200
    response = signin.log_in(
        client, username=user.username, password=PASSWORD, token=signin.current_token(device)
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:partners_partner_changelist")).status_code == 200


def test_reads_the_partners_of_its_departements_without_their_contact(officer, partners):
    paris, lyon = partners
    listing = officer.get(reverse("admin:partners_partner_changelist") + "?status=all").text
    assert "Pharmacie du Marais" in listing
    assert "Librairie des Terreaux" not in listing
    assert 'name="action"' not in listing  # no action at all
    assert "export.csv" not in listing
    assert "export.xlsx" not in listing

    page = officer.get(reverse("admin:partners_partner_change", args=[paris.pk])).text
    assert "Pharmacie du Marais" in page
    assert "gerante@marais.example" not in page
    assert "Camille Martin" not in page  # the contact person's name
    assert "Personne de contact" not in page
    assert "sticker.pdf" not in page
    assert 'type="submit"' not in page.split('id="content-main"')[1].split("</form>")[0]

    # Nor found through the contact's email.
    found = officer.get(
        reverse("admin:partners_partner_changelist") + "?status=all&q=gerante@marais.example"
    ).text
    assert "Pharmacie du Marais" not in found

    elsewhere = officer.get(reverse("admin:partners_partner_change", args=[lyon.pk]))
    assert elsewhere.status_code == 302
    assert "Librairie des Terreaux" not in officer.get(elsewhere["Location"]).text


def test_reads_the_figures_and_welcomes_without_downloads(officer, partners):
    figures = officer.get(reverse("admin:partners_welcome_figures"))
    assert figures.status_code == 200
    assert "75 – Paris" in figures.text
    assert "Télécharger" not in figures.text
    partner_figures = officer.get(reverse("admin:partners_partner_figures"))
    assert partner_figures.status_code == 200
    assert ".csv" not in partner_figures.text
    assert "/admin/partners/report/" not in partner_figures.text
    # No work waiting on their home, no link to a page refused to them.
    home = officer.get(reverse("admin:index")).text
    assert "/admin/partners/partner/changes/" not in home
    assert "à examiner" not in home
    assert "Pharmacie du Marais" in officer.get(reverse("admin:partners_welcome_changelist")).text


def test_every_link_of_the_pages_it_reads_opens(officer, partners):
    """No link to a page refused to it: neither a partner's or a welcome's history nor
    "view on site" (both through the admin), nor the network's coverage."""
    paris, _ = partners
    welcome = Welcome.objects.get()
    pages = [
        reverse("admin:index"),
        reverse("admin:partners_partner_changelist") + "?status=all",
        reverse("admin:partners_partner_change", args=[paris.pk]),
        reverse("admin:partners_partner_figures"),
        reverse("admin:partners_welcome_changelist"),
        reverse("admin:partners_welcome_change", args=[welcome.pk]),
        reverse("admin:partners_welcome_figures"),
        reverse("admin:partners_charter_changelist"),
    ]
    links = set()
    for url in pages:
        page = officer.get(url)
        assert page.status_code == 200, url
        links |= {
            html.unescape(href)
            for href in re.findall(r'href="(/admin/[^"]*)"', page.text)
            if "/logout/" not in href
        }
    assert reverse("admin:partners_partner_history", args=[paris.pk]) not in links
    assert reverse("admin:partners_partner_coverage") not in links
    for link in sorted(links):
        assert officer.get(link).status_code in (200, 302), link


def test_reads_a_partner_without_the_edit_form_and_its_location_in_degrees(officer, partners):
    paris, _ = partners
    page = officer.get(reverse("admin:partners_partner_change", args=[paris.pk])).text
    for edit_only in ("Déplacez l’épingle", "Motif de la modification", "Le repère est sur"):
        assert edit_only not in page, edit_only
    latitude, longitude = paris.location.y, paris.location.x
    assert f"{latitude:.5f}, {longitude:.5f} (latitude, longitude)" in page
    assert "SRID=4326" not in page
    # Staff still edit, with the map.
    staff = Client()
    signin.verified_login(staff, get_user_model().objects.create_superuser("chef", "c@x.fr", "x"))
    page = staff.get(reverse("admin:partners_partner_change", args=[paris.pk])).text
    assert "(latitude, longitude)" not in page
    assert 'name="edit_reason"' in page
    assert 'name="confirm_pin"' in page


def test_sees_how_many_staff_are_trained_not_who(officer, partners):
    paris, _ = partners
    now = timezone.now()
    for name in ("Maëlys", "J.-B. R."):
        TrainingCompletion.objects.create(
            partner=paris,
            name=name,
            passed_at=now,
            score=8,
            expires_at=now + datetime.timedelta(days=365),
        )
    page = html.unescape(
        officer.get(reverse("admin:partners_partner_change", args=[paris.pk])).text
    )
    assert "Maëlys" not in page
    assert "J.-B. R." not in page
    assert re.search(r"Formés\s*:\s*</label>\s*<div class=\"readonly\">2</div>", page)
    staff = Client()
    signin.verified_login(staff, get_user_model().objects.create_superuser("chef", "c@x.fr", "x"))
    page = html.unescape(staff.get(reverse("admin:partners_partner_change", args=[paris.pk])).text)
    assert "Maëlys" in page


def test_every_change_action_and_export_is_refused(officer, partners):
    paris, _ = partners
    welcome = Welcome.objects.get()
    pk = paris.pk
    refused_gets = [
        reverse("admin:partners_partner_export"),
        reverse("admin:partners_partner_export_xlsx"),
        reverse("admin:partners_partner_figures_applications_csv"),
        reverse("admin:partners_partner_figures_territories_xlsx"),
        reverse("admin:partners_welcome_figures_territories_csv"),
        reverse("admin:partners_welcome_figures_answers_xlsx"),
        reverse("admin:partners_partner_add"),
        reverse("admin:partners_partner_history", args=[pk]),
        reverse("admin:partners_partner_delete", args=[pk]),
        reverse("admin:partners_partner_decide", args=[pk, "suspend"]),
        reverse("admin:partners_partner_sticker_pdf", args=[pk]),
        reverse("admin:partners_partner_sticker_svg", args=[pk]),
        reverse("admin:partners_partner_certificate", args=[pk]),
        reverse("admin:partners_partner_changes"),
        reverse("admin:partners_partner_changes_review", args=[pk]),
        reverse("admin:partners_report_changelist"),
        reverse("admin:partners_partnerevent_changelist"),
        reverse("admin:partners_accesslog_changelist"),
        reverse("admin:partners_welcome_delete", args=[welcome.pk]),
        reverse("admin:reviewer_add"),
        reverse("admin:auth_user_changelist"),
    ]
    for url in refused_gets:
        assert officer.get(url).status_code == 403, url
    change = reverse("admin:partners_partner_change", args=[pk])
    changelist = reverse("admin:partners_partner_changelist")
    posts = [
        (change, {"name": "Renommé", "edit_reason": "test"}),
        (changelist, {"action": "export_csv", "_selected_action": [pk]}),
        (changelist, {"action": "export_contact_data", "_selected_action": [pk]}),
        (changelist, {"action": "suspend", "_selected_action": [pk], "reason": "x"}),
        (reverse("admin:partners_partner_decide", args=[pk, "suspend"]), {"reason": "x"}),
    ]
    for url, data in posts:
        assert officer.post(url, data).status_code == 403, url
    paris.refresh_from_db()
    assert (paris.name, paris.status) == ("Pharmacie du Marais", "approved")


def test_an_account_without_departements_sees_nothing(client, make_institution, partners):
    signin.verified_login(client, make_institution(departments=None))
    listing = client.get(reverse("admin:partners_partner_changelist") + "?status=all").text
    assert "Pharmacie du Marais" not in listing
    assert "Librairie des Terreaux" not in listing


def test_each_request_is_recorded_and_kept_as_written(officer, partners, make_reviewer):
    paris, _ = partners
    officer.get(reverse("admin:partners_partner_change", args=[paris.pk]))
    officer.get(reverse("admin:partners_partner_export") + "?q=secret")
    reviewer = Client()
    signin.verified_login(reviewer, make_reviewer())
    reviewer.get(reverse("admin:partners_partner_changelist"))

    change, export = AccessLog.objects.order_by("pk")
    assert change.username == "officier.liaison@police.example"
    assert change.path == reverse("admin:partners_partner_change", args=[paris.pk])
    assert (change.method, change.status_code) == ("GET", 200)
    assert (change.object_type, change.object_id) == ("partners.partner", str(paris.pk))
    assert export.path == reverse("admin:partners_partner_export")  # no query string
    assert export.status_code == 403

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE partners_accesslog SET path = '/' WHERE id = %s", [change.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_accesslog WHERE id = %s", [change.pk])
    assert AccessLog.objects.count() == 2


def test_administrators_read_the_records_and_reviewers_do_not(
    admin_client, officer, partners, make_reviewer
):
    officer.get(reverse("admin:partners_partner_changelist"))
    listing = admin_client.get(reverse("admin:partners_accesslog_changelist"))
    assert "officier.liaison@police.example" in listing.text
    record = AccessLog.objects.first()
    assert (
        admin_client.post(
            reverse("admin:partners_accesslog_delete", args=[record.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    reviewer = Client()
    signin.verified_login(reviewer, make_reviewer())
    assert reviewer.get(reverse("admin:partners_accesslog_changelist")).status_code == 403


def test_records_are_deleted_after_the_retention(settings, officer, partners, django_user_model):
    settings.RETENTION_STAFF_LOGIN_LOG_DAYS = 180
    start = datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        officer.get(reverse("admin:index"))
    with time_machine.travel(start + datetime.timedelta(days=100), tick=False):
        officer.get(reverse("admin:index"))
    with time_machine.travel(start + datetime.timedelta(days=181), tick=False):
        report = purge_personal_data()
    assert report.read_only_accesses_deleted == 1
    assert AccessLog.objects.count() == 1
    # A deleted account's records stay, with its name.
    django_user_model.objects.filter(username="officier.liaison@police.example").delete()
    kept = AccessLog.objects.get()
    assert (kept.user, kept.username) == (None, "officier.liaison@police.example")
    assert Partner.objects.exists()
