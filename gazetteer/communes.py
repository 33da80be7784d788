"""The offline gazetteer of French communes, read once from ``communes.csv``, and the
arrondissements municipaux of Paris, Lyon and Marseille from ``arrondissements.csv``.

See ``gazetteer/README.md`` for the sources and how the files are built. Standard library
and rapidfuzz only: no Django.
"""

import bisect
import collections
import csv
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from gazetteer.exonyms import OTHER_NAMES

DATA_FILE = Path(__file__).with_name("communes.csv")
ARRONDISSEMENTS_FILE = Path(__file__).with_name("arrondissements.csv")


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    department: str
    postcodes: tuple[str, ...]
    population: int
    lat: float
    lon: float
    # An arrondissement municipal's city (its INSEE code); empty for a commune.
    city: str = ""


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation as spaces: "L'Haÿ-les-Roses" → "l hay les roses"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    words = cleaned.split()
    # "Saint" and "St" are written both ways.
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w for w in words)


def _read(path: Path) -> tuple[Commune, ...]:
    with path.open(newline="", encoding="utf-8") as f:
        return tuple(
            Commune(
                insee=row["insee"],
                name=row["name"],
                department=row["department"],
                postcodes=tuple(row["postcodes"].split()),
                population=int(row["population"] or 0),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                city=row.get("commune", ""),
            )
            for row in csv.DictReader(f)
        )


@cache
def all_communes() -> tuple[Commune, ...]:
    return _read(DATA_FILE)


@cache
def all_arrondissements() -> tuple[Commune, ...]:
    """The 45 arrondissements municipaux (Paris 20, Lyon 9, Marseille 16): not communes,
    so neither in ``all_communes`` nor found by name, but each has its own postcodes and
    point, and a code of its own (75120 for Paris 20e)."""
    return _read(ARRONDISSEMENTS_FILE)


@cache
def _by_code() -> dict[str, Commune]:
    return {c.insee: c for c in (*all_communes(), *all_arrondissements())}


def by_code(code: str) -> Commune | None:
    """A commune by its INSEE code, or an arrondissement municipal by its own."""
    return _by_code().get(code)


@cache
def _arrondissements_by_postcode() -> dict[str, Commune]:
    return {postcode: a for a in all_arrondissements() for postcode in a.postcodes}


def arrondissement_by_postcode(postcode: str) -> Commune | None:
    """The arrondissement a postcode of Paris, Lyon or Marseille serves (75116: the 16th)."""
    return _arrondissements_by_postcode().get(postcode.strip())


@cache
def _arrondissements_by_number() -> dict[tuple[str, int], Commune]:
    # Their codes run in order from the 1st: 75101 Paris 1er, 69381 Lyon 1er, 13201...
    by_city = collections.defaultdict(list)
    for a in sorted(all_arrondissements(), key=lambda a: a.insee):
        by_city[a.city].append(a)
    return {
        (city, number): a
        for city, arrondissements in by_city.items()
        for number, a in enumerate(arrondissements, start=1)
    }


def arrondissement(city: Commune, number: int) -> Commune | None:
    """The city's arrondissement with this number (Lyon, 3: Lyon 3e), if it has one."""
    return _arrondissements_by_number().get((city.insee, number))


@cache
def _by_postcode() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in all_communes():
        for postcode in commune.postcodes:
            index.setdefault(postcode, []).append(commune)
    for communes in index.values():
        communes.sort(key=lambda c: -c.population)
    return index


@cache
def _by_name() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for commune in all_communes():
        index.setdefault(normalise(commune.name), []).append(commune)
    for communes in index.values():
        communes.sort(key=lambda c: -c.population)
    return index


def by_postcode(postcode: str) -> list[Commune]:
    """Communes served by a postcode, most populous first."""
    return list(_by_postcode().get(postcode.strip(), []))


def by_name(name: str) -> list[Commune]:
    """Communes with exactly this name (accents and case ignored), most populous first."""
    return list(_by_name().get(normalise(name), []))


ARTICLES = ("l ", "le ", "la ", "les ")


@cache
def _keys() -> tuple[tuple[str, Commune], ...]:
    """Every name a commune is searched by: its own, without its article ("Havre"), and
    its other names (``exonyms.OTHER_NAMES``), normalised."""
    keys = []
    for commune in all_communes():
        key = normalise(commune.name)
        keys.append((key, commune))
        for article in ARTICLES:
            if key.startswith(article):
                keys.append((key.removeprefix(article), commune))
    keys.extend((key, _by_code()[code]) for key, code in OTHER_NAMES.items())
    return tuple(keys)


@cache
def _name_keys() -> tuple[list[str], list[Commune]]:
    """Sorted names (``_keys``), for prefix search."""
    keys = sorted(_keys(), key=lambda pair: pair[0])
    return [key for key, _ in keys], [commune for _, commune in keys]


@cache
def _communes_by_key() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for key, commune in _keys():
        index.setdefault(key, []).append(commune)
    for communes in index.values():
        if len(communes) > 1:  # no commune twice: a key is one name of it
            communes.sort(key=lambda c: (-c.population, c.name))
    return index


@cache
def _keys_by_length() -> dict[int, list[str]]:
    index = collections.defaultdict(list)
    for key in _communes_by_key():
        index[len(key)].append(key)
    return dict(index)


def by_key(name: str) -> list[Commune]:
    """Communes searched by exactly this name: official, without article, or another
    name (accents, case, "St" ignored), most populous first."""
    return list(_communes_by_key().get(normalise(name), []))


# Edits forgiven in a name of this many characters or more: one from 4 ("Nant" for
# Nantes), two from 6 ("Grenobel"), three from 12 ("Clermont-Feran").
FUZZY_EDITS = ((12, 3), (6, 2), (4, 1))
# A typo in a large town's name is likelier than a near-exact village's: each edit costs
# as much as a population 16 times smaller (log10(16) = 1.2).
EDIT_WEIGHT = 1.2


def by_name_fuzzy(name: str, limit: int = 10) -> list[Commune]:
    """Communes whose name is within a few edits (Levenshtein distance) of ``name``,
    ranked by edits and population together. rapidfuzz compares the query with the names
    of its own length give or take the edits allowed: a few milliseconds over the 35,000
    communes (``gazetteer/README.md``)."""
    key = normalise(name)
    edits = next((n for length, n in FUZZY_EDITS if len(key) >= length), 0)
    if not edits:
        return []
    lengths = _keys_by_length()
    scored: dict[str, tuple[float, Commune]] = {}
    for length in range(len(key) - edits, len(key) + edits + 1):
        for found, distance, _index in process.extract(
            key,
            lengths.get(length, ()),
            scorer=Levenshtein.distance,
            score_cutoff=edits,
            limit=None,
        ):
            for commune in _communes_by_key()[found]:
                score = math.log10(commune.population + 1) - EDIT_WEIGHT * distance
                if commune.insee not in scored or scored[commune.insee][0] < score:
                    scored[commune.insee] = (score, commune)
    ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].name, pair[1].insee))
    return [commune for _score, commune in ranked[:limit]]


@cache
def _postcodes() -> list[str]:
    return sorted(_by_postcode())


def _most_populous(communes, limit: int) -> list[Commune]:
    unique = {c.insee: c for c in communes}.values()
    return sorted(unique, key=lambda c: (-c.population, c.name))[:limit]


def by_name_prefix(prefix: str, limit: int = 10) -> list[Commune]:
    """Communes whose name (or name without its article) starts with ``prefix``,
    accents and case ignored, most populous first."""
    key = normalise(prefix)
    if not key:
        return []
    keys, communes = _name_keys()
    start = bisect.bisect_left(keys, key)
    end = bisect.bisect_left(keys, key + "\uffff")
    return _most_populous(communes[start:end], limit)


def by_postcode_prefix(prefix: str, limit: int = 10) -> list[Commune]:
    """Communes served by a postcode starting with ``prefix`` (a département's
    "75", "971"…), most populous first."""
    postcodes = _postcodes()
    start = bisect.bisect_left(postcodes, prefix)
    end = bisect.bisect_left(postcodes, prefix + "\uffff")
    index = _by_postcode()
    return _most_populous((c for postcode in postcodes[start:end] for c in index[postcode]), limit)


def by_department(code: str, limit: int = 10) -> list[Commune]:
    """The most populous communes of a département ("2A", "971"…)."""
    return _most_populous((c for c in all_communes() if c.department == code), limit)
