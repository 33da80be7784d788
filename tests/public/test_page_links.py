"""Links between pages stay in the page's language: /en/… under /en/, French paths otherwise."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["", "a-propos/", "aide/", "lieux/", "rejoindre/", "rejoindre/formulaire/", "verif/"]
# Data, not pages: one address in every language (the About page links the open data).
LANGUAGE_NEUTRAL = ("/api/", "/donnees/")


def _links(html: str) -> list[str]:
    """The page's links to our own pages, but the language switcher's (hreflang)."""
    tags = [tag for tag in re.findall(r"<a\b[^>]*>", html) if "hreflang" not in tag]
    return [href for tag in tags for href in re.findall(r'href="(/[^"]*)"', tag)]


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_link_to_english_pages(client, page):
    links = _links(client.get(f"/en/{page}").content.decode())
    assert "/en/rejoindre/" in links
    assert "/en/confidentialite/" in links
    assert [link for link in links if not link.startswith(("/en/", *LANGUAGE_NEUTRAL))] == []


@pytest.mark.parametrize("page", PAGES)
def test_french_pages_link_to_french_pages(client, page):
    links = _links(client.get(f"/{page}").content.decode())
    assert "/rejoindre/" in links
    assert "/confidentialite/" in links
    assert [link for link in links if link.startswith("/en/")] == []
