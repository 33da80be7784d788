"""Signing in on one form: user name, password and code sent once, in French (and English),
with errors beside their field and the user name kept; the lockout counts wrong codes."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.signin import USERNAME, current_token, log_in


def _wrong(device) -> str:
    return f"{(int(current_token(device)) + 1) % 10**6:06d}"


def _field_errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


def test_the_login_page_asks_for_the_three_in_french(client, db):
    page = client.get("/admin/login/?next=/admin/").text
    for label in ("Nom d’utilisateur", "Mot de passe", "Code de vérification"):
        assert label in page, label
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert "otp_device" not in page  # no device to choose
    # English is a link away, and leads to the English page asked for.
    assert 'href="/en/admin/login/?next=%2Fen%2Fadmin%2F"' in page


def test_the_login_page_in_english(client, db):
    page = client.get("/en/admin/login/").text
    for label in ("Username", "Password", "Two-factor code"):
        assert label in page, label


def test_one_submit_with_a_current_code_opens_the_admin(verified_staff, totp_device):
    client = Client()
    response = log_in(client, token=current_token(totp_device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_missing_code_is_asked_for_in_french_and_the_user_name_is_kept(
    verified_staff, totp_device
):
    client = Client()
    response = log_in(client, token="")
    assert response.status_code == 200
    assert _field_errors(response, "otp_token") == [
        "Saisissez le code affiché en ce moment par votre application d’authentification."
    ]
    assert f'value="{USERNAME}"' in response.text
    assert "Please select a device" not in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_in_french_and_counts_towards_the_lockout(
    verified_staff, totp_device
):
    client = Client()
    response = log_in(client, token=_wrong(totp_device))
    assert response.status_code == 200
    (error,) = _field_errors(response, "otp_token")
    assert error.startswith("Ce code est incorrect ou a expiré.")
    assert f'value="{USERNAME}"' in response.text
    assert client.get("/admin/").status_code == 302
    attempt = AccessAttempt.objects.get(username=USERNAME)
    assert attempt.failures_since_start == 1


def test_wrong_codes_alone_lock_the_account_out(verified_staff, totp_device):
    client = Client()
    start = timezone.now()
    for i in range(settings.AXES_FAILURE_LIMIT):
        # A minute apart: past django-otp's wait after a wrong code (1, 2, 4, 8 s).
        with time_machine.travel(start + datetime.timedelta(minutes=i), tick=False):
            log_in(client, token=_wrong(totp_device))
    later = start + datetime.timedelta(minutes=settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(later, tick=False):
        response = log_in(client, token=current_token(totp_device))
    assert response.status_code == 429
    assert "Connexion bloquée" in response.text


def test_errors_in_english_under_en(verified_staff, totp_device):
    client = Client()
    response = log_in(client, token="", path="/en/admin/login/?next=/en/admin/")
    assert _field_errors(response, "otp_token") == [
        "Type the code shown now by your authentication app."
    ]


def test_a_wrong_password_says_so_whatever_the_code(verified_staff, totp_device):
    client = Client()
    response = log_in(client, password="wrong", token=current_token(totp_device))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert [str(e) for e in errors] == [
        "Le nom d’utilisateur ou le mot de passe est incorrect, ou ce compte n’est pas un "
        "compte de l’équipe. Les majuscules comptent."
    ]
    assert f'value="{USERNAME}"' in response.text


def test_a_code_typed_with_spaces_is_accepted(verified_staff, totp_device):
    token = current_token(totp_device)
    response = log_in(Client(), token=f" {token[:3]} {token[3:]} ")
    assert response.status_code == 302


def test_a_code_is_used_once(verified_staff, totp_device):
    token = current_token(totp_device)
    assert log_in(Client(), token=token).status_code == 302
    again = log_in(Client(), token=token)
    assert again.status_code == 200
    assert _field_errors(again, "otp_token")


def test_the_code_of_the_users_second_phone_works(verified_staff, totp_device):
    second = TOTPDevice.objects.create(user=verified_staff, name="second", confirmed=True)
    assert log_in(Client(), token=current_token(second)).status_code == 302


def test_another_users_code_does_not_open_this_account(totp_device, django_user_model):
    other = django_user_model.objects.create_user("dominique", password="x" * 20)
    device = TOTPDevice.objects.create(user=other, name="téléphone", confirmed=True)
    response = log_in(Client(), token=current_token(device))
    assert response.status_code == 200
    assert _field_errors(response, "otp_token")


def test_an_unconfirmed_device_does_not_count(verified_staff):
    device = TOTPDevice.objects.create(user=verified_staff, name="pas fini", confirmed=False)
    response = log_in(Client(), token=current_token(device))
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        "Ce compte n’a pas encore de double authentification : demandez à une personne "
        "administratrice de l’activer."
    ]


@pytest.mark.parametrize("token", ["", "12", "abcdefgh", "1" * 40, "\u00e9t\u00e9", "0" * 6])
def test_odd_codes_never_fail_with_a_server_error(verified_staff, totp_device, token):
    response = log_in(Client(), token=token)
    assert response.status_code == 200
    assert re.search(r'class="errorlist', response.text)


def test_a_code_sent_again_too_soon_after_a_wrong_one_asks_to_wait_without_counting(
    verified_staff, totp_device
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(Client(), token=_wrong(totp_device))
        response = log_in(Client(), token=current_token(totp_device))
    assert _field_errors(response, "otp_token") == [
        "Plusieurs codes incorrects à la suite : attendez quelques secondes, puis réessayez."
    ]
    assert AccessAttempt.objects.get(username=USERNAME).failures_since_start == 1
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        assert log_in(Client(), token=current_token(totp_device)).status_code == 302


def test_a_deleted_reviewer_group_is_said_not_a_server_error(admin_client):
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Reviewer").delete()
    page = admin_client.get(reverse("admin:reviewer_add"))
    response = admin_client.post(reverse("admin:reviewer_add"), {"first_name": "Alex"})
    assert page.status_code == response.status_code == 200
    assert "n’existe plus" in response.text
