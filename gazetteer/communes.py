"""The offline gazetteer of French communes, read once from ``communes.csv``.

See ``gazetteer/README.md`` for the sources and how the file is built.
"""

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
