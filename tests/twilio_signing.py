"""Requests to the SMS webhook as Twilio sends them: form-encoded, signed with the
account's auth token by the official package's ``RequestValidator.compute_signature``
over the URL as configured in Twilio's console. No network: the tests post them."""

import itertools
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
WEBHOOK_PATH = "/sms/twilio/"
WEBHOOK_URL = f"https://enlieusur.fr{WEBHOOK_PATH}"
FLAG_NUMBER = "+33700000000"
SENDER = "+33612345678"
_sids = itertools.count(1)


def message(body: str, *, sender: str = SENDER, sid: str | None = None) -> dict[str, str]:
    """The fields of an incoming SMS, as Twilio posts them (the ones that matter)."""
    return {
        "ToCountry": "FR",
        "SmsMessageSid": sid or f"SM{next(_sids):032x}",
        "NumMedia": "0",
        "MessageSid": sid or f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": FLAG_NUMBER,
        "Body": body,
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


def signature(params: dict, *, url: str = WEBHOOK_URL, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def signed(params: dict, **options) -> tuple[bytes, dict[str, str]]:
    """The body and headers of Twilio's POST of ``params``."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature(params, **options),
        "User-Agent": "TwilioProxy/1.1",
    }
    return urlencode(params).encode(), headers
