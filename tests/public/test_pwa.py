"""The installable site's manifest and service worker, as served (README, "Installing the
site and using it offline"); their behaviour in Chromium: test_offline_browser.py."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from partners.public import pwa

pytestmark = pytest.mark.django_db


def worker_config(body: str) -> dict:
    first_line = body.split("\n", 1)[0]
    return json.loads(first_line.removeprefix("const CONFIG = ").removesuffix(";"))


def test_service_worker_is_served_from_the_root_uncached_under_the_csp():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    # The worker runs under the site's policy: its fetches stay on our origin.
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self'" in policy
    assert "default-src 'self'" in policy
    body = response.content.decode()
    assert 'self.addEventListener("fetch"' in body


def test_service_worker_knows_the_shell_of_each_language_and_fetches_static_files_first():
    config = worker_config(Client().get("/sw.js").content.decode())
    assert config["shell"] == {
        "fr": ["/", "/montrer/", "/apres/", "/aide/"],
        "en": ["/en/", "/en/montrer/", "/en/apres/", "/en/aide/"],
    }
    assert sorted(config["shell"]["fr"] + config["shell"]["en"]) == config["pages"]
    # At installation, static files only: the pages come in the registering page's language.
    assert all(path.startswith("/static/") for path in config["precache"])
    assert "/static/partners/map.js" in config["precache"]
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])


def test_every_file_the_worker_keeps_exists():
    for name in pwa.SHELL_STATIC:
        assert finders.find(name), name
    client = Client()
    config = worker_config(client.get("/sw.js").content.decode())
    for path in config["pages"]:
        assert client.get(path).status_code == 200, path


def test_the_worker_fetches_every_static_file_the_shell_pages_load():
    """A script or style sheet added to a kept page and forgotten here would be missing
    offline."""
    client = Client()
    config = worker_config(client.get("/sw.js").content.decode())
    for path in config["pages"]:
        body = client.get(path).content.decode()
        loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', body))
        loaded.discard(static("partners/icons/apple-touch-icon.png"))  # iOS fetches it itself
        assert loaded <= set(config["precache"]), (path, loaded - set(config["precache"]))


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/en/admin/", "/mon-lieu/", "/en/mon-lieu/", "/rejoindre/formulaire/", "/api/"],
)
def test_the_worker_never_touches_private_pages_forms_or_the_api(path):
    config = worker_config(Client().get("/sw.js").content.decode())
    assert any(path.startswith(prefix) for prefix in config["private"])
    assert not any(page.startswith(path) for page in config["pages"] + config["precache"])
    assert not any(
        path.startswith(prefix) for prefix in config["private"] for path in config["pages"]
    )


def test_private_pages_still_say_no_store_so_no_cache_keeps_them():
    # The worker also refuses to keep any answer marked no-store (partners/public/sw.js).
    client = Client()
    for path in ("/mon-lieu/", "/rejoindre/formulaire/", "/en/mon-lieu/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_the_shell_pages_are_not_marked_private():
    client = Client()
    for path in ("/", "/montrer/", "/apres/", "/aide/", "/en/"):
        control = client.get(path).get("Cache-Control", "")
        assert "no-store" not in control, path
        assert "private" not in control, path


@pytest.mark.parametrize(("prefix", "language"), [("", "fr"), ("/en", "en")])
def test_manifest_describes_an_installable_app_in_the_page_language(prefix, language):
    response = Client().get(f"{prefix}/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "max-age=3600" in response["Cache-Control"]
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == "En lieu sûr"
    assert manifest["lang"] == language
    assert manifest["start_url"] == f"{prefix}/"
    assert manifest["scope"] == "/"
    assert manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == pwa.THEME_COLOUR
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_manifest_description_is_translated():
    french = Client().get("/manifest.webmanifest").json()["description"]
    english = Client().get("/en/manifest.webmanifest").json()["description"]
    assert french != english
    assert english.startswith("Safe places")


def test_every_page_links_the_manifest_the_icons_and_the_worker():
    body = Client().get("/aide/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'rel="apple-touch-icon"' in body
    assert 'data-worker="/sw.js"' in body
    body = Client().get("/en/aide/").content.decode()
    assert '<link rel="manifest" href="/en/manifest.webmanifest">' in body
    assert 'data-worker="/sw.js"' in body


def test_manifest_worker_and_first_icon_weigh_at_most_10_kb_compressed():
    """What a first visit adds: the manifest, the worker, the script that registers it,
    the icon Chrome fetches to decide the site is installable and the page's favicon."""
    client = Client()
    bodies = [
        client.get("/manifest.webmanifest").content,
        client.get("/sw.js").content,
    ]
    for name in ("partners/offline.js", "partners/icons/icon-192.png", "partners/icons/icon.svg"):
        with open(finders.find(name), "rb") as file:
            bodies.append(file.read())
    assert sum(len(gzip.compress(body, 9)) for body in bodies) <= 10_000


def test_apple_touch_icon_is_180_pixels_and_opaque():
    from PIL import Image

    with Image.open(finders.find("partners/icons/apple-touch-icon.png")) as image:
        assert image.size == (180, 180)
        assert image.convert("RGBA").getextrema()[3] == (255, 255)
    for name, size in [("icon-192.png", 192), ("icon-512.png", 512), ("maskable-512.png", 512)]:
        with Image.open(finders.find(f"partners/icons/{name}")) as image:
            assert image.size == (size, size)


@pytest.mark.parametrize(
    ("path", "title", "keep"),
    [
        ("/", "Hors ligne — lieux enregistrés le %(date)s", "Garder les lieux de cette ville"),
        ("/en/", "Offline — places kept on %(date)s", "Keep this town's places on my phone"),
    ],
)
def test_the_offline_list_speaks_the_page_language(path, title, keep):
    body = Client().get(path).content.decode()
    config = json.loads(re.search(r'id="map-config"[^>]*>(.*?)</script>', body).group(1))
    assert config["messages"]["offlineTitle"] == title
    assert config["detailApiUrl"] == "/api/v1/partners/{id}"
    assert keep in body.replace("&#x27;", "'")
