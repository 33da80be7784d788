"""The offline gazetteer of French communes, read once from ``communes.csv``.

See ``gazetteer/README.md`` for the sources and how the file is built.
"""

import bisect
import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("communes.csv")


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    department: str
    postcodes: tuple[str, ...]
    population: int
    lat: float
    lon: float


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation as spaces: "L'Haÿ-les-Roses" → "l hay les roses"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    words = cleaned.split()
    # "Saint" and "St" are written both ways.
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w for w in words)


@cache
def all_communes() -> tuple[Commune, ...]:
    with DATA_FILE.open(newline="", encoding="utf-8") as f:
        return tuple(
            Commune(
                insee=row["insee"],
                name=row["name"],
                department=row["department"],
                postcodes=tuple(row["postcodes"].split()),
                population=int(row["population"] or 0),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(f)
        )


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
def _name_keys() -> tuple[list[str], list[Commune]]:
    """Sorted normalised names, with and without their article, for prefix search."""
    keys = []
    for commune in all_communes():
        key = normalise(commune.name)
        keys.append((key, commune))
        for article in ARTICLES:
            if key.startswith(article):
                keys.append((key.removeprefix(article), commune))
    keys.sort(key=lambda pair: pair[0])
    return [key for key, _ in keys], [commune for _, commune in keys]


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
