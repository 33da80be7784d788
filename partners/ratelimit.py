"""Per-IP rate limits counted in Django's cache.

The counts live in the ``default`` cache: with several server processes it must be a
shared cache (Redis) or each process counts on its own. Only a hash of the address is
used as the key, so no IP address is written anywhere.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's
    # --forwarded-allow-ips): X-Forwarded-For is client-controlled and not trusted here.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request, scope: str, limit: int) -> bool:
    """Count one hit for this client in ``scope``; True once it exceeds ``limit`` per window."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    key = f"ratelimit:{scope}:{digest[:32]}"
    window = settings.RATE_LIMIT_WINDOW
    # add() starts the window only if the key is new; incr() is atomic in Redis and memcached.
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
