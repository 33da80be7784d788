"""Response headers that Django's own settings do not cover, and the client address."""

import ipaddress

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils.cache import add_never_cache_headers


def no_store_prefixes() -> tuple[str, ...]:
    """settings.NO_STORE_PATH_PREFIXES in every language: pages no cache may keep (this
    middleware's header, and the service worker's list of what it never touches)."""
    prefixes = settings.NO_STORE_PATH_PREFIXES
    other_languages = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return tuple(prefixes + [f"/{code}{prefix}" for code in other_languages for prefix in prefixes])


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy to every response, and ``Cache-Control: no-store`` to pages
    holding personal data: those under settings.NO_STORE_PATH_PREFIXES (in every language)
    and every page reached through an emailed link's token (a route with a ``token``
    parameter, the same routes whose tokens the logs redact).

    Also hands Django's CSP nonce to libraries that look for it as ``request.csp_nonce``
    (django-leaflet's admin widget, after the django-csp package); it must therefore come
    after ContentSecurityPolicyMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.no_store_prefixes = no_store_prefixes()

    def __call__(self, request):
        request.csp_nonce = get_nonce(request)
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        match = request.resolver_match
        if request.path_info.startswith(self.no_store_prefixes) or (
            match and "token" in match.kwargs
        ):
            add_never_cache_headers(response)
        return response


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted reverse proxy
    (settings.FORWARDED_ALLOW_IPS, ``*`` for any, as gunicorn reads it) the last address it
    appended to X-Forwarded-For (nginx's ``$proxy_add_x_forwarded_for`` or ``$remote_addr``).
    The one client address of the app: rate limits and the staff login lockout."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    trusted = settings.FORWARDED_ALLOW_IPS
    if forwarded and ("*" in trusted or remote in trusted):
        candidate = forwarded.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return remote
    return remote
