"""One configuration of the map (tiles, deepest zoom, mainland view) for every map of the site."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from partners.domain import territories
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static" / "partners"
MAINLAND = territories.TERRITORIES[territories.MAINLAND]


def _config(html: str, element: str) -> dict:
    script = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', html)
    return json.loads(script[1])


@pytest.mark.parametrize(
    ("page", "element"), [("/", "map-config"), ("/rejoindre/formulaire/", "join-map-config")]
)
def test_every_public_map_gets_the_settings_tiles(client, settings, page, element):
    settings.TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.TILE_ATTRIBUTION = "© Example"
    settings.TILE_MAX_ZOOM = 17
    config = _config(client.get(page).content.decode(), element)
    assert config["tileUrl"] == "https://tiles.example/{z}/{x}/{y}.png"
    assert config["tileAttribution"] == "© Example"
    assert config["maxZoom"] == 17


def test_the_join_map_opens_on_the_mainland_view(client):
    config = _config(client.get("/rejoindre/formulaire/").content.decode(), "join-map-config")
    assert (tuple(config["centre"]), config["zoom"]) == (MAINLAND.centre, MAINLAND.zoom)


def test_the_admin_map_draws_the_same_tiles_and_view_as_the_public_maps(admin_client):
    public = _config(admin_client.get("/rejoindre/formulaire/").text, "join-map-config")
    partner = PartnerFactory(approved=True)
    html = admin_client.get(reverse("admin:partners_partner_change", args=[partner.pk])).text
    admin = json.loads(re.search(r"var djoptions = (\{.*?\}),\n", html)[1])
    ((_name, url, options),) = admin["layers"]
    assert (url, options["attribution"]) == (public["tileUrl"], public["tileAttribution"])
    assert options["maxZoom"] == admin["maxzoom"] == public["maxZoom"]
    assert (admin["center"], admin["zoom"]) == (public["centre"], public["zoom"])


@pytest.mark.parametrize("script", ["map.js", "join.js"])
def test_no_script_carries_its_own_tile_settings(script):
    source = (STATIC / script).read_text()
    assert "maxZoom: config.maxZoom" in source
    assert not re.search(r"tile\.openstreetmap|maxZoom: 19|metropole", source)


def test_the_home_map_opens_on_the_mainland_named_by_the_server(client):
    config = _config(client.get("/").content.decode(), "map-config")
    assert config["territories"][config["mainland"]]["centre"] == list(MAINLAND.centre)
