"""The installable site: its web app manifest and its service worker (README, "Installing
the site and using it offline").

The worker is our own short script (``partners/public/sw.js``), served from the site's
root so that its scope is the whole site, with what it must know prepended as JSON: the
pages it keeps (the shell), the static files they need, and the paths it never touches.
What the person's searches found is kept by the pages themselves, in IndexedDB
(``static/partners/offline.js``); the worker keeps pages and static files only.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from enlieusur.middleware import no_store_prefixes

# The manifest's theme colour: --accent in static/partners/site.css, the icons' background.
THEME_COLOUR = "#6a1b9a"
BACKGROUND_COLOUR = "#ffffff"

# The pages kept on the phone, in the language of the page that registered the worker
# (it asks for them by message: static/partners/offline.js); other languages' versions
# are kept once visited.
SHELL_PAGES = ("partners:home", "partners:show_card", "partners:after", "partners:help")

# What those pages load (base.html, home.html, show.html): fetched once at installation.
SHELL_STATIC = (
    "partners/site.css",
    "partners/quick-exit.js",
    "partners/disclosures.js",
    "partners/offline.js",
    "partners/hours.js",
    "partners/map.css",
    "partners/map.js",
    "partners/place-combobox.js",
    "partners/directions.js",
    "partners/show.css",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "partners/icons/icon-192.png",
    "partners/icons/icon.svg",
)

# Never touched by the worker, whatever the page asks: the pages holding personal data
# (settings.NO_STORE_PATH_PREFIXES), every form of the venue's journey, the API (the home
# page keeps what it needs itself) and the language switch (a POST anyway).
PRIVATE_PREFIXES = ("/rejoindre/", "/en/rejoindre/", "/api/", "/i18n/")

# Beside this module rather than among the static files: served only as /sw.js.
WORKER_SOURCE = Path(__file__).resolve().parent / "sw.js"


def _version(urls: list[str], source: str) -> str:
    """Changes with the worker's code and the static files' URLs (hashed in production);
    in development, whose URLs do not change, with the files' contents too."""
    digest = hashlib.sha256(source.encode())
    for url in urls:
        digest.update(url.encode())
    if settings.DEBUG:
        for name in SHELL_STATIC:
            if found := finders.find(name):
                digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


def worker_config() -> dict:
    shell = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            shell[code] = [reverse(name) for name in SHELL_PAGES]
    return {
        "precache": [static(name) for name in SHELL_STATIC],
        "shell": shell,
        "pages": sorted(path for paths in shell.values() for path in paths),
        "staticPrefix": settings.STATIC_URL,
        "private": sorted(set(no_store_prefixes()) | set(PRIVATE_PREFIXES)),
    }


@require_GET
def service_worker(request):
    """``/sw.js``: at the root, so that it may control every page; never cached by the
    browser's HTTP cache, so that a new version is found at the next visit."""
    source = WORKER_SOURCE.read_text()
    config = worker_config()
    config["version"] = _version(config["precache"], source)
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def manifest(request):
    """The web app manifest, in the page's language (its name and its start page)."""
    home = reverse("partners:home")
    icons = [
        {"src": static("partners/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("partners/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("partners/icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("partners/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    data = {
        # One installed app whatever the language it was installed from.
        "id": "/",
        "name": "En lieu sûr",
        "short_name": "En lieu sûr",
        "description": _("Safe places near you, open now, and the emergency numbers."),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response
