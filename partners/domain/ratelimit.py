"""Per-client rate limits counted in Django's cache: the one limiter of every public form
and look-up (applications, self-service link requests, pin look-ups, reports).

A view calls ``over_limit`` where the action would be accepted (after validation), so a
limit counts what it protects, never a refused or invalid attempt. The client is
``enlieusur.middleware.client_ip``: behind the reverse proxy, each visitor has a budget of
their own. The counts live in the ``default`` cache: with several server processes it must
be a shared cache (Redis) or each process counts on its own. Only a salted hash of the
address is used as the key, so no IP address is written anywhere.

The SMS webhook counts per sender's phone number (``over_limit_for``), hashed alike
(``fingerprint``: the one salted hash of an identifier the app keeps in its cache).
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from enlieusur.middleware import client_ip


def fingerprint(identifier: str) -> str:
    """A salted hash of ``identifier`` (an address, a phone number, a message id): HMAC
    keyed with SECRET_KEY, so that it cannot be reversed by hashing every phone number."""
    digest = hmac.new(settings.SECRET_KEY.encode(), identifier.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def over_limit(request, scope: str, limit: int) -> bool:
    """Count one hit for this client in ``scope``; True once it exceeds ``limit`` per
    settings.RATE_LIMIT_WINDOW."""
    return over_limit_for(client_ip(request), scope, limit)


def over_limit_for(identifier: str, scope: str, limit: int, window: int | None = None) -> bool:
    """Count one hit for ``identifier`` (kept hashed) in ``scope``; True once it exceeds
    ``limit`` per ``window`` seconds (settings.RATE_LIMIT_WINDOW by default)."""
    key = f"ratelimit:{scope}:{fingerprint(identifier)}"
    window = window or settings.RATE_LIMIT_WINDOW
    # add() starts the window only if the key is new; incr() is atomic in Redis and memcached.
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
