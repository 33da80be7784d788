"""What reaches a log: nothing that tracks a person or opens a door.

``redact`` is the one rule, applied to every line that Django's handlers (settings.LOGGING:
the app's, runserver's ``django.server``, ``django.request``, ``django.security``) and
gunicorn's error and access logs (``GunicornLogger``, gunicorn.conf.py) write:

- query strings are dropped (a search's coordinates, a link's parameters);
- the URL segment that holds an emailed link's token is replaced by "…", by URL pattern:
  every route of the URLconf with a ``token`` parameter, so a new one is covered and the
  token's format does not matter;
- email addresses and client IP addresses (but loopback) are masked;
- control characters (CR, LF, …, U+2028) are escaped, so a ``%0a`` in a URL cannot forge a
  line. Tracebacks keep their line breaks, but are redacted alike.
"""

import functools
import ipaddress
import logging
import re

from django.apps import apps
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from gunicorn.glogging import Logger

# A path or URL followed by its query string: "/api/v1/partners/nearest?lat=…&lon=…".
_QUERY_STRING = re.compile(r"""(?P<path>(?:https?://[^\s/?#"']+)?/[^\s?#"']*)\?[^\s#"']*""")
_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
# Candidates only ("12:30:45" is one): ipaddress decides.
_IPV6 = re.compile(r"(?<![\w:.])[0-9a-f]*:[0-9a-f:]*:[0-9a-f:.]*(?!\w)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_NEWLINES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_TOKEN_PARAMETER = re.compile(r"<(?:\w+:)?token>")


def _routes(patterns, prefix=""):
    """Every route of the URLconf as path() text ("mon-lieu/<str:token>/"); a regex or
    language prefix counts as nothing, since the token patterns are not anchored."""
    for entry in patterns:
        pattern = entry.pattern
        route = prefix + (str(pattern) if isinstance(pattern, RoutePattern) else "")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        else:
            yield route


@functools.cache
def _token_segments() -> re.Pattern:
    """One pattern for the token segments of the URLconf's routes: what comes before the
    token ("mon-lieu/", "rejoindre/confirmer/", …), then the token's segment."""
    prefixes = set()
    for route in _routes(get_resolver().url_patterns):
        parts = _TOKEN_PARAMETER.split(route, maxsplit=1)
        if len(parts) == 2:
            literals = [re.escape(literal) for literal in re.split(r"<[^>]+>", parts[0])]
            prefixes.add(r"[^/]+".join(literals))
    if not prefixes:
        return re.compile(r"(?!)")
    # Longest first: "mon-lieu/reconfirmer/" before "mon-lieu/".
    alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?P<prefix>/(?:{alternatives}))[^/?#\s]+", re.IGNORECASE)


def _mask_address(match: re.Match) -> str:
    text = match[0]
    for candidate in (text, text.removesuffix(":")):
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.is_loopback:
            return text
        return "…" + text[len(candidate) :]
    return text


def _escape(match: re.Match) -> str:
    return match[0].encode("unicode_escape").decode("ascii")


def redact(text: str, *, multiline: bool = False) -> str:
    """``text`` fit for a log (see the module's docstring); ``multiline`` keeps the line
    breaks of a traceback."""
    text = (_CONTROL_BUT_NEWLINES if multiline else _CONTROL).sub(_escape, text)
    text = _QUERY_STRING.sub(r"\g<path>?…", text)
    # Before the URLconf is loaded (gunicorn's first lines), no request has been logged.
    if apps.ready:
        text = _token_segments().sub(r"\g<prefix>…", text)
    text = _EMAIL.sub("…@…", text)
    text = _IPV4.sub(_mask_address, text)
    return _IPV6.sub(_mask_address, text)


class Redact(logging.Filter):
    """Applies ``redact`` to a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(traceback, multiline=True)
        return True


class ShortDisallowedHost(logging.Filter):
    """A request for a host not in ALLOWED_HOSTS (scanners send them all day) is one short
    line: no traceback, and no more of the header than its first characters, escaped."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        host = request.META.get("HTTP_HOST", "") if request is not None else ""
        shown = _CONTROL.sub(_escape, host[:40]) + ("…" if len(host) > 40 else "")
        record.msg, record.args = "Refused a request for host '%s' (not in ALLOWED_HOSTS)", (shown,)
        record.exc_info = record.exc_text = None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, its error and access lines redacted like Django's."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, Redact) for f in log.filters):
                log.addFilter(Redact())
