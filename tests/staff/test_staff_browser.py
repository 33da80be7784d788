"""Staff in Chromium: signing in on one form (a wrong code first), the home showing the
work waiting, and a reviewer created on one screen by scanning its QR code, who then signs
in; axe finds nothing on these pages, and the Content-Security-Policy blocks nothing."""

import datetime
import importlib
import io
import re
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
import zxingcpp
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect

from partners.models import ReviewerScope
from tests.a11y import axe_violations
from tests.factories import PartnerFactory
from tests.signin import current_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long admin passphrase"
NEW_PASSWORD = "une phrase de passe assez longue"


@pytest.fixture(autouse=True)
def reviewer_group():
    """The "Reviewer" group as its migration creates it (transactional tests flush it)."""
    from django.apps import apps

    migration = importlib.import_module("partners.migrations.0007_reviewer_group")
    migration.create_reviewer_group(apps, None)


@pytest.fixture
def csp_violations(page):
    """Content-Security-Policy violations reported in the page, as the CSP tests watch them."""
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return lambda: page.evaluate("window.__csp")


def _sign_in(page, username, password, code):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", code)
    page.press("#id_otp_token", "Enter")


def _exactly(label: str) -> re.Pattern:
    """A field's whole label, with or without the label suffix (" :")."""
    return re.compile(rf"^{re.escape(label)}\s*:?$")


def _wrong(device) -> str:
    return f"{(int(current_token(device)) + 500_000) % 10**6:06d}"


def test_staff_sign_in_on_one_form_and_see_the_work_waiting(
    page, django_user_model, csp_violations
):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    confirmed = timezone.now() - datetime.timedelta(days=3, hours=2)
    PartnerFactory(name="Boulangerie des Pentes", confirmed_at=confirmed)
    PartnerFactory(approved=True)  # a sticker to send

    page.goto("/admin/")
    expect(page.get_by_label("Code de vérification")).to_be_visible()
    assert axe_violations(page) == []

    # A wrong code: the French error beside the code, the user name still typed.
    _sign_in(page, "staff", PASSWORD, _wrong(device))
    expect(page.locator(".form-row:has(#id_otp_token) .errorlist")).to_have_text(
        re.compile("^Ce code est incorrect ou a expiré")
    )
    expect(page.locator("#id_username")).to_have_value("staff")
    assert axe_violations(page) == []

    # At a person's pace: django-otp asks for a second's wait after a wrong code.
    page.wait_for_timeout(1100)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_token(device))
    page.press("#id_otp_token", "Enter")
    page.wait_for_url("**/admin/")

    work = page.locator("#waiting-work")
    expect(work.get_by_role("heading", name="À traiter")).to_be_visible()
    expect(work.locator(".work-applications")).to_contain_text(
        "1 candidature à examiner (la plus ancienne attend depuis 3\u00a0jours)"
    )
    expect(work.locator(".work-stickers")).to_contain_text("1 autocollant à envoyer")
    assert axe_violations(page) == []

    work.get_by_role("link", name=re.compile("candidature à examiner")).click()
    expect(page.get_by_role("link", name="Boulangerie des Pentes")).to_be_visible()
    expect(page.locator("td.field-age")).to_have_text("3\u00a0jours")
    assert csp_violations() == []


def test_a_reviewer_is_created_on_one_screen_by_scanning_its_qr_code_then_signs_in(
    page, django_user_model, csp_violations
):
    admin = django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=admin, name="téléphone", confirmed=True)
    page.goto("/admin/")
    _sign_in(page, "staff", PASSWORD, current_token(device))
    page.wait_for_url("**/admin/")

    title = "Ajouter une personne chargée de l’examen"
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Prénom").fill("Alex")
    page.get_by_label(_exactly("Nom")).fill("Durand")
    page.get_by_label("Adresse e-mail").fill("alex.durand@example.org")
    page.get_by_label(_exactly("Mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Mot de passe, une seconde fois").fill(NEW_PASSWORD)
    page.get_by_label("75 – Paris").check()
    page.get_by_label("69 – Rhône").check()

    # The phone scans the QR code as drawn by the browser.
    qr = page.get_by_role("img", name=re.compile("QR code à scanner"))
    image = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    (url,) = [code.text for code in zxingcpp.read_barcodes(image)]
    assert url.startswith("otpauth://totp/")
    secret = parse_qs(urlsplit(url).query)["secret"][0]
    assert parse_qs(urlsplit(url).query)["issuer"] == ["En lieu sûr"]
    phone = TOTP(b32decode(secret))
    manual = page.locator(".totp-key").inner_text().replace(" ", "")
    assert manual == secret

    # A typing slip first: nothing typed is lost, the QR code stays the same.
    page.get_by_label("Code affiché par l’application").fill(
        f"{(phone.token() + 500_000) % 10**6:06d}"
    )
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-otp_token .errorlist")).to_contain_text(
        "Ce code ne correspond pas au QR code"
    )
    expect(page.get_by_label("Prénom")).to_have_value("Alex")
    expect(page.get_by_label("75 – Paris")).to_be_checked()
    assert axe_violations(page) == []
    again = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    assert [code.text for code in zxingcpp.read_barcodes(again)] == [url]

    page.get_by_label(_exactly("Mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Mot de passe, une seconde fois").fill(NEW_PASSWORD)
    page.get_by_label("Code affiché par l’application").fill(f"{phone.token():06d}")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Alex Durand peut maintenant se connecter"
    )
    reviewer = django_user_model.objects.get(username="alex.durand@example.org")
    assert sorted(ReviewerScope.objects.get(user=reviewer).departments) == ["69", "75"]
    assert csp_violations() == []

    # The new reviewer signs in with the app's next code, and sees their départements.
    PartnerFactory(name="Librairie de Lyon", department="69", postcode="69001", city="Lyon")
    PartnerFactory(name="Librairie de Marseille", department="13", postcode="13001")
    page.get_by_role("button", name=re.compile("Déconnexion")).click()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        page.goto("/admin/")
        phone.time = timezone.now().timestamp()
        _sign_in(page, "alex.durand@example.org", NEW_PASSWORD, f"{phone.token():06d}")
        page.wait_for_url("**/admin/")
        expect(page.locator("#waiting-work .work-applications")).to_contain_text(
            "1 candidature à examiner"
        )
        expect(page.get_by_role("link", name=re.compile("Ajouter une personne"))).to_have_count(0)


def test_staff_sign_in_in_english(page, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/admin/login/")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_label(re.compile("^Two-factor code"))).to_be_visible()
    _sign_in(page, "staff", PASSWORD, "")
    expect(page.locator(".form-row:has(#id_otp_token) .errorlist")).to_have_text(
        "Type the code shown now by your authentication app."
    )
    expect(page.locator("#id_username")).to_have_value("staff")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_token(device))
    page.press("#id_otp_token", "Enter")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    assert page.url.endswith("/en/admin/")
