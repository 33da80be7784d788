import os
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# ORM calls from the test itself. The ORM is still used from one thread at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page on the live server; every request to another host is
    blocked and recorded in ``page.foreign_requests`` (map tiles included)."""
    context = chromium.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.foreign_requests = []
    own_host = urlsplit(live_server.url).netloc

    def route(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            page.foreign_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected as in production (hashed names, compressed), for tests
    that start gunicorn with the production settings (tests/servers.py)."""
    from tests import servers

    static_root = tmp_path_factory.mktemp("staticfiles")
    result = servers.manage(
        "collectstatic",
        "--no-input",
        "-v0",
        env={**servers.PRODUCTION_ENV, "STATIC_ROOT": str(static_root)},
    )
    assert result.returncode == 0, result.stderr
    return static_root
