"""Every public page of the site, for tests that must hold on all of them (the page's
frame, reflow, accessibility). Found by walking the URLconf (tests/urlwalk.py), so a page
added later is covered without being listed here."""

from django.test import Client

from tests.urlwalk import every_path, is_staff_path

# Machine interfaces and language switching, not pages a person reads.
NOT_PAGES = ("/api/", "/i18n/", "/healthz")


def public_pages(partner) -> list[str]:
    """The path of every public HTML page, in every language, its routes filled for the
    approved ``partner`` (its id, its sticker number). An emailed link's token that matches
    nothing gives the page that says so (a 400), a page a person reads too; a route that
    answers only 404 or 405 to these values (a reference, a JSON endpoint) is left out."""
    client = Client()
    paths = [
        path
        for path in every_path(sample_id=partner.pk, samples={"number": partner.sticker_number})
        if not is_staff_path(path) and not path.startswith(NOT_PAGES)
    ]
    return [path for path in paths if _is_page(client.get(path))]


def _is_page(response) -> bool:
    return response.status_code in {200, 400} and response["Content-Type"].startswith("text/html")
