"""The SMS gateways: how a provider's webhook carries a text message to us, how we know
it is the provider's, and how the answer goes back. One small interface, so that another
gateway (a French operator's HTTP API, an Android SMS gateway run by the association) is
one more class beside ``Twilio`` and one more entry in ``GATEWAYS``.

A gateway that is not configured does not exist: its webhook answers 404.
"""

import dataclasses
from typing import ClassVar

import phonenumbers
from django.conf import settings
from django.http import HttpResponse
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse

from partners.public.fields import phone_display


@dataclasses.dataclass(frozen=True)
class Inbound:
    """One text message. Never stored or logged: ``sender`` is kept only hashed."""

    sender: str
    recipient: str
    text: str
    # The provider's id of the message: the same id twice is a replay.
    message_id: str


class Gateway:
    """What the webhook needs of a provider."""

    name: ClassVar[str]

    @classmethod
    def from_settings(cls) -> "Gateway | None":
        """The gateway as the settings configure it, or None when they do not."""
        raise NotImplementedError

    def authentic(self, request) -> bool:
        """Whether ``request`` surely comes from the provider (its signature)."""
        raise NotImplementedError

    def read(self, request) -> Inbound | None:
        """The message ``request`` carries; None when it carries none (a delivery report,
        a request missing a field)."""
        raise NotImplementedError

    def reply(self, text: str | None) -> HttpResponse:
        """The webhook's answer: ``text`` sent back to the sender, or nothing."""
        raise NotImplementedError


class Twilio(Gateway):
    """Twilio's Messaging webhook: a signed form POST (``X-Twilio-Signature``, checked by
    the official package's ``RequestValidator``); the answer is TwiML.

    The signature covers the URL that Twilio called, as written in its console: it is
    checked against ``SMS_WEBHOOK_URL``, the same string, never against a URL rebuilt
    from the request, which behind the reverse proxy (scheme, host, port) or a CDN could
    differ from it by a character and refuse every message."""

    name = "twilio"

    def __init__(self, *, auth_token: str, webhook_url: str):
        self.validator = RequestValidator(auth_token)
        self.webhook_url = webhook_url

    @classmethod
    def from_settings(cls) -> "Twilio | None":
        if not (settings.TWILIO_AUTH_TOKEN and settings.SMS_WEBHOOK_URL):
            return None
        return cls(auth_token=settings.TWILIO_AUTH_TOKEN, webhook_url=settings.SMS_WEBHOOK_URL)

    def authentic(self, request) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            return False
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
        return self.validator.validate(self.webhook_url, request.POST, signature, algorithm)

    def read(self, request) -> Inbound | None:
        data = request.POST
        sender, message_id = data.get("From", ""), data.get("MessageSid", "")
        if not sender or not message_id:
            return None
        return Inbound(sender, data.get("To", ""), data.get("Body", ""), message_id)

    def reply(self, text: str | None) -> HttpResponse:
        twiml = MessagingResponse()
        if text:
            twiml.message(text)
        return HttpResponse(str(twiml), content_type="text/xml; charset=utf-8")


GATEWAYS: dict[str, type[Gateway]] = {gateway.name: gateway for gateway in (Twilio,)}


def configured(name: str) -> Gateway | None:
    """The gateway called ``name`` when the settings configure it, else None."""
    gateway = GATEWAYS.get(name)
    return gateway.from_settings() if gateway else None


def public_number() -> dict[str, str] | None:
    """FLAG!'s SMS number as the help page shows it (``display``, the ``sms:`` ``href``),
    when a gateway answers it; None otherwise."""
    number = settings.SMS_NUMBER
    if not number or not any(gateway.from_settings() for gateway in GATEWAYS.values()):
        return None
    try:
        display = phone_display(number, "75")  # as dialled from mainland France
    except phonenumbers.NumberParseException:
        display = number
    return {"display": display, "href": f"sms:{number}"}
