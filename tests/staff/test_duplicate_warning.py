"""The likely-duplicate warning on an application's page says its sentence once, in French
and English, for one duplicate and for several; no French translation repeats itself."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.urls import reverse

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARIS = Point(2.3522, 48.8566, srid=4326)


def _warning(response) -> str:
    match = re.search(r'<li class="warning">(.*?)</li>', response.text, re.S)
    assert match, "no duplicate warning"
    return " ".join(match[1].split())


def _application_with_duplicates(count: int):
    application = PartnerFactory(name="Bibliothèque Forney", location=PARIS, siret="")
    for i in range(count):
        PartnerFactory(
            name="Bibliotheque Forney",
            approved=True,
            location=Point(2.3522 + 0.0001 * (i + 1), 48.8566, srid=4326),
        )
    return application


@pytest.mark.parametrize(
    ("count", "prefix", "expected"),
    [
        (
            2,
            "",
            "2 lieux ressemblent à celui-ci (même SIRET, ou nom proche à moins de 50 m).",
        ),
        (
            1,
            "",
            "Un lieu ressemble à celui-ci (même SIRET, ou nom proche à moins de 50 m).",
        ),
        (
            2,
            "/en",
            "2 partners look like this one (same SIRET, or a similar name within 50 m).",
        ),
    ],
)
def test_the_duplicate_warning_says_its_sentence_once(admin_client, count, prefix, expected):
    application = _application_with_duplicates(count)
    url = prefix + reverse("admin:partners_partner_change", args=[application.pk])
    assert _warning(admin_client.get(url)) == expected


def test_no_french_translation_is_its_own_text_twice():
    catalog = gettext.GNUTranslations(
        (Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.mo").open("rb")
    )
    doubled = [
        text
        for text in catalog._catalog.values()
        if len(text) > 10 and len(text) % 2 == 0 and text[: len(text) // 2] * 2 == text
    ]
    assert doubled == []
