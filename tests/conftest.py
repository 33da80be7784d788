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


# Staff vetting: users of the admin.


@pytest.fixture
def make_reviewer(django_user_model):
    """A staff user in the "Reviewer" group, limited to ``departments`` when given."""
    from django.contrib.auth.models import Group

    from partners.models import ReviewerScope

    def make(username="reviewer", departments=None):
        user = django_user_model.objects.create_user(
            username=username, password="correct horse battery staple", is_staff=True
        )
        user.groups.add(Group.objects.get(name="Reviewer"))
        if departments is not None:
            ReviewerScope.objects.create(user=user, departments=departments)
        return user

    return make
