"""Place search for the public pages and the API: towns and postcodes offline, full
addresses through an optional geocoder (``settings.GEOCODER_URL``, e.g. the Base
Adresse Nationale). The query is never logged: it may reveal where a person is.

A search never picks silently among places that are not obviously one: it says whether its
first place is the one clearly meant (``Found.clear``): one commune of that exact name
(homonyms are not: Saint-Pierre is in La Réunion, Martinique, Saint-Pierre-et-Miquelon
and six départements), a postcode, an arrondissement, a name with its département
("Saint-Denis 93", "Saint-Pierre Martinique", a candidate's own label). Otherwise the
pages offer the candidates and the person chooses; the choice travels as the ``place``
parameter (``pick``). See "The place search" in the README.
"""

import json
import logging
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation

from gazetteer import communes
from partners.domain import territories

logger = logging.getLogger(__name__)

MAX_RESULTS = 10
GEOCODER_TIMEOUT = 3  # seconds: a person in danger does not wait longer.
_POSTCODE_PREFIX = re.compile(r"^\d{2,5}$")
_POSTCODE_INSIDE = re.compile(r"\b\d{5}\b")
_DEPARTMENT = re.compile(r"^2[ab]$", re.IGNORECASE)
# "lyon 3", "lyon 3e", "paris 20eme", "marseille 1er arrondissement", as normalised.
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>.+?) (?P<number>\d{1,2}) ?(?:er|re|e|eme|th|st|nd|rd)?(?: arrondissement| arr)?$"
)
# A place's id: a commune's INSEE code, or an arrondissement municipal's (75120).
# [0-9], not \d: Python's \d takes other scripts' digits, JavaScript's and the API's
# clients' do not.
PLACE_ID_PATTERN = "^(?:[0-9]{5}|2[AB][0-9]{3})$"
# Words between a town and the département or territory that qualifies it.
_CONNECTORS = {"a", "d", "de", "des", "du", "en", "in", "l", "la", "le", "les"}


@dataclass(frozen=True)
class Place:
    name: str
    postcodes: tuple[str, ...]
    department: str
    lat: float
    lon: float
    # The commune's INSEE code or the arrondissement's; None for an address the
    # geocoder found (it is chosen by its position, not by an id).
    id: str | None = None

    @property
    def territory(self) -> str | None:
        """The territory's code (``territories.TERRITORIES``: "metropole", "974"…)."""
        if self.department in territories.DEPARTMENTS:
            return territories.territory_of(self.department).code
        found = territories.containing(self.lat, self.lon)
        return found.code if found else None

    @property
    def label(self) -> str:
        """The name with what tells it from its homonyms, in the active language:
        "Saint-Denis (Seine-Saint-Denis, 93)", "Saint-Pierre (Saint-Pierre-et-Miquelon)",
        "Paris (75)". An address's label is its own."""
        if self.id is None or self.department not in territories.DEPARTMENTS:
            return self.name
        territory = territories.territory_of(self.department)
        if territory.code == territories.MAINLAND:
            where = territories.DEPARTMENTS[self.department][0]
            return (
                f"{self.name} ({self.department})"
                if where == self.name
                else f"{self.name} ({where}, {self.department})"
            )
        where = str(territory.name)
        return (
            f"{self.name} ({self.department})" if where == self.name else f"{self.name} ({where})"
        )

    def as_dict(self, *, clear_match: bool = False) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "territory": self.territory,
            "name": self.name,
            "postcodes": list(self.postcodes),
            "department": self.department,
            "lat": self.lat,
            "lon": self.lon,
            "clear_match": clear_match,
        }


@dataclass(frozen=True)
class Found:
    places: list[Place]
    # The first place is the one clearly meant: a page goes straight to it. Otherwise
    # it offers the places to choose from.
    clear: bool

    def as_list(self) -> list[dict]:
        return [p.as_dict(clear_match=self.clear and i == 0) for i, p in enumerate(self.places)]


NOTHING = Found([], clear=False)


def _from_commune(commune: communes.Commune) -> Place:
    return Place(
        commune.name,
        commune.postcodes,
        commune.department,
        commune.lat,
        commune.lon,
        commune.insee,
    )


def find(place_id: str) -> Place | None:
    """A place by its id (a commune's INSEE code, an arrondissement's code)."""
    commune = communes.by_code(place_id.strip().upper())
    return _from_commune(commune) if commune else None


def pick(query: str, place_id: str = "") -> Found:
    """The search for ``query``, or the one of its places the person chose (the ``place``
    parameter of the pages and the API). A ``place`` that is not among the query's places
    (a stale one, left in a form whose town was changed) is ignored."""
    found = search(query)
    if place_id:
        for place in found.places:
            if place.id == place_id:
                return Found([place], clear=True)
    return found


def _by_postcode(digits: str) -> tuple[list[communes.Commune], bool]:
    """Communes for a postcode or its first digits. An unknown five-digit postcode
    still leads somewhere: to the communes of its longest known prefix. A whole postcode
    is clear (its communes are neighbours; an arrondissement's is one place)."""
    if len(digits) == 5:
        if arrondissement := communes.arrondissement_by_postcode(digits):
            return [arrondissement], True
        if exact := communes.by_postcode(digits):
            return exact[:MAX_RESULTS], True
    for length in range(min(len(digits), 4), 1, -1):
        if found := communes.by_postcode_prefix(digits[:length], MAX_RESULTS):
            return found, len(found) == 1
    return [], False


def search_offline(query: str) -> Found:
    query = query.strip()
    if _POSTCODE_PREFIX.match(query):
        found, clear = _by_postcode(query)
    elif _DEPARTMENT.match(query):
        found, clear = communes.by_department(query.upper(), MAX_RESULTS), False
    else:
        found, clear = _by_words(communes.normalise(query))
    return Found([_from_commune(c) for c in found], clear)


def warm() -> None:
    """Build every index the offline search reads (names, postcodes, arrondissements,
    other names, the typo matcher's choices): about 1.4 s, once a process. The WSGI module
    calls it, so a server builds them before its workers fork and share them, rather than
    on each worker's first search."""
    for query in ("Marseile", "69003", "33000", "Lyon 3", "Marseilles", "974"):
        search_offline(query)


def _arrondissement(key: str) -> communes.Commune | None:
    """ "Lyon 3e", "Paris 20", "Marseilles 8th": the arrondissement, if the city has it."""
    if not (match := _ARRONDISSEMENT.match(key)):
        return None
    cities = communes.by_key(match["city"])
    if len(cities) != 1:
        return None
    return communes.arrondissement(cities[0], int(match["number"]))


@cache
def _qualifiers() -> dict[str, frozenset[str]]:
    """What may qualify a town's name, normalised, with the départements it stands for:
    the départements' names and codes, the overseas territories' names in every language
    of the site, with or without their article ("reunion")."""
    found: dict[str, set[str]] = {}
    for code, (name, _region) in territories.DEPARTMENTS.items():
        found.setdefault(communes.normalise(name), set()).add(code)
        found.setdefault(code.lower(), set()).add(code)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for territory in territories.TERRITORIES.values():
                if territory.code != territories.MAINLAND:
                    found.setdefault(communes.normalise(str(territory.name)), set()).add(
                        territory.code
                    )
    for key, codes in list(found.items()):
        for article in communes.ARTICLES:
            if key.startswith(article):
                found.setdefault(key.removeprefix(article), set()).update(codes)
    return {key: frozenset(codes) for key, codes in found.items()}


def _qualified(key: str) -> tuple[str, frozenset[str] | None, str | None]:
    """Splits "saint denis de la reunion", "saint pierre 97500" or a label read back
    ("saint denis seine saint denis 93") into the town's name, the départements its
    qualifiers allow (None: no qualifier) and the postcode given, if any."""
    words = key.split()
    departments: frozenset[str] | None = None
    postcode = None
    qualifiers = _qualifiers()
    while len(words) > 1:
        if re.fullmatch(r"\d{5}", words[-1]) and postcode is None:
            postcode = words.pop()
            continue
        for size in range(min(4, len(words) - 1), 0, -1):
            codes = qualifiers.get(" ".join(words[-size:]))
            if codes is not None:
                departments = codes if departments is None else departments & codes
                del words[-size:]
                break
        else:
            break
        while len(words) > 1 and words[-1] in _CONNECTORS:
            words.pop()
    return " ".join(words), departments, postcode


def _by_words(key: str) -> tuple[list[communes.Commune], bool]:
    """A town by name (``key`` normalised): exact names first (official, without
    article, other names), then names it begins, then names within a few typos. Failing
    that, a postcode inside the query ("8 rue X 69003 Lyon"), then the query without its
    last words ("Lyon centre")."""
    if not key:
        return [], False
    exact = communes.by_key(key)
    if not exact:
        if arrondissement := _arrondissement(key):
            return [arrondissement], True
        name, departments, postcode = _qualified(key)
        if name != key:
            if (arrondissement := _arrondissement(name)) and postcode in (
                None,
                *arrondissement.postcodes,
            ):
                return [arrondissement], True
            qualified = [
                c
                for c in communes.by_key(name)
                if (departments is None or c.department in departments)
                and (postcode is None or postcode in c.postcodes)
            ]
            if qualified:
                return qualified, len(qualified) == 1
    # Every homonym is offered, even past MAX_RESULTS (12 Sainte-Colombe).
    limit = max(MAX_RESULTS, len(exact))
    seen = {c.insee for c in exact}
    prefix = [c for c in communes.by_name_prefix(key, limit) if c.insee not in seen]
    matched = exact + prefix
    if matched:
        clear = len(exact) == 1 or (not exact and len(prefix) == 1)
        return _with_typos(key, matched, limit), clear
    if postcode := _POSTCODE_INSIDE.search(key):
        return _by_postcode(postcode.group())
    if typos := communes.by_name_fuzzy(key, MAX_RESULTS):
        # Even one: a corrected name is confirmed, never taken silently.
        return typos, False
    words = key.split()
    for end in range(len(words) - 1, 0, -1):
        found, clear = _by_words(" ".join(words[:end]))
        if found:
            return found, clear
    return [], False


def _with_typos(key: str, found: list, limit: int) -> list:
    if len(found) >= limit:
        return found[:limit]
    seen = {c.insee for c in found}
    typos = [c for c in communes.by_name_fuzzy(key, limit) if c.insee not in seen]
    return (found + typos)[:limit]


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


def search(query: str) -> Found:
    """Towns and postcodes offline; with a geocoder, full addresses too, first when the
    query looks like one (it has digits and words). The geocoder's first address is
    taken as clear: it ranks its answers, and an address names one place."""
    query = query.strip()
    offline = search_offline(query)
    if _POSTCODE_PREFIX.match(query) or not settings.GEOCODER_URL:
        return offline
    looks_like_address = any(ch.isdigit() for ch in query) or "," in query
    if (looks_like_address or not offline.places) and (addresses := geocode(query)):
        return Found((addresses + offline.places)[:MAX_RESULTS], clear=True)
    return offline
