"""Every response carries the security headers, in production settings, over real HTTP."""

import re
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from tests import servers
from tests.factories import PartnerFactory
from tests.urlwalk import every_path, is_staff_path

TILE_ORIGIN = "https://tile.openstreetmap.org"
BEHIND_TLS_PROXY = {"X-Forwarded-Proto": "https"}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(path: str, headers, *, secure: bool = True) -> None:
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"], path
    assert all(re.fullmatch(r"'self'|'nonce-[\w+/=-]+'", v) for v in csp["script-src"]), path
    assert csp["style-src"] == ["'self'"], path
    assert set(csp["img-src"]) <= {"'self'", "data:", TILE_ORIGIN}, path
    assert csp["connect-src"] == ["'self'"], path
    assert csp["object-src"] == ["'none'"], path
    assert csp["base-uri"] == ["'none'"], path
    assert csp["frame-ancestors"] == ["'none'"], path
    assert csp["form-action"] == ["'self'"], path
    if secure:
        hsts = headers["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 3600, path
        assert "includeSubDomains" in hsts, path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}, path
    permissions = headers["Permissions-Policy"]
    assert "geolocation=(self)" in permissions, path
    assert "camera=()" in permissions, path
    assert "microphone=()" in permissions, path


class InlineCodeFinder(HTMLParser):
    """What the policy would block in a page: inline scripts without the nonce, event
    handler attributes, style attributes and elements."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.blocked: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            data = attributes.get("type") in {"application/json", "application/ld+json"}
            if not data and (self.nonce is None or attributes.get("nonce") != self.nonce):
                self.blocked.append(self.get_starttag_text())
        if tag == "style" or "style" in attributes:
            self.blocked.append(self.get_starttag_text())
        self.blocked += [f"{tag} {name}" for name in attributes if name.startswith("on")]


def blocked_inline_code(body: bytes, csp: str) -> list[str]:
    nonce = re.search(r"'nonce-([^']+)'", csp)
    finder = InlineCodeFinder(nonce.group(1) if nonce else None)
    finder.feed(body.decode("utf-8", "replace"))
    return finder.blocked


def set_cookies(headers) -> SimpleCookie:
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return cookies


@pytest.mark.django_db(transaction=True)
def test_every_url_answers_with_the_security_headers(collected_static, tmp_path):
    partner = PartnerFactory(approved=True)
    paths = [*every_path(sample_id=partner.pk), "/cette-page-n-existe-pas/", "/api/v1/rien"]
    seen = {}
    with servers.gunicorn(static_root=collected_static, access_log=tmp_path / "a.log") as port:
        for path in paths:
            status, headers, body = servers.get(port, path, BEHIND_TLS_PROXY)
            seen[path] = status
            assert status < 500, path
            assert_security_headers(path, headers)
            if headers.get("Content-Type", "").startswith("text/html"):
                csp = headers["Content-Security-Policy"]
                assert blocked_inline_code(body, csp) == [], path

            cookies = set_cookies(headers)
            for name, morsel in cookies.items():
                assert morsel["secure"], (path, name)
                assert morsel["samesite"] == "Lax", (path, name)
                assert morsel["httponly"], (path, name)
            if not is_staff_path(path):
                # A public page sets no cookie, but CSRF's when it shows a form to post.
                allowed = {"csrftoken"} if b'method="post"' in body.lower() else set()
                assert set(cookies) <= allowed, (path, set(cookies))
            if path.startswith(("/admin/", "/en/admin/")):
                assert "no-store" in headers["Cache-Control"], path
    assert seen["/"] == 200
    assert seen[f"/lieux/{partner.pk}/"] == 200
    assert seen["/cette-page-n-existe-pas/"] == 404
    assert seen["/admin/"] == 302


def test_http_is_redirected_to_https_in_production(collected_static, tmp_path):
    with servers.gunicorn(
        static_root=collected_static, access_log=tmp_path / "a.log", SECURE_SSL_REDIRECT=""
    ) as port:
        status, headers, _ = servers.get(port, "/confidentialite/")
        health, _, _ = servers.get(port, "/healthz")
    assert status == 301
    assert re.fullmatch(r"https://127\.0\.0\.1(:\d+)?/confidentialite/", headers["Location"])
    # Monitoring may probe the app itself over plain HTTP.
    assert health in {200, 503}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/admin/login/", "/en/admin/login/", "/mon-lieu/x/", "/en/rejoindre/formulaire/"],
)
def test_pages_with_personal_data_are_never_stored_by_a_cache(client, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_may_be_cached():
    response = Client().get("/confidentialite/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_failing")
@override_settings(DEBUG=False)
def test_a_server_error_answers_the_french_page_with_the_headers():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", secure=True)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Une erreur est survenue" in body
    assert 'href="tel:112"' in body
    assert 'href="tel:17"' in body
    assert '<html lang="fr">' in body
    assert_security_headers("/boom/", response.headers, secure=False)
    assert not response.cookies


@pytest.mark.django_db
def test_not_found_page_is_french_with_the_emergency_numbers():
    response = Client().get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Page introuvable" in body
    assert 'href="tel:17"' in body
    assert 'href="tel:112"' in body
    assert_security_headers("/cette-page-n-existe-pas/", response.headers, secure=False)


@pytest.mark.django_db
def test_every_admin_page_seen_by_verified_staff_carries_the_headers(staff_client, totp_device):
    # The ids fill the path converters: the device's own pages (QR code) exist, and so do
    # an approved partner's (its sticker, certificate, history).
    partner = PartnerFactory(approved=True)
    paths = set(filter(is_staff_path, every_path(sample_id=totp_device.pk)))
    paths |= {p for p in every_path(sample_id=partner.pk) if "/partners/partner/" in p}
    for path in sorted(paths):
        response = staff_client.get(path)
        assert response.status_code < 500, path
        assert_security_headers(path, response.headers, secure=False)
        if response["Content-Type"].startswith("text/html"):
            csp = response["Content-Security-Policy"]
            assert blocked_inline_code(response.content, csp) == [], path
        assert "no-store" in response["Cache-Control"], path


def _token_routes(patterns=None, namespace=""):
    """The names of the URLconf's routes that take a ``token``, with their namespace and
    their other parameters."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _token_routes(entry.url_patterns, inner)
        elif "token" in entry.pattern.converters:
            others = tuple(sorted(set(entry.pattern.converters) - {"token"}))
            yield namespace + entry.name, others


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_reached_through_a_token_is_never_stored(client, language):
    names = sorted(set(_token_routes()))
    assert len(names) >= 5  # confirm, self-service and its pages, re-confirmation
    for name, others in names:
        with translation.override(language):
            kwargs = {"token": "not-a-valid-token", **dict.fromkeys(others, 1)}
            path = reverse(name, kwargs=kwargs)
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
