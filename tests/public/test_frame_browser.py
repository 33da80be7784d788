"""The page's frame in Chromium, on every public page: the bar with the quick exit and the
emergency numbers stays in view and on top, the header stays compact, nothing scrolls
sideways at 320 px, the quick exit follows GOV.UK's "Exit this page" (Shift three times,
never Esc), error pages have the bar too."""

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from partners.models import Charter
from tests.a11y import axe_violations
from tests.factories import PartnerFactory, every_day
from tests.pages import public_pages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
# The frame takes at most 15 % of a 740 px high phone screen.
FRAME_MAX_PX = 111


@pytest.fixture
def partner():
    # Transactional tests flush the charter the migrations published; the join pages show it.
    Charter.objects.get_or_create(
        version=1, defaults={"text": "Charte", "published_on": datetime.date(2024, 1, 1)}
    )
    partner = PartnerFactory(
        approved=True,
        name="Médiathèque Marguerite Duras",
        phone="+33142000000",
        location=Point(2.352, 48.857, srid=4326),
    )
    every_day(partner, "09:00", "18:00")
    return partner


@pytest.fixture
def exit_url(settings, live_server):
    """The neutral site is a page of the live server: the browser reaches no other host."""
    settings.QUICK_EXIT_URL = f"{live_server.url}/static/vendor/README.md"
    return settings.QUICK_EXIT_URL


def frame_problems(page, width: int) -> list[str]:
    """What is wrong with the frame on the page shown, at the top and after scrolling down."""
    problems = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > page.evaluate("innerWidth"):
        problems.append(f"{scroll_width} px wide")
    if width == PHONE["width"]:
        bottom = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().bottom"
        )
        if bottom > FRAME_MAX_PX:
            problems.append(f"header {bottom} px high")
    page.evaluate("scrollTo(0, document.scrollingElement.scrollHeight)")
    # In the viewport, and the element a tap at its centre reaches: nothing covers it.
    on_top = page.evaluate(
        """() => {
            const box = document.querySelector('.quick-exit').getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            const inView = box.top >= 0 && box.bottom <= innerHeight;
            return inView && !!hit && !!hit.closest('.quick-exit');
        }"""
    )
    if not on_top:
        problems.append("quick exit out of view or covered after scrolling down")
    return problems


@pytest.mark.parametrize("width", [320, 360, 1366])
def test_every_public_page_keeps_the_frame_in_view_and_fits_the_screen(page, partner, width):
    pages = public_pages(partner)
    assert {"/", "/lieux/", f"/lieux/{partner.pk}/", "/rejoindre/formulaire/", "/en/aide/"} <= set(
        pages
    )
    page.set_viewport_size({"width": width, "height": 740 if width < 1000 else 900})
    problems, violations = {}, {}
    for path in pages:
        page.goto(path)
        if found := frame_problems(page, width):
            problems[path] = found
        # axe-core at the phone's and the desktop's widths (WCAG 2.2 AA), on the page as
        # it opens: scrolled down, what passes under the bar reads to axe as covered.
        page.evaluate("scrollTo(0, 0)")
        if width != 320 and (found := axe_violations(page)):
            violations[path] = found
    assert problems == {}
    assert violations == {}


def test_the_emergency_numbers_and_the_menu_open_from_the_keyboard(page, partner):
    page.set_viewport_size(PHONE)
    page.goto(f"/lieux/{partner.pk}/")
    page.evaluate("scrollTo(0, document.scrollingElement.scrollHeight)")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Urgences")
    page.keyboard.press("Enter")
    police = page.get_by_role("link", name=re.compile(r"^17 Police"))
    expect(police).to_be_visible()
    assert police.get_attribute("href") == "tel:17"
    assert axe_violations(page) == []
    page.keyboard.press("Enter")  # closes it again
    expect(police).to_be_hidden()

    page.evaluate("scrollTo(0, 0)")
    page.get_by_text("Menu", exact=True).click()
    menu = page.locator(".site-menu nav")
    expect(menu.get_by_role("link", name="Mon lieu")).to_be_visible()
    expect(
        menu.get_by_role(
            "link", name="Vous êtes un commerce, un service public ? Rejoindre le réseau"
        )
    ).to_have_attribute("href", "/rejoindre/")
    assert axe_violations(page) == []


def test_shift_pressed_three_times_leaves_and_takes_the_page_out_of_the_history(
    page, live_server, exit_url
):
    page.goto("/aide/")
    page.goto("/lieux/")
    page.keyboard.press("Shift")
    # One press lit, and said: GOV.UK's indicator.
    expect(page.locator(".quick-exit-indicator .is-on")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Maj")).to_have_text(
        "Maj : appuyez encore 2 fois pour quitter."
    )
    page.keyboard.press("Shift")
    expect(page.locator(".quick-exit-indicator .is-on")).to_have_count(2)
    page.keyboard.press("Shift")
    page.wait_for_url(exit_url)
    page.go_back()
    assert page.url == f"{live_server.url}/aide/"  # /lieux/ is gone from the history


def test_the_quick_exit_button_leaves_and_takes_the_page_out_of_the_history(
    page, live_server, exit_url
):
    page.goto("/aide/")
    page.goto("/lieux/")
    page.get_by_role("link", name="Quitter").click()
    page.wait_for_url(exit_url)
    page.go_back()
    assert page.url == f"{live_server.url}/aide/"


def test_shift_presses_count_only_alone_and_within_five_seconds(page, exit_url):
    page.clock.install()
    page.goto("/lieux/")
    search = page.locator("form[role=search] input[name=q]")
    search.fill("")
    # Capitals typed with Shift held are not presses.
    search.press_sequentially("ABC")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5100)
    expect(page.locator(".quick-exit-indicator .is-on")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="annulé")).to_have_count(1)
    page.keyboard.press("Shift")
    # Another key between presses starts the count again.
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.clock.run_for(500)
    assert page.url.endswith("/lieux/")
    assert search.input_value() == "ABCa"


def test_the_emergency_panel_and_the_menu_close_like_menus(page, partner):
    page.set_viewport_size(PHONE)
    page.goto(f"/lieux/{partner.pk}/")
    emergency = page.get_by_text("Urgences", exact=True)
    police = page.get_by_role("link", name=re.compile(r"^17 Police"))
    menu_links = page.locator(".site-menu nav")

    # Esc closes the panel and gives the focus back to its button.
    emergency.click()
    police.focus()
    page.keyboard.press("Escape")
    expect(police).to_be_hidden()
    expect(page.locator(":focus")).to_have_text("Urgences")

    # A tap outside closes it; opening the menu (from the keyboard: the panel covers
    # it on a phone) closes it too.
    emergency.click()
    expect(police).to_be_visible()
    page.mouse.click(PHONE["width"] // 2, PHONE["height"] - 5)  # below the panel
    expect(police).to_be_hidden()
    emergency.click()
    page.locator(".site-menu summary").focus()
    page.keyboard.press("Enter")
    expect(menu_links).to_be_visible()
    expect(police).to_be_hidden()
    page.keyboard.press("Escape")
    expect(menu_links).to_be_hidden()
    expect(page.locator(":focus")).to_have_text("Menu")


def test_esc_in_the_search_fields_does_not_leave(page, partner, exit_url):
    page.goto("/lieux/?q=Paris")
    results = page.locator(".result h2").all_inner_texts()
    assert results
    page.locator("form[role=search] input[name=q]").press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.endswith("/lieux/?q=Paris")
    assert page.locator(".result h2").all_inner_texts() == results

    page.goto("/")
    field = page.locator("form[role=search] input[name=q]")
    field.fill("Paris")
    field.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    # The browser may clear a search field on Esc (its own undoable gesture); the page stays.
    assert page.url.endswith("/")
    expect(page.locator("#content")).to_be_visible()


def test_esc_in_a_filled_join_form_loses_nothing(page, partner, exit_url):
    page.goto("/rejoindre/formulaire/")
    page.get_by_label("Nom public du lieu").fill("Café des Allié·es")
    page.get_by_label("Commune").fill("Bordeaux")
    page.get_by_label("Votre e-mail").fill("sam@example.org")
    page.get_by_label("Votre e-mail").press("Escape")
    page.get_by_label("Commune").press("Escape")
    page.wait_for_timeout(300)
    assert page.url.endswith("/rejoindre/formulaire/")
    expect(page.get_by_label("Nom public du lieu")).to_have_value("Café des Allié·es")
    expect(page.get_by_label("Commune")).to_have_value("Bordeaux")
    expect(page.get_by_label("Votre e-mail")).to_have_value("sam@example.org")


def test_without_javascript_the_frame_works_as_links_and_disclosures(
    chromium, live_server, partner, exit_url
):
    context = chromium.new_context(
        java_script_enabled=False, locale="fr-FR", base_url=live_server.url, viewport=PHONE
    )
    page = context.new_page()
    page.goto(f"/lieux/{partner.pk}/")
    emergency = page.get_by_text("Urgences", exact=True)
    emergency.click()
    expect(page.get_by_role("link", name=re.compile(r"^112"))).to_be_visible()
    emergency.click()
    page.get_by_text("Menu", exact=True).click()
    expect(page.locator(".site-menu").get_by_role("link", name="Aide et sécurité")).to_be_visible()
    page.get_by_role("link", name="Quitter").click()
    page.wait_for_url(exit_url)
    context.close()


@pytest.mark.urls("tests.urls_failing")
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/cette-page-n-existe-pas/", 404, "Page introuvable"),
        ("/lieux/?q=%00", 400, "Requête refusée"),
        ("/interdit/", 403, "Accès refusé"),
        ("/boom/", 500, "Une erreur est survenue"),
    ],
)
def test_error_pages_have_the_bar(page, exit_url, path, status, title):
    page.set_viewport_size(PHONE)
    response = page.goto(path)
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert frame_problems(page, PHONE["width"]) == []
    page.evaluate("scrollTo(0, 0)")
    page.get_by_text("Urgences", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(r"^17 Police"))).to_be_visible()
    assert axe_violations(page) == []
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(exit_url)


def test_a_refused_form_has_the_bar(page, partner, exit_url):
    page.set_viewport_size(PHONE)
    page.goto(f"/lieux/{partner.pk}/signaler/")
    page.context.clear_cookies()  # the CSRF cookie: the post is refused
    with page.expect_response(re.compile(r"/signaler/$")) as answer:
        page.get_by_role("button", name="Envoyer le signalement").click()
    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Le formulaire n’a pas pu être envoyé"
    )
    page.wait_for_load_state("load")  # its styles and scripts, before the frame is measured
    assert frame_problems(page, PHONE["width"]) == []
    assert axe_violations(page) == []
