from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from partners.models import Partner, Status
from tests.factories import PartnerFactory
from tests.signin import current_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long admin passphrase"


def test_staff_approve_an_application_through_the_admin(page, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    partner = PartnerFactory(name="Librairie des Oiseaux")
    PartnerFactory(name="Pharmacie voisine", location=Point(2.3530, 48.8570, srid=4326))

    page.goto("/admin/")
    # One form: user name, password and the current code.
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_token(device))
    page.press("#id_otp_token", "Enter")
    page.wait_for_url("**/admin/")
    page.locator("#content-main a[href='/admin/partners/partner/']").first.click()

    page.click("text=Librairie des Oiseaux")
    # The pin is on the map widget, drawn once the page has loaded.
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon")
    # The neighbour within 1 km, drawn by admin_nearby.js under the CSP.
    expect(page.locator(".leaflet-container path.leaflet-interactive")).to_have_count(1)
    page.click("a[href$='/decide/approve/']")
    page.fill("textarea[name=reason]", "Bienvenue !")
    page.click("input[name=confirm]")

    page.wait_for_selector(".messagelist .success")
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED
    expect(page.get_by_text(partner.sticker_number).first).to_be_visible()
    assert partner.events.get().reason == "Bienvenue !"
    assert Partner.objects.filter(status=Status.APPROVED).count() == 1
    tile_host = urlsplit(settings.TILE_URL.replace("{", "").replace("}", "")).netloc
    assert all(urlsplit(url).netloc == tile_host for url in page.foreign_requests)
    assert page.dialogs == []
