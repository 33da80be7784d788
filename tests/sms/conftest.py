import pytest

from tests import twilio_signing as twilio

# Django's cache on a throw-away Redis, as in production.
from tests.public.test_cache_limits import redis_cache  # noqa: F401 (a fixture)


@pytest.fixture
def settings_sms(settings):
    """The Twilio gateway configured as in production, with the tests' token and URL."""
    settings.TWILIO_AUTH_TOKEN = twilio.AUTH_TOKEN
    settings.SMS_WEBHOOK_URL = twilio.WEBHOOK_URL
    settings.SMS_NUMBER = twilio.FLAG_NUMBER
    settings.SMS_RATE_LIMIT = 10_000
    return settings
