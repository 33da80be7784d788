"""A new reviewer, checker, région's coordinator or institution's read-only account on one
screen: name, email, password, départements chosen by name (a coordinator's by their
région), and their authenticator app enrolled from a QR code, checked by its first code.
They differ only by their group (``Role``): what each may do is the group's; a read-only
account and a coordinator are always limited to some départements (``Role.everywhere``).

Only a superuser, or a staff manager holding the permissions to add users, their
two-factor devices and reviewers' départements, may do it; a manager limited to some
départements gives only those (and a coordinator's région only if it holds all of its
départements). A région's coordinator (``IN_SCOPE_PERMISSION``) adds reviewers and checkers
within the région, and no other account (``Role.in_scope``). The enrolment's secret travels
in the form, signed (it is in the QR code on the same page anyway): a form sent back with an
error keeps the same QR code, so the phone that scanned it stays right.
"""

import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP

from partners.domain import territories
from partners.services.reviewers import (
    CHECKER_GROUP,
    COORDINATOR_GROUP,
    READ_ONLY_GROUP,
    REVIEWER_GROUP,
    create_staff_member,
)
from partners.staff.scope import allowed_departments, regions_within

MANAGER_PERMISSIONS = (
    "auth.add_user",
    "auth.change_user",
    "otp_totp.add_totpdevice",
    "partners.add_reviewerscope",
)
# A région's coordinators hold this one instead (partners/migrations/0026_coordinator_group.py):
# they change no user, and add the roles that are ``in_scope`` only, within their départements.
IN_SCOPE_PERMISSION = "partners.add_staff_in_scope"
_KEY_SALT = "partners.staff.reviewers.totp-key"
_KEY_MAX_AGE = 2 * 3600
# TOTPDevice's defaults: the codes authenticator apps show.
_STEP, _DIGITS = 30, 6


@dataclass(frozen=True)
class Role:
    """A kind of account the one screen creates: its group, and its words."""

    group: str
    title: str
    departments_help: str
    no_group: str
    # Whether the account may be given every département.
    everywhere: bool = True
    # Whether its départements are a région's, chosen by the région's name.
    regional: bool = False
    # Whether a région's coordinator may add it (within the région).
    in_scope: bool = False


def may_add_staff(user, role: Role | None = None) -> bool:
    """Whether ``user`` may add ``role``'s accounts (some role, when None)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.has_perms(MANAGER_PERMISSIONS):
        return True
    return (
        user.has_perm(IN_SCOPE_PERMISSION)
        # Never every département: a coordinator whose région was taken adds no one.
        and bool(allowed_departments(user))
        and (role is None or role.in_scope)
    )


REVIEWER = Role(
    REVIEWER_GROUP,
    _("Add a reviewer"),
    _("The reviewer sees and decides on these départements only."),
    _(
        "The “Reviewer” group, which gives reviewers their permissions, no longer "
        "exists: ask the technical team to create it again."
    ),
    in_scope=True,
)
# Checkers see the visits to make in their départements and record mystery checks
# (partners/staff/checks.py), nothing else.
CHECKER = Role(
    CHECKER_GROUP,
    _("Add a checker"),
    _("The checker visits partners in these départements only."),
    _(
        "The “Checker” group, which gives checkers their permissions, no longer "
        "exists: ask the technical team to create it again."
    ),
    in_scope=True,
)
# A région's coordinator: what a reviewer does, in the région's départements, plus its
# candidates and invitations, its coverage targets, and its reviewers and checkers.
COORDINATOR = Role(
    COORDINATOR_GROUP,
    _("Add a région's coordinator"),
    _(
        "The coordinator vets, invites candidates, sets coverage targets and adds reviewers "
        "and checkers in this région's départements only."
    ),
    _(
        "The “Coordinator” group, which gives coordinators their permissions, no longer "
        "exists: ask the technical team to create it again."
    ),
    everywhere=False,
    regional=True,
)


# Police and gendarmerie liaison officers, funding cities and régions: they read, within
# their territory, and nothing else (partners/staff/institutions.py).
READ_ONLY = Role(
    READ_ONLY_GROUP,
    _("Add a read-only account"),
    _(
        "The territory of the police or gendarmerie liaison officer, or of the funding city "
        "or région: the account reads partners and figures there only, sees no contact "
        "person, exports nothing, and each page it opens is recorded."
    ),
    _(
        "The “Read-only” group, which gives read-only accounts their permissions, no "
        "longer exists: ask the technical team to create it again."
    ),
    everywhere=False,
)


# The one screen's addresses (partners/staff/site.py), in the order the home page lists them.
ROLES = {
    "reviewer_add": REVIEWER,
    "checker_add": CHECKER,
    "coordinator_add": COORDINATOR,
    "read_only_add": READ_ONLY,
}


def roles_to_add(user) -> list[tuple[str, Role]]:
    """The one screen's URL names and roles that ``user`` may add."""
    return [(name, role) for name, role in ROLES.items() if may_add_staff(user, role)]


def _new_key() -> str:
    return secrets.token_hex(20)


def department_groups(codes=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The départements ("75 – Paris") by région, as grouped choices; only ``codes``
    when given."""
    groups = [
        (
            region,
            [
                (code, label)
                for code, label in territories.DEPARTMENT_CHOICES
                if territories.region_of(code) == region and (codes is None or code in codes)
            ],
        )
        # In alphabetical order as a French reader expects it (Île-de-France among the I).
        for region in sorted(territories.REGIONS, key=_without_accents)
    ]
    return [group for group in groups if group[1]]


def region_choices(codes=None) -> list[tuple[str, str]]:
    """The régions ("Bretagne (22, 29, 35, 56)"), as choices; only those all of whose
    départements are in ``codes`` when given."""
    regions = regions_within(codes)
    return [
        (region, f"{region} ({', '.join(territories.departments_of(region))})")
        for region in sorted(territories.REGIONS, key=_without_accents)
        if regions is None or region in regions
    ]


def _without_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class DepartmentsWidget(forms.CheckboxSelectMultiple):
    """Check boxes labelled "75 – Paris", grouped by région (each group a fieldset)."""

    template_name = "admin/partners/reviewers/departments_widget.html"

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (the form renderer looks in Django's own only). A
        # rendered template is already safe (autoescaped): no mark_safe.
        return loader.render_to_string(self.template_name, self.get_context(name, value, attrs))


class NewStaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        help_text=_("Also the user name they sign in with."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Chosen and typed by the person themselves: at least 12 characters."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    every_department = forms.BooleanField(
        label=_("Every département (no limit)"),
        required=False,
    )
    departments = forms.MultipleChoiceField(
        label=_("Départements"),
        required=False,
        widget=DepartmentsWidget,
    )
    otp_token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=12,
        help_text=_(
            "Scan the QR code with the person's authenticator app (Aegis, FreeOTP, "
            "Google Authenticator…), then type the six digits it shows."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}
        ),
    )

    error_messages = {
        "email_taken": _("A staff account already uses this email address."),
        "password_mismatch": _("The two passwords differ."),
        "no_department": _("Choose at least one département, or every département."),
        "no_department_limited": _("Choose at least one département."),
        "no_region": _("Choose the région."),
        "both": _("Choose either some départements or every département, not both."),
        "not_yours": _("You may only give départements you have yourself."),
        "expired": _(
            "This QR code has expired: scan the new one below, then type the code it gives."
        ),
        "wrong_code": _(
            "This code does not match the QR code: check that the app scanned this page's "
            "QR code, then type the code it shows now."
        ),
    }

    def __init__(self, *args, manager, role: Role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["departments"].help_text = role.departments_help
        self.manager_departments = allowed_departments(manager)
        codes = self.manager_departments
        self.fields["departments"].choices = department_groups(codes)
        if codes is not None or not role.everywhere:
            del self.fields["every_department"]
        if role.regional:
            del self.fields["departments"]
            self.fields["region"] = forms.ChoiceField(
                label=_("Région"),
                choices=[("", "---------"), *region_choices(codes)],
                help_text=role.departments_help,
                error_messages={"required": self.error_messages["no_region"]},
            )
        if not self.is_bound:
            self.initial["totp_key"] = signing.dumps(_new_key(), salt=_KEY_SALT)

    # The enrolment's secret, whatever happens to the rest of the form.

    def key(self) -> str:
        """The hex secret of the QR code to show: the one sent, while valid; else new."""
        if not hasattr(self, "_key"):
            signed = self.data.get("totp_key") if self.is_bound else self.initial["totp_key"]
            try:
                self._key = signing.loads(signed or "", salt=_KEY_SALT, max_age=_KEY_MAX_AGE)
                self._key_signed = signed
            except signing.BadSignature:
                self._key = _new_key()
                self._key_signed = signing.dumps(self._key, salt=_KEY_SALT)
                self.key_was_replaced = True
        return self._key

    def signed_key(self) -> str:
        self.key()
        return self._key_signed

    def config_url(self) -> str:
        """The otpauth:// address the QR code holds (TOTPDevice.config_url's format)."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        # Not the email: the QR code must stay the same when the form comes back with an
        # error, and the person has one account here.
        account = gettext("staff")
        secret = b32encode(bytes.fromhex(self.key())).decode()
        query = urlencode(
            {"secret": secret, "algorithm": "SHA1", "digits": _DIGITS, "period": _STEP}
        )
        return f"otpauth://totp/{quote(f'{issuer}:{account}')}?{query}&issuer={quote(issuer)}"

    def qr_svg(self) -> str:
        qr = segno.make(self.config_url(), error="m")
        svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff")
        # A named image for screen readers (the key is written out below it).
        label = escape(gettext("QR code to scan with the person's authenticator app"))
        return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)

    def manual_key(self) -> str:
        """The secret for typing by hand, in groups of four."""
        secret = b32encode(bytes.fromhex(self.key())).decode()
        return " ".join(re.findall(".{1,4}", secret))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise forms.ValidationError(self.error_messages["email_taken"], code="email_taken")
        return email

    def clean_departments(self):
        chosen = self.cleaned_data["departments"]
        if self.manager_departments is not None and set(chosen) - set(self.manager_departments):
            raise forms.ValidationError(self.error_messages["not_yours"], code="not_yours")
        return chosen

    def clean_otp_token(self):
        return re.sub(r"[\s-]+", "", self.cleaned_data["otp_token"])

    def clean(self):
        cleaned = super().clean()
        if not Group.objects.filter(name=self.role.group).exists():
            # Created by a migration; an administrator may have deleted it since.
            raise forms.ValidationError(self.role.no_group, code="no_group")
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", self.error_messages["password_mismatch"])
        elif p1:
            user = get_user_model()(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        every = cleaned.get("every_department", False)
        if cleaned.get("region"):
            cleaned["departments"] = territories.departments_of(cleaned["region"])
        chosen = cleaned.get("departments")
        if "departments" in self.fields and "departments" in cleaned:
            if every and chosen:
                self.add_error("departments", self.error_messages["both"])
            elif not every and not chosen:
                limited = "every_department" not in self.fields
                self.add_error(
                    "departments",
                    self.error_messages["no_department_limited" if limited else "no_department"],
                )
        token = cleaned.get("otp_token")
        key = self.key()
        if getattr(self, "key_was_replaced", False):
            # Expired or tampered with: the code typed came from another QR code.
            self.add_error("otp_token", self.error_messages["expired"])
        elif token:
            totp = TOTP(bytes.fromhex(key), step=_STEP, digits=_DIGITS)
            if not (token.isdigit() and totp.verify(int(token), tolerance=1)):
                self.add_error("otp_token", self.error_messages["wrong_code"])
            else:
                cleaned["totp_last_t"] = totp.t()
        return cleaned


def add_staff(request, role: Role):
    """The one screen (``ROLES``: ``admin:reviewer_add``, ``admin:checker_add``…)."""
    from django.contrib import admin

    if not may_add_staff(request.user, role):
        raise PermissionDenied
    form = NewStaffForm(request.POST or None, manager=request.user, role=role)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = create_staff_member(
            group=role.group,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=data["password1"],
            departments=None if data.get("every_department") else data["departments"],
            totp_key=form.key(),
            totp_last_t=data["totp_last_t"],
            device_name=gettext("phone"),
            by=request.user,
        )
        messages.success(
            request,
            gettext(
                "%(name)s can now sign in with the email address %(email)s, their password "
                "and the code from their app."
            )
            % {"name": member.get_full_name(), "email": member.email},
        )
        if request.user.has_perm("auth.change_user"):
            return redirect(reverse("admin:auth_user_change", args=[member.pk]))
        return redirect(reverse("admin:index"))
    context = {
        **admin.site.each_context(request),
        "title": role.title,
        "form": form,
        "errors": form.errors if form.is_bound else {},
    }
    return TemplateResponse(request, "admin/partners/reviewers/add.html", context)
