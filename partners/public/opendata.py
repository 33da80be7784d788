"""The network as open data: the approved partners' public fields as a CSV file and a
GeoJSON file described by a Table Schema (schema.data.gouv.fr's format), and the change
feed that keeps a copy in step (/api/v1/partners/changes).

The columns are the fields ``Shown.OPEN_DATA`` declares in ``partners/public/fields.py``,
with the API's names and values; ``COLUMNS`` adds their French titles, descriptions and
examples for the schema. A column no field declares cannot be written: the contact
person's data stays in the database.

Scale: ``manage.py export_open_data`` (daily, by cron) reads the partners through a
server-side cursor, a few thousand rows at a time, and writes the files (and their gzip
twins) to temporary files in ``OPEN_DATA_DIR``, renamed into place once complete. At
1,000,000 partners (about 240 MB of CSV) nothing holds a whole file in memory, a request
only streams a finished file from disk, and a download never sees half a file.
README, "Open data", says why the licence, the separator and the feed's rules.
"""

import contextlib
import csv
import dataclasses
import datetime
import gzip
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django import forms
from django.db import connections, router
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from partners.domain import territories
from partners.models import Kind, KindGroup, Partner, Status
from partners.public.fields import Reading, Shown, shown_in, sql_columns, values
from partners.public.search import DetailUrls, QueryForm

OPEN_DATA_FIELDS = shown_in(Shown.OPEN_DATA)
# The GeoJSON's features carry the id and the point beside their properties.
GEOJSON_PROPERTIES = tuple(f for f in OPEN_DATA_FIELDS if f.name not in {"id", "lat", "lon"})

CSV_NAME = "lieux-surs.csv"
GEOJSON_NAME = "lieux-surs.geojson"
CONTENT_TYPES = {CSV_NAME: "text/csv; charset=utf-8", GEOJSON_NAME: "application/geo+json"}
# The published address of the site, named by the schema's metadata: a schema registered
# on schema.data.gouv.fr points at one stable address, whichever server wrote the file.
CANONICAL_SITE = "https://enlieusur.fr"
SCHEMA_VERSION = "1.1.0"


@dataclasses.dataclass(frozen=True)
class Column:
    """What the Table Schema says of a field, in French (data.gouv.fr's readers)."""

    title: str
    description: str
    example: str
    required: bool = True
    constraints: dict = dataclasses.field(default_factory=dict)
    # Coded values, listed after the description with their French labels.
    codes: type[TextChoices] | None = None


_DAY = "(Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))?"
_SPAN = "([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]"
_RULE = f"{_DAY}(,{_DAY})* {_SPAN}(,{_SPAN})*"
_OSM_DATE = "2[0-9]{3} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (0[1-9]|[12][0-9]|3[01])"
_CLOSURE = f"{_OSM_DATE}(-{_OSM_DATE})? off"

COLUMNS = {
    "id": Column(
        "Identifiant",
        "Identifiant stable du lieu dans le réseau En lieu sûr, le même que dans l'API "
        "(/api/v1/partners/<id>) et le flux des changements.",
        "1042",
        constraints={"unique": True, "minimum": 1},
    ),
    "name": Column("Nom", "Nom public du lieu.", "Médiathèque Marguerite-Duras"),
    "kind": Column(
        "Type de lieu",
        "Type de lieu, codé",
        "library",
        constraints={"enum": Kind.values},
        codes=Kind,
    ),
    "group": Column(
        "Catégorie",
        "Catégorie du type de lieu, codée",
        "public",
        constraints={"enum": KindGroup.values},
        codes=KindGroup,
    ),
    "address": Column("Adresse", "Numéro et voie.", "115 rue de Bagnolet"),
    "postcode": Column(
        "Code postal", "Code postal à cinq chiffres.", "75020", constraints={"pattern": "[0-9]{5}"}
    ),
    "city": Column("Commune", "Nom de la commune.", "Paris"),
    "department": Column(
        "Département",
        "Code du département ou de la collectivité d'outre-mer (code officiel géographique "
        "de l'INSEE) : 01 à 95, 2A, 2B, 971 à 976, 977, 978, 986, 987, 988.",
        "75",
        constraints={"enum": list(territories.DEPARTMENTS)},
    ),
    "territory": Column(
        "Territoire",
        "metropole (France métropolitaine et Corse) ou code du territoire d'outre-mer : "
        "chaque territoire a son fuseau horaire et ses numéros d'urgence.",
        "metropole",
        constraints={"enum": list(territories.TERRITORIES)},
    ),
    "lat": Column(
        "Latitude",
        "Latitude de l'entrée du lieu, WGS 84 (EPSG:4326), en degrés décimaux.",
        "48.856600",
        constraints={"minimum": -90, "maximum": 90},
    ),
    "lon": Column(
        "Longitude",
        "Longitude de l'entrée du lieu, WGS 84 (EPSG:4326), en degrés décimaux.",
        "2.352200",
        constraints={"minimum": -180, "maximum": 180},
    ),
    "phone": Column(
        "Téléphone",
        "Téléphone public du lieu, au format international E.164 ; vide s'il n'en a pas donné.",
        "+33143700000",
        required=False,
        constraints={"pattern": "\\+[1-9][0-9]{5,14}"},
    ),
    "website": Column(
        "Site web", "Site web du lieu ; vide s'il n'en a pas.", "https://example.org/", False
    ),
    "step_free": Column(
        "Accès de plain-pied",
        "true si l'on entre dans le lieu sans marche (fauteuil roulant, poussette), sinon false.",
        "true",
    ),
    "time_zone": Column(
        "Fuseau horaire",
        "Fuseau horaire IANA du lieu, celui de ses horaires.",
        "Europe/Paris",
        constraints={"enum": sorted({t.timezone for t in territories.TERRITORIES.values()})},
    ),
    "url": Column(
        "Page du lieu",
        "Page publique du lieu sur le site En lieu sûr.",
        f"{CANONICAL_SITE}/lieux/1042/",
    ),
    "sticker_number": Column(
        "Numéro d'autocollant",
        "Numéro de l'autocollant que le lieu affiche, vérifiable sur /verif/<numéro>/.",
        "75-00042",
        constraints={"unique": True, "pattern": "([0-9]{2}|2[AB]|[0-9]{3})-D?[0-9]{5,}"},
    ),
    "accessibility_note": Column(
        "Précisions sur l'accessibilité",
        "Ce que le lieu précise de son accès ; vide s'il n'a rien précisé.",
        "Rampe d'accès côté jardin",
        required=False,
    ),
    "opening_hours_osm": Column(
        "Horaires d'ouverture",
        "Horaires d'ouverture au format opening_hours d'OpenStreetMap, à l'heure locale du "
        "lieu (fuseau time_zone) ; un horaire qui finit avant de commencer passe minuit. "
        "Suivis des fermetures datées à venir ou en cours (congés, travaux), jours entiers, "
        "premier et dernier jour compris : « ; 2026 Dec 24-2026 Dec 26 off ». "
        "Vide si le lieu n'a pas donné d'horaires.",
        "Mo-Fr 09:00-18:00, Sa 22:00-02:00; 2026 Dec 24-2026 Dec 26 off",
        required=False,
        constraints={"pattern": f"(24/7|{_RULE}(, {_RULE})*)(; {_CLOSURE})*"},
    ),
    "updated_at": Column(
        "Dernière mise à jour",
        "Date et heure de la dernière modification de la fiche du lieu, en UTC.",
        "2026-11-01T08:30:00Z",
    ),
}

_TABLE_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean"}


def _table_field(field) -> dict:
    column = COLUMNS[field.name]
    description = column.description
    if column.codes:
        with translation.override("fr"):
            codes = ", ".join(f"{value} ({label})" for value, label in column.codes.choices)
        description = f"{description} : {codes}."
    described = {
        "name": field.name,
        "title": column.title,
        "description": description,
        "example": column.example,
        "type": _TABLE_TYPES.get(field.type, "string"),
    }
    if field.schema.get("format") == "date-time":
        described["type"] = "datetime"
    elif field.schema.get("format") == "uri" or field.name == "website":
        described["format"] = "uri"
    if field.type == "boolean":
        described |= {"trueValues": ["true"], "falseValues": ["false"]}
    described["constraints"] = {"required": column.required, **column.constraints}
    return described


def table_schema() -> dict:
    """The Table Schema of the CSV file (and of the GeoJSON's properties), as
    schema.data.gouv.fr publishes them; committed as opendata/schema.json."""
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "lieux-surs",
        "title": "Lieux sûrs du réseau En lieu sûr",
        "description": "Les lieux (commerces, services publics, associations, "
        "établissements scolaires…) agréés par l'association FLAG! qui accueillent et "
        "mettent à l'abri une personne victime ou menacée d'une agression homophobe, "
        "transphobe, raciste, sexiste ou de violences conjugales, et appellent les secours "
        "pour elle. Seuls les lieux agréés y figurent, avec leurs informations publiques : "
        "aucune donnée personnelle de ses responsables.",
        "countryCode": "FR",
        "homepage": f"{CANONICAL_SITE}/a-propos/",
        "path": f"{CANONICAL_SITE}/donnees/schema.json",
        "resources": [
            {"title": "Fichier CSV quotidien", "path": f"{CANONICAL_SITE}/donnees/{CSV_NAME}"},
            {
                "title": "Fichier GeoJSON quotidien",
                "path": f"{CANONICAL_SITE}/donnees/{GEOJSON_NAME}",
            },
        ],
        "sources": [{"title": "Réseau En lieu sûr, FLAG!", "path": CANONICAL_SITE}],
        "created": "2026-11-01",
        "lastModified": "2026-11-30",
        "version": SCHEMA_VERSION,
        "licenses": [
            {
                "name": "etalab-2.0",
                "title": "Licence Ouverte / Open Licence version 2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            }
        ],
        "contributors": [{"title": "FLAG!", "role": "author"}],
        "fields": [_table_field(field) for field in OPEN_DATA_FIELDS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


# Every approved partner's open-data columns, in id order, in one statement: the files
# are one consistent picture of the network.
_ROWS_SQL = (
    sql.SQL("SELECT {public} FROM partners_partner p WHERE p.status = %(approved)s ORDER BY p.id")
    .format(public=sql.SQL(sql_columns(Shown.OPEN_DATA)))
    .as_string()
)
_FETCH = 2000


def _public_rows(now: datetime.datetime) -> Iterator[dict]:
    connection = connections[router.db_for_read(Partner)]
    # A server-side cursor: PostgreSQL sends the rows a batch at a time.
    with connection.chunked_cursor() as cursor:
        cursor.execute(_ROWS_SQL, {"approved": Status.APPROVED, "now": now})
        names = [column.name for column in cursor.description]
        while rows := cursor.fetchmany(_FETCH):
            for row in rows:
                yield dict(zip(names, row, strict=True))


def record(row: dict, *, now: datetime.datetime, urls: DetailUrls) -> dict:
    """One partner's open data, from a row holding its ``Shown.OPEN_DATA`` columns."""
    return values(Reading(row, now=now, urls=urls), Shown.OPEN_DATA)


def records(now: datetime.datetime, urls: DetailUrls) -> Iterator[dict]:
    for row in _public_rows(now):
        yield record(row, now=now, urls=urls)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_header() -> list[str]:
    return [field.name for field in OPEN_DATA_FIELDS]


def csv_row(data: dict) -> list[str]:
    return [_csv_value(data[name]) for name in csv_header()]


def geojson_feature(data: dict) -> dict:
    return {
        "type": "Feature",
        "id": data["id"],
        "geometry": {"type": "Point", "coordinates": [data["lon"], data["lat"]]},
        "properties": {field.name: data[field.name] for field in GEOJSON_PROPERTIES},
    }


def _csv_line() -> Callable[[list[str]], str]:
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")

    def format_line(values: list[str]) -> str:
        line.seek(0)
        line.truncate()
        writer.writerow(values)
        return line.getvalue()

    return format_line


def write_files(directory: Path, data: Iterable[dict]) -> int:
    """Write the CSV and GeoJSON files of ``data`` (``record`` dicts) to ``directory``,
    each with a ``.gz`` twin, replacing the previous ones only once all are complete.
    Returns the number of partners written."""
    directory.mkdir(parents=True, exist_ok=True)
    names = (CSV_NAME, f"{CSV_NAME}.gz", GEOJSON_NAME, f"{GEOJSON_NAME}.gz")
    temporaries = {}
    for name in names:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
        os.close(handle)
        temporaries[name] = Path(temporary)
    try:
        with contextlib.ExitStack() as files:
            out = {
                name: files.enter_context(
                    (gzip.open if name.endswith(".gz") else open)(
                        path, "wt", encoding="utf-8", newline=""
                    )
                )
                for name, path in temporaries.items()
            }

            def write(name: str, text: str) -> None:
                out[name].write(text)
                out[f"{name}.gz"].write(text)

            csv_line = _csv_line()
            write(CSV_NAME, csv_line(csv_header()))
            write(GEOJSON_NAME, '{"type":"FeatureCollection","features":[')
            count = 0
            for count, item in enumerate(data, start=1):
                write(CSV_NAME, csv_line(csv_row(item)))
                feature = geojson_feature(item)
                text = json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
                write(GEOJSON_NAME, ("," if count > 1 else "") + "\n" + text)
            write(GEOJSON_NAME, "\n]}\n")
    except BaseException:
        for path in temporaries.values():
            path.unlink(missing_ok=True)
        raise
    for name, path in temporaries.items():
        path.chmod(0o644)
        os.replace(path, directory / name)
    return count


def public_count() -> int:
    return Partner.objects.public().count()


# The change feed: which partners were added, changed or removed since an instant, so
# that an app keeps its copy of the network in step without downloading it all again.
#
# - Its order is the partners' ``updated_at``, then their id; a page ends at a cursor
#   (that pair), the next page starts after it. A partner changed while a client pages
#   through moves to the end, and comes again in its new state.
# - Only rows saved ``SETTLE`` ago or earlier are listed: a row is saved with its
#   ``updated_at`` a few milliseconds before its transaction commits, and a page read in
#   between must not let the cursor pass a row not yet visible. Saving a partner takes
#   milliseconds; the settling time is far above.
# - A partner public now is "added" when it became public after ``since`` (approved or
#   reinstated), else "changed"; one that was ever public (approved once: it holds a
#   sticker number) and is not now is "removed", whatever the reason, which the feed never
#   says. A partner never public never appears. Each entry describes the partner as it
#   is: applied in order, as insert-or-replace and delete by id, the entries leave a copy
#   equal to the daily file, whatever the client missed or got twice.
SETTLE = datetime.timedelta(seconds=30)
FEED_DEFAULT_LIMIT = 500
FEED_MAX_LIMIT = 1000
_UNIX = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)

# An instant with its offset (RFC 3339), a real date of the years 2000-2999 (February 29
# of leap years only): the document's pattern, which the server reads exactly.
_YEAR = "2[0-9]{3}"
_LEAP_YEAR = "(2[0-9](0[48]|[2468][048]|[13579][26])|2[048]00)"
_DATE = (
    f"({_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    f"|{_YEAR}-(0[13-9]|1[0-2])-(29|30)"
    f"|{_YEAR}-(0[13578]|1[02])-31"
    f"|{_LEAP_YEAR}-02-29)"
)
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?"
_OFFSET = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
SINCE_PATTERN = f"^{_DATE}T{_TIME}{_OFFSET}$"
CURSOR_PATTERN = "^[0-9]{1,16}-[0-9]{1,18}$"


class InstantField(forms.RegexField):
    def __init__(self, **kwargs):
        message = _("give a date and time with its offset, such as 2026-11-01T00:00:00Z.")
        super().__init__(SINCE_PATTERN, error_messages={"invalid": message}, **kwargs)

    def clean(self, value):
        return datetime.datetime.fromisoformat(super().clean(value))


class CursorField(forms.RegexField):
    def __init__(self, **kwargs):
        message = _("give the cursor of the last page's next link.")
        super().__init__(CURSOR_PATTERN, error_messages={"invalid": message}, **kwargs)

    def clean(self, value):
        if not (value := super().clean(value)):
            return None
        micros, pk = value.split("-")
        return _UNIX + int(micros) * _MICROSECOND, int(pk)


class ChangesForm(QueryForm):
    since = InstantField()
    cursor = CursorField(required=False)
    limit = forms.IntegerField(min_value=1, max_value=FEED_MAX_LIMIT, required=False)


_CHANGES_SQL = (
    sql.SQL("""SELECT {public},
    p.status = %(approved)s AS public, p.status_changed_at > %(since)s AS became_public
FROM partners_partner p
WHERE p.updated_at > %(since)s AND p.updated_at <= %(until)s
    AND (p.updated_at, p.id) > (%(after)s, %(after_id)s)
    AND (p.status = %(approved)s OR p.approved_at IS NOT NULL OR p.sticker_number IS NOT NULL)
ORDER BY p.updated_at, p.id
LIMIT %(limit)s""")
    .format(public=sql.SQL(sql_columns(Shown.OPEN_DATA)))
    .as_string()
)


def _utc(instant: datetime.datetime) -> str:
    return f"{instant.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%S.%fZ}"


def changes(params: dict, *, now: datetime.datetime, urls: DetailUrls) -> dict:
    """The feed's page for ``ChangesForm`` parameters, and the query string of the next
    request: the next page while ``more``; else the next sync's, from this one's end."""
    since = params["since"]
    until = now - SETTLE
    # In UTC: PostgreSQL takes offsets up to 15:59, RFC 3339 up to 23:59.
    after, after_id = params["cursor"] or (since.astimezone(datetime.UTC), 0)
    limit = params["limit"] or FEED_DEFAULT_LIMIT
    connection = connections[router.db_for_read(Partner)]
    with connection.cursor() as cursor:
        cursor.execute(
            _CHANGES_SQL,
            {
                "approved": Status.APPROVED,
                "now": now,
                "since": since.astimezone(datetime.UTC),
                "until": until,
                "after": after,
                "after_id": after_id,
                "limit": limit + 1,
            },
        )
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    more = len(rows) > limit
    rows = rows[:limit]
    entries = []
    for row in rows:
        if row["public"]:
            change = "added" if row["became_public"] else "changed"
            partner = record(row, now=now, urls=urls)
        else:
            change, partner = "removed", None
        entries.append({"id": row["id"], "change": change, "partner": partner})
    if more:
        last = rows[-1]
        cursor = f"{(last['updated_at'] - _UNIX) // _MICROSECOND}-{last['id']}"
        following = {"since": since.isoformat(), "cursor": cursor}
    else:
        following = {"since": since.isoformat() if since > until else _utc(until)}
    if params["limit"]:
        following["limit"] = limit
    return {
        "since": since.isoformat(),
        "until": _utc(until),
        "count": len(entries),
        "changes": entries,
        "more": more,
        "following": following,
    }
