"""Importing candidates from the state's open data, files that staff download
(README, "Candidates from open data"): the Annuaire de l'administration (JSON) and
INSEE's Base permanente des équipements (CSV).

A reader turns each row of a file into a ``Row``, or says why it skipped it; ``save``
upserts the rows in bulk, keyed on the source and the source's id, so that importing a
file twice changes nothing and a later edition updates what the source says without
touching what staff and candidates did (status, invitations).
"""

import csv
import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from django.contrib.gis.gdal import CoordTransform, GDALException, SpatialReference
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from enlieusur import progress
from gazetteer import communes
from partners.domain import territories
from partners.domain.candidates import (
    ANNUAIRE_KINDS,
    BPE_KINDS,
    BPE_UNUSABLE_QUALITY,
    generic_email,
)
from partners.models import Candidate, CandidateSource

BATCH = 2000
# What an import may change: what the source says, never what we did.
SOURCE_FIELDS = [
    "name",
    "kind",
    "source_type",
    "address",
    "postcode",
    "city",
    "insee_code",
    "department",
    "location",
    "email",
    "phone",
    "imported_at",
]


class FormatError(Exception):
    """The file is not the dataset it is said to be; nothing was imported."""


@dataclasses.dataclass
class Row:
    source_id: str
    name: str
    kind: str
    source_type: str
    address: str
    postcode: str
    city: str
    insee_code: str
    department: str
    location: Point | None
    email: str = ""
    phone: str = ""


@dataclasses.dataclass
class Skipped:
    where: str  # "line 12" or the source's id
    reason: str


@dataclasses.dataclass
class Report:
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: list[Skipped] = dataclasses.field(default_factory=list)
    # Rows of a type we do not invite (not candidates, not errors), counted per type.
    other_types: dict[str, int] = dataclasses.field(default_factory=dict)


def _department(insee: str, postcode: str) -> str | None:
    commune = communes.by_code(insee) if insee else None
    if commune:
        return commune.department
    return territories.department_of_postcode(postcode)


def _point(lon, lat) -> Point | None:
    """A point in one of our territories, or None."""
    try:
        lon, lat = float(str(lon).replace(",", ".")), float(str(lat).replace(",", "."))
    except ValueError:
        return None
    if territories.containing(lat, lon) is None:
        return None
    return Point(round(lon, 6), round(lat, 6), srid=4326)


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


# The Annuaire de l'administration. Two JSON exports of the same records:
# - data.gouv.fr's file (a .tar.bz2 holding ``…data.gouv_local.json``): an object whose
#   ``service`` is the list of services, their ``pivot``, ``adresse`` and ``telephone`` lists
#   of objects (as osm-fr/osmose-backend, analysers/analyser_merge_public_services_FR.py,
#   reads it);
# - the DILA's API portal (api-lannuaire.service-public.fr, dataset
#   api-lannuaire-administration, "exports/json"): the list of records alone, each of those
#   fields a JSON text, ``'[{"type_service_local":"mairie","code_insee_commune":["01001"]}]'``
#   (as public code reading it shows; not checked against the portal itself).


def _listed(value) -> list[dict]:
    """A field holding a list of objects, given as the list or as its JSON text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return []
    if isinstance(value, dict):
        value = [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def read_annuaire(path: Path, report: Report) -> Iterator[Row]:
    """Services of the Annuaire's JSON export (``{"service": [...]}``, or the list alone)."""
    try:
        with path.open(encoding="utf-8-sig") as file:
            data = json.load(file)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"not a JSON file: {error}") from error
    services = data.get("service") if isinstance(data, dict) else data
    if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
        raise FormatError('expected an object whose "service" is the list of services')
    if services and not any("nom" in s and "pivot" in s for s in services[:100]):
        raise FormatError('the services have no "nom" and "pivot": not the Annuaire')
    for index, service in enumerate(progress.each(services, "Reading", unit="services")):
        report.read += 1
        source_id = _text(service.get("id"), 64)
        where = f"service {index + 1}" + (f" ({source_id})" if source_id else "")
        types = [p.get("type_service_local", "") for p in _listed(service.get("pivot"))]
        kind_type = next((t for t in types if t in ANNUAIRE_KINDS), None)
        if kind_type is None:
            for name in types or ["(none)"]:
                report.other_types[name] = report.other_types.get(name, 0) + 1
            continue
        row_or_reason = _annuaire_row(service, source_id, kind_type)
        if isinstance(row_or_reason, str):
            report.skipped.append(Skipped(where, row_or_reason))
        else:
            yield row_or_reason


def _annuaire_row(service: dict, source_id: str, kind_type: str) -> Row | str:
    if not source_id:
        return "no id"
    name = _text(service.get("nom"), 250)
    if not name:
        return "no name"
    addresses = _listed(service.get("adresse"))
    address = next((a for a in addresses if a.get("type_adresse") == "Adresse"), None) or (
        addresses[0] if addresses else {}
    )
    postcode = _text(address.get("code_postal"), 5)
    insee = _text(service.get("code_insee_commune"), 5)
    if not insee:
        pivot = next(
            p for p in _listed(service["pivot"]) if p.get("type_service_local") == kind_type
        )
        insee = _text((pivot.get("code_insee_commune") or [""])[0], 5)
    department = _department(insee, postcode)
    if department is None:
        return f"no known commune (INSEE code {insee or '–'}, postcode {postcode or '–'})"
    phones = _listed(service.get("telephone"))
    phone = phones[0].get("valeur", "") if phones else ""
    return Row(
        source_id=source_id,
        name=name,
        kind=ANNUAIRE_KINDS[kind_type],
        source_type=kind_type,
        address=_text(address.get("numero_voie") or address.get("complement1"), 250),
        postcode=postcode if len(postcode) == 5 else "",
        city=_text(address.get("nom_commune"), 120),
        insee_code=insee,
        department=department,
        location=_point(address.get("longitude", ""), address.get("latitude", "")),
        email=generic_email(service.get("adresse_courriel")),
        phone=_text(phone, 40),
    )


# The Base permanente des équipements.

BPE_REQUIRED = {"DEPCOM", "TYPEQU"}


def read_bpe(path: Path, report: Report) -> Iterator[Row]:
    """Equipments of the BPE's CSV ("ensemble des équipements", 2024 edition onwards:
    ``;``-separated, UTF-8, one equipment a line, some 95 columns of which we read a few;
    the header and rows of FlorianHegele/SkillIssue,
    skills/vulnerabilite-bpe/tests/fixtures/sample_bpe.csv show the layout)."""
    try:
        file = path.open(encoding="utf-8-sig", newline="")
        header = file.readline()
    except UnicodeDecodeError as error:
        raise FormatError("not UTF-8 text: save the file as UTF-8") from error
    columns = next(csv.reader([header], delimiter=";"), [])
    missing = BPE_REQUIRED - set(columns)
    if ";" not in header or missing:
        file.close()
        raise FormatError(
            f"expected the BPE's ;-separated columns, {', '.join(sorted(BPE_REQUIRED))} among them"
        )
    located = {"LONGITUDE", "LATITUDE"} <= set(columns) or {"LAMBERT_X", "LAMBERT_Y"} <= set(
        columns
    )
    if not located:
        file.close()
        raise FormatError("expected LONGITUDE and LATITUDE, or LAMBERT_X and LAMBERT_Y")
    total = path.stat().st_size
    with file, progress.bar(total, "Reading", unit="B") as bar:
        try:
            yield from _bpe_rows(file, columns, len(header.encode()), bar, report)
        except UnicodeDecodeError as error:
            raise FormatError(f"not UTF-8 text after line {report.read + 1}") from error


def _bpe_rows(file, columns, position, bar, report) -> Iterator[Row]:
    seen: dict[str, int] = {}
    transforms: dict[str, CoordTransform] = {}
    reader = csv.DictReader(file, fieldnames=columns, delimiter=";")
    for line, record in enumerate(reader, start=2):
        report.read += 1
        if line % 1000 == 0:
            bar.update(file.buffer.tell() - position)
            position = file.buffer.tell()
        code = (record.get("TYPEQU") or "").strip()
        if code not in BPE_KINDS:
            code = code or "(none)"
            report.other_types[code] = report.other_types.get(code, 0) + 1
            continue
        row_or_reason = _bpe_row(record, code, transforms)
        if isinstance(row_or_reason, str):
            report.skipped.append(Skipped(f"line {line}", row_or_reason))
            continue
        if row_or_reason.source_id in seen:
            report.skipped.append(
                Skipped(
                    f"line {line}",
                    f"the same equipment as line {seen[row_or_reason.source_id]}",
                )
            )
            continue
        seen[row_or_reason.source_id] = line
        yield row_or_reason


def _bpe_location(record: dict, transforms: dict) -> Point | None:
    if (record.get("QUALITE_XY") or "").strip().lower() in BPE_UNUSABLE_QUALITY:
        return None
    if (record.get("LONGITUDE") or "").strip() and (record.get("LATITUDE") or "").strip():
        return _point(record["LONGITUDE"], record["LATITUDE"])
    x, y = (record.get("LAMBERT_X") or "").strip(), (record.get("LAMBERT_Y") or "").strip()
    if not x or not y:
        return None
    # Lambert-93 in mainland France; overseas, the EPSG column names the projection.
    epsg = (record.get("EPSG") or "").strip() or "2154"
    try:
        point = Point(float(x.replace(",", ".")), float(y.replace(",", ".")), srid=int(epsg))
        if epsg not in transforms:
            transforms[epsg] = CoordTransform(SpatialReference(int(epsg)), SpatialReference(4326))
        point.transform(transforms[epsg])
    except (ValueError, GDALException):  # a number that is not one, an unknown projection
        return None
    return _point(point.x, point.y)


def _bpe_id(record: dict, code: str, insee: str) -> str:
    """The BPE gives no id: an equipment is its type, its commune, and its SIRET, or else
    its name and street address (the same in next year's edition), or else its place."""
    siret = (record.get("SIRET") or "").strip()
    parts = (
        [siret]
        if siret
        else [
            communes.normalise(record.get(column) or "")
            for column in ("NOMRS", "NUMVOIE", "INDREP", "TYPVOIE", "LIBVOIE")
        ]
    )
    if not any(parts):
        parts = [record.get(c) or "" for c in ("LONGITUDE", "LATITUDE", "LAMBERT_X", "LAMBERT_Y")]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return f"{code}-{insee}-{digest}"


def _bpe_row(record: dict, code: str, transforms: dict) -> Row | str:
    insee = (record.get("DEPCOM") or "").strip()
    postcode = (record.get("CODPOS") or "").strip()
    commune = communes.by_code(insee)
    department = commune.department if commune else _department("", postcode)
    if department is None:
        return f"no known commune (DEPCOM {insee or '–'})"
    kind, label = BPE_KINDS[code]
    # LIBCOM is in capitals ("ALÈS"): the gazetteer's name when the commune is known.
    city = commune.name if commune else _text(record.get("LIBCOM"), 120)
    name = _text(" ".join(filter(None, [record.get("NOMRS"), record.get("CNOMRS")])), 250)
    address = _text(
        " ".join(
            filter(None, (record.get(c) for c in ("NUMVOIE", "INDREP", "TYPVOIE", "LIBVOIE")))
        ),
        250,
    )
    return Row(
        source_id=_bpe_id(record, code, insee),
        name=name or f"{label} – {city}",
        kind=kind,
        source_type=code,
        address=address,
        postcode=postcode if len(postcode) == 5 and postcode.isdigit() else "",
        city=city,
        insee_code=insee[:5],
        department=department,
        location=_bpe_location(record, transforms),
    )


READERS = {CandidateSource.ANNUAIRE: read_annuaire, CandidateSource.BPE: read_bpe}


@transaction.atomic
def import_file(*, source: str, path: Path) -> Report:
    """Read ``path`` as ``source`` publishes it and upsert its candidates in bulk; all or
    nothing: a file found not to be in its format halfway imports nothing."""
    report = Report()
    batch: list[Row] = []
    for row in READERS[source](path, report):
        batch.append(row)
        if len(batch) >= BATCH:
            _save(source, batch, report)
            batch = []
    if batch:
        _save(source, batch, report)
    return report


def _save(source: str, rows: list[Row], report: Report) -> None:
    now = timezone.now()
    ids = [row.source_id for row in rows]
    known = Candidate.objects.filter(source=source, source_id__in=ids).count()
    Candidate.objects.bulk_create(
        [
            Candidate(
                source=source,
                status_changed_at=now,
                imported_at=now,
                **{field.name: getattr(row, field.name) for field in dataclasses.fields(row)},
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[*SOURCE_FIELDS, "updated_at"],
    )
    report.created += len(rows) - known
    report.updated += known
