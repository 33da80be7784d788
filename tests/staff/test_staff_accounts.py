"""Staff accounts: password + TOTP code, brute-force lockout, session expiry, admin URL."""

import datetime
import io

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from tests.signin import current_token, log_in
from tests.site.test_settings import _settings_value


def test_a_password_alone_does_not_open_the_admin(verified_staff):
    client = Client()
    response = log_in(client)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_staff_session_without_a_verified_device_is_sent_back_to_the_login(
    verified_staff, totp_device
):
    client = Client()
    client.force_login(verified_staff)  # authenticated by password, not verified by OTP
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_password_and_a_current_totp_code_open_the_admin(verified_staff, totp_device):
    client = Client()
    response = log_in(client, token=current_token(totp_device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/partners/partner/").status_code == 200


def test_a_one_time_static_code_bootstraps_the_first_administrator(verified_staff):
    output = io.StringIO()
    call_command("addstatictoken", "camille", stdout=output)
    client = Client()
    # The one-time code alone, on the same form: no device to choose.
    response = log_in(client, token=output.getvalue().strip())
    assert response.status_code == 302
    assert not StaticDevice.objects.get(user=verified_staff).token_set.exists()  # used up
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 200


def test_a_wrong_totp_code_is_refused(verified_staff, totp_device):
    client = Client()
    wrong = f"{(int(current_token(totp_device)) + 1) % 10**6:06d}"
    response = log_in(client, token=wrong)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_lock_the_account_out_from_that_address(verified_staff, totp_device):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, password="wrong password", address="203.0.113.7")

    # The right password and code no longer open the door from there...
    response = log_in(client, token=current_token(totp_device), address="203.0.113.7")
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # ...and the lockout is in the database, shared by every worker.
    attempt = AccessAttempt.objects.get(username="camille", ip_address="203.0.113.7")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT

    # The same person elsewhere (not the attacker's address) still gets in.
    other = Client()
    assert (
        log_in(other, token=current_token(totp_device), address="198.51.100.4").status_code == 302
    )


def test_the_lockout_ends_after_the_cool_off(verified_staff, totp_device):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, password="wrong password")
    later = datetime.datetime.now(tz=datetime.UTC) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        assert log_in(client, token=current_token(totp_device)).status_code == 302


def test_the_client_address_comes_from_the_trusted_proxy_only(verified_staff, totp_device):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "camille", "password": "wrong", "otp_token": ""},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",
        )
    assert AccessAttempt.objects.get(username="camille").ip_address == "203.0.113.9"


def test_a_staff_session_ends_with_the_browser_and_after_eight_hours(verified_staff, totp_device):
    client = Client()
    log_in(client, token=current_token(totp_device))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert client.get("/admin/").status_code == 200

    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=8, minutes=1)
    with time_machine.travel(later):
        assert client.get("/admin/").status_code == 302


def test_the_admin_url_is_a_setting():
    result = _settings_value(
        "__import__('django.urls').urls.reverse('admin:index'), s.NO_STORE_PATH_PREFIXES[0]",
        ADMIN_URL="gestion-7f3a",
    )
    assert result.stdout.strip() == "('/gestion-7f3a/', '/gestion-7f3a/')", result.stderr


def test_the_admin_client_fixture_is_verified_like_a_signed_in_staff_member(admin_client):
    assert admin_client.get("/admin/partners/partner/").status_code == 200


def test_a_session_pointing_at_another_users_device_is_not_verified(admin_client, verified_staff):
    from tests.signin import verified_login

    other = Client()
    verified_login(other, verified_staff)
    session = other.session
    session["otp_device_id"] = admin_client.session["otp_device_id"]
    session.save()
    assert other.get("/admin/partners/partner/").status_code == 302
