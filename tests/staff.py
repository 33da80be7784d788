"""Signing in to the admin as staff: password, then a TOTP device and its current code."""

from django_otp.oath import TOTP

PASSWORD = "correct horse battery staple"
USERNAME = "camille"


def current_token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(client, *, password=PASSWORD, device=None, token="", address="203.0.113.7"):
    """The admin's login form: user name, password, then the chosen device and its code."""
    return client.post(
        "/admin/login/?next=/admin/",
        {
            "username": USERNAME,
            "password": password,
            "otp_device": device.persistent_id if device else "",
            "otp_token": token,
        },
        REMOTE_ADDR=address,
    )
