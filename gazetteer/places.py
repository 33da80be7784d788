"""Place search for the public pages and the API: towns and postcodes offline, full
addresses through an optional geocoder (``settings.GEOCODER_URL``, e.g. the Base
Adresse Nationale). The query is never logged: it may reveal where a person is."""

import json
import logging
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from gazetteer import communes
from partners.domain import territories

logger = logging.getLogger(__name__)

MAX_RESULTS = 10
GEOCODER_TIMEOUT = 3  # seconds: a person in danger does not wait longer.
_POSTCODE_PREFIX = re.compile(r"^\d{2,5}$")
_POSTCODE_INSIDE = re.compile(r"\b\d{5}\b")
_DEPARTMENT = re.compile(r"^2[ab]$", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    name: str
    postcodes: tuple[str, ...]
    department: str
    lat: float
    lon: float

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "postcodes": list(self.postcodes),
            "department": self.department,
            "lat": self.lat,
            "lon": self.lon,
        }


def _from_commune(commune: communes.Commune) -> Place:
    return Place(commune.name, commune.postcodes, commune.department, commune.lat, commune.lon)


def _by_postcode(digits: str) -> list[communes.Commune]:
    """Communes for a postcode or its first digits. An unknown five-digit postcode
    still leads somewhere: to the communes of its longest known prefix."""
    if len(digits) == 5 and (exact := communes.by_postcode(digits)):
        return exact[:MAX_RESULTS]
    for length in range(min(len(digits), 4), 1, -1):
        if found := communes.by_postcode_prefix(digits[:length], MAX_RESULTS):
            return found
    return []


def search_offline(query: str) -> list[Place]:
    query = query.strip()
    if _POSTCODE_PREFIX.match(query):
        found = _by_postcode(query)
    elif _DEPARTMENT.match(query):
        found = communes.by_department(query.upper(), MAX_RESULTS)
    else:
        found = _by_words(query)
    return [_from_commune(c) for c in found]


def _by_words(query: str) -> list[communes.Commune]:
    """A town by name; failing that, a postcode inside the query ("8 rue X 69003
    Lyon"), then the query without its last words ("Lyon 3e" → "Lyon")."""
    if found := communes.by_name_prefix(query, MAX_RESULTS):
        return found
    if postcode := _POSTCODE_INSIDE.search(query):
        return _by_postcode(postcode.group())
    words = query.split()
    for end in range(len(words) - 1, 0, -1):
        if found := communes.by_name_prefix(" ".join(words[:end]), MAX_RESULTS):
            return found
    return []


def geocoder_features(params: dict) -> list[dict]:
    """GeoJSON features from the configured geocoder (the Base Adresse Nationale's
    format), or [] when none is configured or it fails: callers fall back offline."""
    url = settings.GEOCODER_URL
    if not url:
        return []
    query = urllib.parse.urlencode(params)
    try:
        # The URL is a setting, not user input; a short timeout keeps pages responsive.
        with urllib.request.urlopen(  # noqa: S310  # nosec B310
            f"{url}?{query}", timeout=GEOCODER_TIMEOUT
        ) as response:
            return list(json.load(response)["features"])
    except (OSError, ValueError, KeyError, TypeError):
        # No query or URL in the log: they may say where the person is.
        logger.warning("The geocoder failed; offline search only.")
        return []


def geocode(query: str) -> list[Place]:
    """Addresses matching ``query`` from the configured geocoder; [] without one."""
    places = []
    for feature in geocoder_features({"q": query, "limit": 5}):
        try:
            props = feature["properties"]
            lon, lat = feature["geometry"]["coordinates"][:2]
            postcode = str(props.get("postcode", ""))
            places.append(
                Place(
                    str(props["label"]),
                    (postcode,) if postcode else (),
                    territories.department_of_postcode(postcode) or "",
                    round(float(lat), 5),
                    round(float(lon), 5),
                )
            )
        except (KeyError, TypeError, ValueError):
            logger.warning("The geocoder answered an unexpected feature; skipped.")
    return places


def search(query: str) -> list[Place]:
    """Towns (name prefix) and postcodes offline; with a geocoder, full addresses
    too, first when the query looks like one (it has digits and words)."""
    offline = search_offline(query)
    if _POSTCODE_PREFIX.match(query.strip()) or not settings.GEOCODER_URL:
        return offline
    looks_like_address = any(ch.isdigit() for ch in query) or "," in query
    if looks_like_address or not offline:
        return (geocode(query) + offline)[:MAX_RESULTS]
    return offline
