"""Signing in to the admin as staff: user name, password and the current code, on one form."""

from django_otp.oath import TOTP

PASSWORD = "correct horse battery staple"
USERNAME = "camille"


def current_token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(
    client,
    *,
    username=USERNAME,
    password=PASSWORD,
    token="",
    address="203.0.113.7",
    path="/admin/login/?next=/admin/",
):
    """The admin's login form, sent once: user name, password and the code (a TOTP code,
    or a one-time static code); the code alone says which device it is for."""
    return client.post(
        path,
        {"username": username, "password": password, "otp_token": token},
        REMOTE_ADDR=address,
    )


def verified_login(client, user) -> None:
    """``client.force_login(user)`` plus a confirmed TOTP device (the user's own, or a
    new one) marked as used in the session, as after the admin's sign-in: what
    admin tests need to reach the admin (django-otp) without typing codes."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def browser_sign_in(page, live_server, user) -> None:
    """``verified_login``'s session in a Playwright page's browser context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    verified_login(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
