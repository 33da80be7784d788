"""A new reviewer on one screen: name, email, password, départements chosen by name and
the authenticator app enrolled by its QR code, checked by its first code; administrators
and staff managers only, a manager giving only their own départements."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import ReviewerScope
from partners.staff.reviewers import MANAGER_PERMISSIONS
from tests import signin

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reviewer_add")
PASSWORD = "une phrase de passe assez longue"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The hashing is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _signed_key(page: str) -> str:
    return html.unescape(re.search(r'name="totp_key" value="([^"]+)"', page)[1])


def _code(signed_key: str, at=None) -> str:
    key = signing.loads(signed_key, salt="partners.staff.reviewers.totp-key")
    totp = TOTP(bytes.fromhex(key))
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


def _form(page: str, **changes) -> dict:
    signed = _signed_key(page)
    data = {
        "first_name": "Alex",
        "last_name": "Durand",
        "email": "Alex.Durand@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "departments": ["75", "13"],
        "totp_key": signed,
        "otp_token": _code(signed),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_screen_lists_departements_by_name_and_shows_a_qr_code(admin_client):
    page = admin_client.get(ADD).text
    assert "75 – Paris" in page
    assert "971 – Guadeloupe" in page
    assert "<legend>Île-de-France</legend>" in page
    regions = re.findall(r"<legend>([^<]+)</legend>", page)
    assert regions.index("Hauts-de-France") < regions.index("Île-de-France")
    assert regions.index("Île-de-France") < regions.index("La Réunion")
    assert '<svg role="img" aria-label="QR code à scanner' in page
    assert "Ajouter une personne chargée de l’examen" in page
    # Nothing the Content-Security-Policy would block: no inline style or script.
    assert " style=" not in page.split('id="content-main"')[1]
    assert "<script>" not in page
    # Reached from the home page.
    assert ADD in admin_client.get(reverse("admin:index")).text


def test_one_screen_creates_a_reviewer_who_signs_in_with_their_app(admin_client):
    page = admin_client.get(ADD).text
    response = admin_client.post(ADD, _form(page))
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user__username="alex.durand@example.org")
    user = device.user
    assert device.confirmed
    assert (user.first_name, user.last_name, user.email) == ("Alex", "Durand", user.username)
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Reviewer"]
    assert sorted(ReviewerScope.objects.get(user=user).departments) == ["13", "75"]
    followed = admin_client.get(response["Location"])
    assert "Alex Durand peut maintenant se connecter" in followed.text

    # The reviewer signs in with the app's next code (the enrolment's code is used up).
    later = timezone.now() + datetime.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        reviewer = Client()
        signed_in = signin.log_in(
            reviewer,
            username="alex.durand@example.org",
            password=PASSWORD,
            token=signin.current_token(device),
        )
        assert signed_in.status_code == 302
        assert reviewer.get(reverse("admin:partners_partner_changelist")).status_code == 200
        assert reviewer.get(ADD).status_code == 403


def test_every_departement_means_no_limit(admin_client):
    page = admin_client.get(ADD).text
    admin_client.post(ADD, _form(page, departments=None, every_department="on"))
    user = TOTPDevice.objects.get(user__username="alex.durand@example.org").user
    assert not ReviewerScope.objects.filter(user=user).exists()


def test_a_wrong_code_keeps_the_qr_code_and_everything_typed(admin_client):
    page = admin_client.get(ADD).text
    signed = _signed_key(page)
    right = _code(signed)
    wrong = f"{(int(right) + 500_000) % 10**6:06d}"
    response = admin_client.post(ADD, _form(page, otp_token=wrong))
    assert response.status_code == 200
    again = response.text
    assert _signed_key(again) == signed  # the phone that scanned it stays right
    assert "Ce code ne correspond pas au QR code" in again
    assert 'value="Alex"' in again
    assert 'value="Alex.Durand@Example.org"' in again
    assert re.search(r'value="75"[^>]*checked', again)
    assert not TOTPDevice.objects.filter(user__username="alex.durand@example.org").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"departments": None}, "departments", "Choisissez au moins un département"),
        (
            {"every_department": "on"},
            "departments",
            "Choisissez soit certains départements, soit tous",
        ),
        ({"password2": "autre chose encore"}, "password2", "Les deux mots de passe"),
        ({"password1": "court", "password2": "court"}, "password1", "trop court"),
        ({"email": "pas une adresse"}, "email", "adresse de courriel valide"),
        ({"departments": ["75", "99"]}, "departments", "Sélectionnez un choix valide"),
        ({"otp_token": ""}, "otp_token", "Ce champ est obligatoire"),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire"),
    ],
)
def test_errors_are_in_french_beside_their_field(admin_client, changes, field, message):
    page = admin_client.get(ADD).text
    response = admin_client.post(ADD, _form(page, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not TOTPDevice.objects.filter(user__username="alex.durand@example.org").exists()


def test_an_email_already_used_is_refused(admin_client, admin_user):
    admin_user.email = "alex.durand@example.org"
    admin_user.save()
    page = admin_client.get(ADD).text
    response = admin_client.post(ADD, _form(page))
    assert "Un compte de l’équipe utilise déjà cette adresse" in response.text


def test_a_tampered_or_expired_key_gives_a_new_qr_code(admin_client):
    page = admin_client.get(ADD).text
    response = admin_client.post(ADD, _form(page, totp_key="forged"))
    assert response.status_code == 200
    assert "Ce QR code a expiré" in response.text
    assert _signed_key(response.text) != "forged"
    later = timezone.now() + datetime.timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        signin.verified_login(admin_client, admin_client.session and _admin(admin_client))
        response = admin_client.post(ADD, _form(page))
        assert "Ce QR code a expiré" in response.text


def _admin(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_reviewers_may_not_create_reviewers(client, make_reviewer):
    signin.verified_login(client, make_reviewer())
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"first_name": "X"}).status_code == 403
    assert client.get(reverse("admin:partners_reviewerscope_add")).status_code == 403


def test_a_staff_manager_gives_only_their_own_departements(client, make_reviewer):
    manager = make_reviewer("manager", departments=["69", "01"])
    manager.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["auth", "otp_totp", "partners"],
            codename__in=[p.split(".")[1] for p in MANAGER_PERMISSIONS],
        )
    )
    signin.verified_login(client, manager)
    page = client.get(ADD).text
    assert "69 – Rhône" in page
    assert "75 – Paris" not in page
    assert "Tous les départements" not in page
    refused = client.post(ADD, _form(page, departments=["69", "75"]))
    assert refused.status_code == 200
    assert not TOTPDevice.objects.filter(user__username="alex.durand@example.org").exists()
    created = client.post(ADD, _form(page, departments=["69"]))
    assert created.status_code == 302
    user = TOTPDevice.objects.get(user__username="alex.durand@example.org").user
    assert ReviewerScope.objects.get(user=user).departments == ["69"]


def test_the_reviewer_scope_pages_lead_to_the_one_screen_and_use_names(admin_client, make_reviewer):
    assert admin_client.get(reverse("admin:partners_reviewerscope_add"))["Location"] == ADD
    reviewer = make_reviewer(departments=["75"])
    scope = ReviewerScope.objects.get(user=reviewer)
    page = admin_client.get(reverse("admin:partners_reviewerscope_change", args=[scope.pk])).text
    assert "75 – Paris" in page
    assert 'name="user"' not in page  # no numeric user id to type
    response = admin_client.post(
        reverse("admin:partners_reviewerscope_change", args=[scope.pk]),
        {"departments": ["75", "92"]},
    )
    assert response.status_code == 302
    scope.refresh_from_db()
    assert scope.departments == ["75", "92"]


def test_the_screen_in_english(admin_client):
    page = admin_client.get("/en" + ADD).text
    for text in ("Add a reviewer", "First name", "Every département (no limit)", "75 – Paris"):
        assert text in page, text
    response = admin_client.post("/en" + ADD, _form(page, otp_token="000000x"))
    assert "This code does not match the QR code" in response.text


def test_the_same_screen_creates_a_checker_who_only_sees_visits(admin_client):
    add = reverse("admin:checker_add")
    page = admin_client.get(add).text
    assert "Ajouter une personne chargée des vérifications" in page
    assert "La personne ne vérifie que les lieux de ces départements." in page
    assert '<svg role="img" aria-label="QR code à scanner' in page
    assert add in admin_client.get(reverse("admin:index")).text
    response = admin_client.post(add, _form(page, departments=["69"]))
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user__username="alex.durand@example.org")
    user = device.user
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Checker"]
    assert ReviewerScope.objects.get(user=user).departments == ["69"]

    later = timezone.now() + datetime.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        checker = Client()
        signed_in = signin.log_in(
            checker,
            username="alex.durand@example.org",
            password=PASSWORD,
            token=signin.current_token(device),
        )
        assert signed_in.status_code == 302
        assert checker.get(reverse("admin:check_visits")).status_code == 200
        assert "0 visite à faire" in checker.get(reverse("admin:index")).text
        assert checker.get(reverse("admin:partners_partner_changelist")).status_code == 403
        assert checker.get(add).status_code == 403


def test_without_the_checker_group_the_screen_says_so(admin_client):
    from django.contrib.auth.models import Group

    add = reverse("admin:checker_add")
    page = admin_client.get(add).text
    Group.objects.filter(name="Checker").delete()
    response = admin_client.post(add, _form(page))
    assert response.status_code == 200
    assert "Le groupe « Checker »" in response.text
    assert not TOTPDevice.objects.filter(user__username="alex.durand@example.org").exists()
