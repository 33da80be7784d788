"""Staff sign in on one form: user name, password and the two-factor code together.

django-otp's own admin form asks in two rounds (the password, then a list of the user's
devices and a code) and, sent with a code but no device, answers "Please select a
device." in English. Here the code alone says which kind of device it is for: digits only
are a TOTP code (the authenticator app), anything else a one-time static code
(``manage.py addstatictoken``, to bootstrap the first administrator).

The password is checked first, by Django's ``authenticate`` through django-axes, so a
wrong password is counted towards the lockout whatever the code. A wrong code is counted
too (``user_login_failed``): a stolen password alone cannot guess codes beyond
``AXES_FAILURE_LIMIT`` tries, on top of django-otp's own throttling of each device.
"""

import datetime
import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

_SPACES = re.compile(r"[\s-]+")
_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


class StaffAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or the password is wrong, or the account is not a staff account. "
            "Both are case-sensitive."
        ),
        "code_required": _("Type the code shown now by your authentication app."),
        "invalid_code": _(
            "This code is wrong or has expired. Type the code shown now by your "
            "authentication app (it changes every 30 seconds)."
        ),
        "no_device": _(
            "This account has no two-factor device yet: ask an administrator to enrol one."
        ),
        "throttled": _("Wrong codes in a row: wait a few seconds, then try again."),
    }

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        help_text=_("The six digits shown by your authentication app."),
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 10,
            }
        ),
    )

    def clean(self):
        # Password first (Django's authenticate, django-axes' backend and its lockout).
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            self._verify_code(user, _SPACES.sub("", cleaned.get("otp_token") or ""))
        return cleaned

    def _verify_code(self, user, code: str) -> None:
        if not any(isinstance(d, (TOTPDevice, StaticDevice)) for d in devices_for_user(user)):
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")
        if not code:
            raise forms.ValidationError({"otp_token": self.error_messages["code_required"]})
        kind = TOTPDevice if code.isdigit() else StaticDevice
        with transaction.atomic():
            # Locked for update: two requests cannot both use the same code.
            confirmed = list(devices_for_user(user, for_verify=True))
            devices = [d for d in confirmed if isinstance(d, kind)]
            # The device used last first: the usual phone is tried, others only after it
            # (each device that refuses the code counts one failure in its throttling).
            devices.sort(key=lambda d: d.last_used_at or _NEVER, reverse=True)
            tried = throttled = False
            for device in devices:
                # django-otp's own delay after a wrong code (1 s, then 2, 4…), per device
                # whatever the address: it slows a guesser spread over many addresses.
                if not device.verify_is_allowed()[0]:
                    throttled = True
                    continue
                tried = True
                if device.verify_token(code.lower() if kind is StaticDevice else code):
                    user.otp_device = device  # django_otp.login puts it in the session
                    return
        if throttled and not tried:
            # No code was checked: nothing to count against the person.
            raise forms.ValidationError({"otp_token": self.error_messages["throttled"]})
        user_login_failed.send(
            sender=type(self),
            credentials={"username": user.get_username()},
            request=self.request,
        )
        raise forms.ValidationError({"otp_token": self.error_messages["invalid_code"]})
