import json
import os
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.chromium import launch

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# ORM calls from the test itself. The ORM is still used from one thread at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
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


@pytest.fixture
def verified_staff(db, settings):
    """A superuser who signs in with a password and a TOTP device (tests/signin.py)."""
    from django.contrib.auth import get_user_model

    from tests import signin

    # A fast hasher: tests sign in dozens of times; the hashing is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_user(
        username=signin.USERNAME, password=signin.PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def totp_device(verified_staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=verified_staff, name="téléphone", confirmed=True)


@pytest.fixture
def staff_client(totp_device):
    """A client signed in to the admin with password and TOTP code."""
    from django.test import Client

    from tests import signin

    client = Client()
    response = signin.log_in(client, token=signin.current_token(totp_device))
    assert response.status_code == 302
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's ``admin_client``, also verified by a TOTP device: the admin site
    refuses staff without one (django-otp). For other staff users: tests/signin.py,
    ``verified_login(client, user)``."""
    from tests import signin

    signin.verified_login(client, admin_user)
    return client


# Staff vetting: users of the admin.


@pytest.fixture
def make_reviewer(django_user_model):
    """A staff user in the "Reviewer" group, limited to ``departments`` when given, with
    a confirmed TOTP device as the admin requires (sign in: tests/signin.py,
    ``verified_login(client, user)``)."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners.models import ReviewerScope

    def make(username="reviewer", departments=None, group="Reviewer"):
        user = django_user_model.objects.create_user(
            username=username, password="correct horse battery staple", is_staff=True
        )
        TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
        user.groups.add(Group.objects.get(name=group))
        if departments is not None:
            ReviewerScope.objects.create(user=user, departments=departments)
        return user

    return make


@pytest.fixture
def make_checker(make_reviewer):
    """``make_reviewer``'s user in the "Checker" group: mystery checks only."""

    def make(username="checker", departments=None):
        return make_reviewer(username, departments, group="Checker")

    return make


@pytest.fixture
def make_coordinator(make_reviewer):
    """``make_reviewer``'s user in the "Coordinator" group, limited to ``region``'s
    départements as the one screen makes them."""
    from partners.domain import territories

    def make(username="coordinator", region="Bretagne"):
        return make_reviewer(username, territories.departments_of(region), group="Coordinator")

    return make


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache (rate limits, cached public data), and sees
    a change to the public data at once rather than after PUBLIC_VERSION_TTL."""
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_VERSION_TTL = 0
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _migrations_data_after_a_flush(request):
    """A transactional test (browser tests, the deployed stack) starts with what the data
    migrations created, which the previous one's flush deleted (tests/migrations_data.py)."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        from tests import migrations_data

        request.getfixturevalue("transactional_db")
        migrations_data.restore()


@pytest.fixture(autouse=True)
def _training_not_required(settings):
    """Approval asks for trained staff (TRAINED_PEOPLE_FOR_APPROVAL, 2 by default): tests
    that approve a partner for another purpose do without. The rule's own tests
    (tests/venue/test_training.py, tests/staff/test_training_admin.py) set it back."""
    settings.TRAINED_PEOPLE_FOR_APPROVAL = 0


@pytest.fixture(autouse=True)
def _emails_sent_at_once(settings):
    """Queued emails are sent at once, in the on-commit callback that queues them (Django's
    immediate task backend): tests read them in ``mail.outbox``. tests/services/test_emails.py runs
    the real queue (django-tasks-db) and its worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def client():
    """pytest-django's ``client``, checking every answer under /api/v1/ against the
    API's OpenAPI document (tests/openapi_check.py)."""
    from tests.openapi_check import ApiClient

    return ApiClient()


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in the site's default language, as a new request does: a request
    to an /en/ page leaves English active in the thread, and the admin's and the emails'
    French addresses would not resolve in the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class Geocoder(BaseHTTPRequestHandler):
    """A Base Adresse Nationale look-alike: answers every search with ``answer`` and
    keeps the queries it was sent."""

    answer = {}
    queries = []

    def do_GET(self):
        Geocoder.queries.append(parse_qs(urlsplit(self.path).query))
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(settings):
    """The app's geocoder (GEOCODER_URL) is a ``Geocoder`` on the loopback."""
    from tests import servers

    Geocoder.answer, Geocoder.queries = {}, []
    with servers.stand_in(Geocoder) as port:
        settings.GEOCODER_URL = f"http://127.0.0.1:{port}/search/"
        yield Geocoder
