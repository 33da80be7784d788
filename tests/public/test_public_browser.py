import pytest
from django.contrib.gis.geos import Point

from tests.a11y import axe_violations
from tests.factories import PartnerFactory, every_day

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def partners():
    near = PartnerFactory(
        approved=True,
        name="Médiathèque Marguerite Duras",
        phone="+33142000000",
        location=Point(2.352, 48.857, srid=4326),
    )
    far = PartnerFactory(approved=True, name=XSS, location=Point(2.40, 48.86, srid=4326))
    lyon = PartnerFactory(
        approved=True,
        name="Pharmacie des Terreaux",
        department="69",
        postcode="69001",
        city="Lyon",
        location=Point(4.8339, 45.7675, srid=4326),
    )
    for partner in (near, far, lyon):
        every_day(partner, "00:00", "23:59")
    return near, far, lyon


def _result_names(page):
    return page.locator(".result h2 a").all_inner_texts()


def test_list_searches_by_town_and_by_postcode(page, partners):
    page.goto("/lieux/")
    page.fill("#id_q", "Lyon")
    page.click("form.search button")
    page.wait_for_url("**/lieux/?q=Lyon*")
    assert _result_names(page)[0] == "Pharmacie des Terreaux"

    page.fill("#id_q", "75004")
    page.click("form.search button")
    page.wait_for_url("**/lieux/?q=75004*")
    # Lyon, 400 km away, is beyond reach.
    assert _result_names(page) == ["Médiathèque Marguerite Duras", XSS]
    assert page.dialogs == []


def test_list_works_without_javascript(chromium, live_server, partners):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/lieux/")
    page.fill("#id_q", "Lyon")
    page.check("#id_open_now")
    page.click("form.search button")
    page.wait_for_url("**/lieux/?q=Lyon*")
    assert _result_names(page)[0] == "Pharmacie des Terreaux"
    context.close()


def test_language_switch_keeps_the_page_and_the_search(page, partners):
    page.goto("/lieux/?q=Paris")
    assert page.get_attribute("html", "lang") == "fr"
    page.click("a[hreflang=en]")
    page.wait_for_url("**/en/lieux/?q=Paris")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Safe places"
    page.click("a[hreflang=fr]")
    page.wait_for_url("**/lieux/?q=Paris")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.context.cookies() == []


def test_a_partner_named_like_markup_shows_as_text(page, partners):
    _near, far, _lyon = partners
    page.goto("/lieux/?q=Paris")
    page.goto(f"/lieux/{far.pk}/")
    assert page.inner_text("h1") == XSS
    page.goto(f"/verif/{far.sticker_number}/")
    assert XSS in page.inner_text("main")
    assert page.dialogs == []


@pytest.mark.parametrize(
    "path",
    [
        "/lieux/?q=Paris",
        "/lieux/?q=Zzyzxville",
        "/lieux/{pk}/",
        "/verif/",
        "/verif/{sticker}/",
        "/verif/75-31337/",
        "/aide/",
        "/a-propos/",
        "/en/lieux/?q=75004",
    ],
)
def test_axe_finds_no_accessibility_violation(page, partners, path):
    near = partners[0]
    page.goto(path.format(pk=near.pk, sticker=near.sticker_number))
    assert axe_violations(page) == []
    assert page.foreign_requests == []
