"""Shared by the join and self-service tests: a valid application as a browser posts it."""

import re

import pytest
from django.core.cache import cache

VALID_SIRET = "73282932000074"


def hidden_values(html: str) -> dict:
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ("rendered", "submission_key", "charter_version")
    }


def application(client, **overrides) -> dict:
    """The form's hidden values, fetched like a browser does, plus a valid application."""
    data = hidden_values(client.get("/rejoindre/formulaire/").content.decode())
    data.update(
        {
            "name": "Librairie Les Mots Libres",
            "kind": "shop",
            "siret": VALID_SIRET,
            "address": "12 rue de la Roquette",
            "postcode": "75011",
            "city": "Paris",
            "phone": "01 43 55 66 77",
            "website": "https://motslibres.example.fr",
            "email": "bonjour@motslibres.example.fr",
            "step_free": "on",
            "accessibility_note": "Rampe amovible sur demande",
            "languages": "français, anglais",
            "welcome_note": "Entrez, on vous accueille.",
            "opens_1_0": "10:00",
            "closes_1_0": "19:00",
            "opens_2_0": "10:00",
            "closes_2_0": "13:00",
            "opens_2_1": "14:00",
            "closes_2_1": "19:00",
            "closed_7": "on",
            "lat": "48.8551",
            "lon": "2.3740",
            "contact_name": "Camille Martin",
            "contact_role": "Gérante",
            "contact_email": "camille@example.org",
            "contact_phone": "06 12 34 56 78",
            "accept_charter": "on",
            "accept_privacy": "on",
            "homepage": "",
        }
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def quick_forms(settings):
    """Forms may be posted at once (the too-fast check has its own tests); limits reset."""
    settings.JOIN_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()
