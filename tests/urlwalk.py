"""Every URL of the URLconf, with its path converters filled by sample values, so that
tests cover the routes other parts of the project add without being told of them."""

import re
import uuid

from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>(?P<body>[^)]*)\)")


def _fill_route(route: str, sample_id: int, samples: dict[str, str]) -> str:
    def value(match):
        if match.group("name") in samples:
            return samples[match.group("name")]
        converter = match.group("converter") or "str"
        if converter == "int":
            return str(sample_id)
        if converter == "uuid":
            return str(uuid.UUID(int=sample_id))
        return str(sample_id) if converter in {"path", "str"} else "sample"

    return _CONVERTER.sub(value, route)


def _fill_regex(regex: str) -> str:
    def value(match):
        body = match.group("body")
        # An alternation of literal names ("auth|partners"): the first; anything else: "1".
        first = body.split("|")[0]
        return first if re.fullmatch(r"[\w-]+", first) else "1"

    return _REGEX_GROUP.sub(value, regex).lstrip("^").rstrip("$").replace("\\", "")


def _walk(patterns, prefixes, sample_id, samples):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if isinstance(pattern.pattern, LocalePrefixPattern):
                # The default language at the root, the others under their prefix.
                inner = [""] + [
                    f"{code}/" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE
                ]
            else:
                inner = [_fill(pattern.pattern, sample_id, samples)]
            yield from _walk(
                pattern.url_patterns, [p + i for p in prefixes for i in inner], sample_id, samples
            )
        else:
            for prefix in prefixes:
                yield "/" + prefix + _fill(pattern.pattern, sample_id, samples)


def _fill(pattern, sample_id: int, samples: dict[str, str]) -> str:
    if isinstance(pattern, RegexPattern):
        return _fill_regex(str(pattern))
    return _fill_route(str(pattern), sample_id, samples)


def every_path(sample_id: int = 1, samples: dict[str, str] | None = None) -> list[str]:
    """One concrete path per URL pattern (and per language), in URLconf order. A route's
    parameter named in ``samples`` takes that value ("number": a real sticker number)."""
    return list(dict.fromkeys(_walk(get_resolver().url_patterns, [""], sample_id, samples or {})))


def is_staff_path(path: str) -> bool:
    return any(
        path.startswith(f"/{language}{settings.ADMIN_URL}")
        for language in [""] + [f"{code}/" for code, _ in settings.LANGUAGES]
    )
