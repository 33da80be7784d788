import os
import subprocess
import sys

from django.conf import settings

SNIPPET = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'enlieusur.settings'; "
    "django.setup(); from django.conf import settings as s; print(({attr},))"
)


def _settings_value(attr: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and snippet)
        [sys.executable, "-c", SNIPPET.format(attr=attr)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _settings_value("s.DEBUG", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _settings_value(
        "s.DEBUG, s.ALLOWED_HOSTS",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="enlieusur.fr,www.enlieusur.fr",
    )
    assert result.stdout.strip() == "(False, ['enlieusur.fr', 'www.enlieusur.fr'])"


def test_bad_boolean_is_refused_with_its_name():
    result = _settings_value("s.DEBUG", DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_database_url_and_tile_server_come_from_the_environment():
    result = _settings_value(
        "s.DATABASES['default']['NAME'], s.DATABASES['default']['ENGINE'], s.TILE_URL",
        DATABASE_URL="postgres://u@db.example:5433/other",
        TILE_URL="https://tiles.example/{z}/{x}/{y}.png",
    )
    assert result.stdout.strip() == (
        "('other', 'django.contrib.gis.db.backends.postgis', 'https://tiles.example/{z}/{x}/{y}.png')"
    )


def test_smtp_is_used_when_an_email_host_is_set():
    result = _settings_value("s.MAILERS['default']['BACKEND']", EMAIL_HOST="smtp.example")
    assert result.stdout.strip() == "('django.core.mail.backends.smtp.EmailBackend',)"


def test_a_recent_gdal_is_loaded():
    from django.contrib.gis import gdal

    major, minor = (int(x) for x in gdal.gdal_version().decode().split(".")[:2])
    assert (major, minor) >= (3, 9)
    assert settings.GDAL_LIBRARY_PATH


def test_the_sms_gateway_needs_its_token_and_its_public_url_together():
    result = _settings_value("s.TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN="secret-token")
    assert "TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL go together" in result.stderr
    result = _settings_value(
        "s.SMS_WEBHOOK_URL", SMS_WEBHOOK_URL="https://enlieusur.fr/sms/twilio/"
    )
    assert "TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL go together" in result.stderr
    result = _settings_value(
        "s.SMS_WEBHOOK_URL", TWILIO_AUTH_TOKEN="secret-token", SMS_WEBHOOK_URL="enlieusur.fr/sms/"
    )
    assert "SMS_WEBHOOK_URL must be an http(s) URL" in result.stderr
    result = _settings_value(
        "s.SMS_WEBHOOK_URL, s.SMS_NUMBER",
        TWILIO_AUTH_TOKEN="secret-token",
        SMS_WEBHOOK_URL="https://enlieusur.fr/sms/twilio/",
        SMS_NUMBER="+33 7 00 00 00 00",
    )
    assert result.stdout.strip() == "('https://enlieusur.fr/sms/twilio/', '+33700000000')"


def test_the_sms_gateway_is_off_by_default():
    assert settings.TWILIO_AUTH_TOKEN == settings.SMS_WEBHOOK_URL == ""
