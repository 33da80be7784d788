"""Production serving: gunicorn with gunicorn.conf.py, WhiteNoise, /healthz, the cache."""

import re

import pytest
from django.conf import settings
from django.test import Client

from bench.environment import redis_server
from tests import servers
from tests.factories import PartnerFactory
from tests.site.test_settings import _settings_value


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_session_cookie():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_refuses_other_methods():
    assert Client().post("/healthz").status_code == 405


def test_favicon_is_the_sites_icon_cached_for_a_day():
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): not a 404."""
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    body = b"".join(response.streaming_content)
    assert (
        body == (settings.BASE_DIR / "static" / "partners" / "icons" / "icon-192.png").read_bytes()
    )
    assert "max-age=86400" in response["Cache-Control"]
    assert not response.cookies
    assert Client().post("/favicon.ico").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_app_and_hashed_compressed_static_files(collected_static, tmp_path):
    PartnerFactory(approved=True, name="Bibliothèque Servie")
    with servers.gunicorn(static_root=collected_static, access_log=tmp_path / "a.log") as port:
        status, _, body = servers.get(port, "/healthz")
        assert (status, body) == (200, b"ok")

        status, _, body = servers.get(port, "/")
        assert status == 200
        stylesheet = re.search(rb'href="(/static/partners/site\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, "the page links the hashed name of the stylesheet"

        status, headers, body = servers.get(
            port, stylesheet.group(1).decode(), {"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]

        status, _, body = servers.get(port, "/api/v1/partners.geojson")
        assert status == 200
        assert "Bibliothèque Servie".encode() in body

        status, headers, body = servers.get(port, "/favicon.ico")
        assert (status, headers["Content-Type"]) == (200, "image/png")
        assert body.startswith(b"\x89PNG")


def test_healthz_answers_503_when_the_database_does_not(collected_static, tmp_path):
    unused = servers.free_port()
    with servers.gunicorn(
        static_root=collected_static,
        access_log=tmp_path / "a.log",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{unused}/nothing",
    ) as port:
        status, headers, body = servers.get(port, "/healthz")
    assert status == 503
    assert "Set-Cookie" not in headers
    assert b"ok" not in body


def test_production_settings_use_hashed_compressed_static_files():
    result = _settings_value("s.STORAGES['staticfiles']['BACKEND']", **servers.PRODUCTION_ENV)
    assert "whitenoise.storage.CompressedManifestStaticFilesStorage" in result.stdout


def test_the_cache_is_redis_when_redis_url_is_set_else_local_memory():
    with_redis = _settings_value("s.CACHES['default']['BACKEND']", REDIS_URL="redis://cache:6379/1")
    assert with_redis.stdout.strip() == "('enlieusur.cache.FailOpenRedisCache',)"
    without = _settings_value("s.CACHES['default']['BACKEND']", REDIS_URL="")
    assert without.stdout.strip() == "('django.core.cache.backends.locmem.LocMemCache',)"


SHARED_CACHE_SNIPPET = """
import django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "enlieusur.settings"
django.setup()
from django.core.cache import cache
if sys.argv[1] == "write":
    cache.set("shared-by-workers", 42, 60)
print(cache.get("shared-by-workers"))
"""


def test_two_processes_share_the_redis_cache(tmp_path):
    """What makes rate limits hold across gunicorn workers: a value one process writes,
    another reads."""
    import subprocess
    import sys

    with redis_server(tmp_path) as url:
        outputs = [
            subprocess.run(  # noqa: S603
                [sys.executable, "-c", SHARED_CACHE_SNIPPET, step],
                env={**servers.os.environ, "REDIS_URL": url},
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for step in ("write", "read")
        ]
    assert outputs == ["42", "42"]


def test_the_deployment_checklist_is_clean_with_production_settings():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": servers.PRODUCTION_ENV["SECRET_KEY"],
        "ALLOWED_HOSTS": "enlieusur.fr",
        "EMAIL_HOST": "smtp.example",
    }
    result = servers.manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_are_https_only_with_secure_cookies():
    result = _settings_value(
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 365 * 86400, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE",
        DEBUG="0",
        SECRET_KEY=servers.PRODUCTION_ENV["SECRET_KEY"],
    )
    assert result.stdout.strip() == "(True, True, True, True, True, True, True, 'Lax', True, 28800)"


def test_the_tile_servers_origin_is_the_only_other_image_source():
    result = _settings_value(
        "[str(source) for source in s.SECURE_CSP['img-src']]",
        TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
    )
    assert result.stdout.strip() == "([\"'self'\", 'data:', 'https://*.tiles.example.org'],)"
