"""The maps' images as production serves them, in Chromium: gunicorn with the production
settings and the static files collected under hashed names. The live test server reads
the unhashed sources, where Leaflet's guess of its images' folder works; in production it
did not, and the home map's pins and the admin's location pin showed as broken images."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice

from tests import servers
from tests.factories import PartnerFactory
from tests.signin import PASSWORD, USERNAME

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# The site's own images (the tiles come from the tile server, refused here).
IMAGES = """() => Array.from(document.images)
  .filter((image) => new URL(image.currentSrc).origin === location.origin)
  .map((image) => [image.currentSrc, image.complete && image.naturalWidth > 0])"""


@pytest.fixture
def production(chromium, collected_static, tmp_path):
    """A browser page on gunicorn with the production settings; requests to other hosts
    (the tile server) are refused, and answers of 400 and more recorded."""
    with servers.gunicorn(static_root=collected_static, access_log=tmp_path / "access.log") as port:
        origin = f"http://127.0.0.1:{port}"
        context = chromium.new_context(locale="fr-FR", base_url=origin)
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).netloc == urlsplit(origin).netloc
                else route.abort()
            ),
        )
        page.failures = []
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and page.failures.append(f"{response.status} {response.url}")
            ),
        )
        yield page
        context.close()


def markers_drawn(page) -> list:
    page.wait_for_selector("img.leaflet-marker-icon")
    page.wait_for_load_state("networkidle")
    images = page.evaluate(IMAGES)
    assert any("marker-icon" in src for src, _ in images), images
    return [src for src, loaded in images if not loaded]


def test_the_home_maps_pins_are_drawn(production):
    PartnerFactory(approved=True)  # alone in Paris: a pin, not a bubble
    production.goto("/")
    assert markers_drawn(production) == []
    assert production.failures == []


def test_the_admins_location_pin_is_drawn(production):
    staff = get_user_model().objects.create_user(
        username=USERNAME, password=PASSWORD, is_staff=True, is_superuser=True
    )
    device = StaticDevice.objects.create(user=staff, name="codes", confirmed=True)
    device.token_set.create(token="once1234")
    partner = PartnerFactory(approved=True)

    production.goto("/admin/login/")
    production.fill("#id_username", USERNAME)
    production.fill("#id_password", PASSWORD)
    production.fill("#id_otp_token", "once1234")
    production.click("#login-form input[type=submit]")
    production.wait_for_url("**/admin/")
    production.goto(f"/admin/partners/partner/{partner.pk}/change/")
    assert markers_drawn(production) == []
    assert production.failures == []
