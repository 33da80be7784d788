"""The Content-Security-Policy breaks nothing: the map and the admin (with django-leaflet's
widget) run in Chromium without a single violation, and no page contacts a third party
other than the tile server."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PartnerFactory
from tests.signin import PASSWORD, current_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + [
        text for text in page.console_errors if "Content Security Policy" in text
    ]


def only_the_tile_server(page) -> bool:
    tile_host = urlsplit(settings.TILE_URL).hostname
    return all(urlsplit(url).hostname == tile_host for url in page.foreign_requests)


def test_the_map_runs_under_the_policy(watched):
    PartnerFactory(approved=True)  # in Paris: a pin
    for step in range(3):  # in Lyon, a street apart: one bubble
        PartnerFactory(approved=True, location=Point(4.835 + step * 0.001, 45.767, srid=4326))
    watched.goto("/")
    watched.wait_for_selector("#map[data-ready]")
    expect(watched.locator(".leaflet-marker-icon[title]")).to_have_count(1)
    bubble = watched.locator(".leaflet-marker-icon.cluster")
    expect(bubble).to_have_accessible_name("3 lieux sûrs ici, zoomez")
    # Drawn by map.css classes: styles put inline would be blocked, the bubble left bare.
    expect(bubble).to_have_css("background-color", "rgb(74, 20, 140)")
    expect(bubble).to_have_css("border-radius", "50%")
    assert violations(watched) == []
    assert only_the_tile_server(watched)


def test_the_admin_and_its_map_widget_run_under_the_policy(watched):
    staff = get_user_model().objects.create_user(
        username="camille", password=PASSWORD, is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=staff, name="téléphone", confirmed=True)
    partner = PartnerFactory(approved=True)

    watched.goto("/admin/login/")
    watched.fill("#id_username", "camille")
    watched.fill("#id_password", PASSWORD)
    watched.fill("#id_otp_token", current_token(device))
    watched.click("#login-form input[type=submit]")
    watched.wait_for_url("**/admin/")

    watched.goto(f"/admin/partners/partner/{partner.pk}/change/")
    watched.wait_for_selector(".leaflet-container .leaflet-marker-icon")
    assert violations(watched) == []
    assert only_the_tile_server(watched)
