"""The SMS webhook: a provider posts a text message, we answer with the reply.

Privacy: the sender's number and the message are never stored or logged. The number
reaches the cache only as a salted hash (rate limit, a pending choice); the message is
read and forgotten; a failure is logged by its exception's type and code lines, never its
message, which could quote the text. The access logs hold the path only (the body is
POST data). See the README, "SMS".
"""

import logging
import traceback

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseForbidden, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from partners.domain.ratelimit import fingerprint, over_limit_for
from sms import gateways, replies

logger = logging.getLogger(__name__)


def first_time(message_id: str) -> bool:
    """Whether this message id is new. Remembered (hashed) for SMS_REPLAY_TTL seconds,
    so a replayed request gets no second answer; while the cache is down every message
    counts as new (fail open, as the rate limits)."""
    key = f"sms:seen:{fingerprint(message_id)}"
    return cache.add(key, 1, settings.SMS_REPLAY_TTL) or cache.get(key) is None


@csrf_exempt
def webhook(request, gateway: str):
    provider = gateways.configured(gateway)
    if provider is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not provider.authentic(request):
        return HttpResponseForbidden()
    message = provider.read(request)
    text = None
    if (
        message is not None
        and (not settings.SMS_NUMBER or message.recipient == settings.SMS_NUMBER)
        and first_time(message.message_id)
        and not over_limit_for(
            message.sender, "sms", settings.SMS_RATE_LIMIT, settings.SMS_RATE_LIMIT_WINDOW
        )
    ):
        try:
            text = replies.answer(message.text, sender=message.sender)
        except Exception as error:
            # Neither the exception's message nor the request: they may quote the text.
            logger.error(
                "SMS answer failed (%s):\n%s",
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            text = replies.danger_line(None)
    response = provider.reply(text)
    add_never_cache_headers(response)
    return response
