"""The place page's links, "Show this screen" (/montrer/) and "Once you are safe" (/apres/)."""

import re

import pytest
from django.contrib.gis.geos import Point

from partners.domain import territories
from partners.public import card
from tests.a11y import axe_violations
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NOUMEA = {
    "department": "988",
    "postcode": "98800",
    "city": "Nouméa",
    "location": Point(166.45, -22.27, srid=4326),
}


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_place_page_links_to_its_report_form_card_and_after_page_for_its_territory(client):
    partner = PartnerFactory(approved=True, **NOUMEA)

    links = _links(client.get(f"/lieux/{partner.pk}/").text)

    assert f"/lieux/{partner.pk}/signaler/" in links
    assert "/montrer/?territoire=988" in links
    assert "/apres/?territoire=988" in links
    for link in (f"/lieux/{partner.pk}/signaler/", "/montrer/?territoire=988"):
        assert client.get(link).status_code == 200


def test_home_and_help_link_to_the_card_and_after_pages(client):
    for page in ("/", "/aide/", "/en/"):
        links = _links(client.get(page).text)
        assert any(link.endswith("montrer/") for link in links), page
        assert any(link.endswith("apres/") for link in links), page


def test_home_says_what_a_safe_place_is(client):
    assert "Un lieu sûr est un commerce, un service public ou une association" in (
        client.get("/").text
    )
    assert "A safe place is a shop, a public service or an association" in client.get("/en/").text


def test_card_in_french_with_every_language_marked_and_a_check_note(client):
    response = client.get("/montrer/", {"langue": "ar"})

    assert response.status_code == 200
    body = response.text
    assert '<p class="show-french" lang="fr">J’ai besoin d’aide. Puis-je rester ici ?' in body
    assert "Appelez le 17, s’il vous plaît." in body
    assert '<p class="show-other" lang="ar" dir="rtl">أحتاج إلى مساعدة.' in body
    assert "Traduction (العربية) à vérifier par une personne dont c’est la langue" in body
    assert len(card.LANGUAGES) >= 10
    for language in card.LANGUAGES.values():
        assert f'lang="{language.code}" dir="{language.dir}" hreflang="{language.code}"' in body
    assert {c for c, lang in card.LANGUAGES.items() if lang.rtl} == {"ar", "fa", "ps"}


def test_card_writes_the_number_in_the_languages_digits():
    assert "۱۷" in card.LANGUAGES["fa"].sentence("17")
    assert "১৭" in card.LANGUAGES["bn"].sentence("17")
    assert "17" in card.LANGUAGES["en"].sentence("17")


def test_card_in_english_shows_english_and_the_territorys_number(client):
    body = client.get("/en/montrer/", {"territoire": "988"}).text
    assert (
        '<p class="show-other" lang="en" dir="ltr">I need help. May I stay here? Please call 17.'
        in (body)
    )


def test_card_with_an_unknown_language_says_so_in_french(client):
    response = client.get("/montrer/", {"langue": "xx", "territoire": "nowhere"})
    assert response.status_code == 400
    assert "Cette langue ou ce territoire n’est pas dans la liste" in response.text
    assert "Appelez le 17" in response.text


@pytest.mark.parametrize("code", list(territories.TERRITORIES))
def test_each_territory_has_its_after_page(client, code):
    response = client.get("/apres/", {"territoire": code})
    assert response.status_code == 200
    body = response.text
    assert "Porter plainte" in body
    assert "https://www.internet-signalement.gouv.fr/" in body
    assert "https://flagasso.com/" in body
    assert f'<option value="{code}" selected>' in body
    overseas_collectivity = code in {"975", "986", "987", "988"}
    assert ('href="tel:0148064241"' in body) is not overseas_collectivity
    assert ("pre-plainte-en-ligne.gouv.fr" in body) is (
        code in {territories.MAINLAND, "971", "972", "973", "974", "976"}
    )


def test_after_page_shows_only_the_numbers_of_its_territory(client):
    mainland = client.get("/apres/").text
    caledonia = client.get("/apres/", {"territoire": "988"}).text
    assert 'href="tel:3919"' in mainland
    assert 'href="tel:119"' in mainland
    assert 'href="tel:116006"' in mainland
    assert "tel:3919" not in caledonia
    assert "tel:0148064241" not in caledonia


def test_after_page_in_english_and_a_bad_territory_is_a_clear_400(client):
    assert "File a complaint" in client.get("/en/apres/").text
    response = client.get("/apres/", {"territoire": "<script>"})
    assert response.status_code == 400
    assert "Choisissez un territoire dans la liste." in response.text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_form_is_reached_by_following_links_from_the_list(page):
    partner = PartnerFactory(approved=True, name="Café Lumière")
    page.goto("/lieux/")
    page.get_by_role("link", name="Café Lumière").click()
    page.get_by_role("link", name="Signaler un problème avec ce lieu").click()
    page.wait_for_url(f"**/lieux/{partner.pk}/signaler/")
    assert page.get_by_role("button", name="Envoyer le signalement").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_french_card_fits_a_phone_screen_without_scrolling(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/montrer/?langue=uk")
    box = page.locator(".show-french").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 740
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    size = page.locator(".show-french").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 28


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize(
    "path",
    ["/montrer/?langue=ar", "/en/montrer/?langue=zh-Hans", "/apres/", "/en/apres/?territoire=988"],
)
def test_new_pages_have_no_axe_violations(page, width, path):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    assert axe_violations(page) == []
