from urllib.parse import urlsplit

import pytest
from django.conf import settings

from partners.models import Partner, Status
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long admin passphrase"


def test_staff_approve_an_application_through_the_admin(page, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)
    partner = PartnerFactory(name="Librairie des Oiseaux")

    page.goto("/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/admin/")
    page.locator("#content-main a[href='/admin/partners/partner/']").first.click()

    page.click("text=Librairie des Oiseaux")
    # The pin is on the map widget, drawn once the page has loaded.
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon")
    page.click("a[href$='/decide/approve/']")
    page.fill("textarea[name=reason]", "Bienvenue !")
    page.click("input[name=confirm]")

    page.wait_for_selector(".messagelist .success")
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED
    assert page.locator(f"text={partner.sticker_number}").count() >= 1
    assert partner.events.get().reason == "Bienvenue !"
    assert Partner.objects.filter(status=Status.APPROVED).count() == 1
    tile_host = urlsplit(settings.TILE_URL.replace("{", "").replace("}", "")).netloc
    assert all(urlsplit(url).netloc == tile_host for url in page.foreign_requests)
    assert page.dialogs == []
