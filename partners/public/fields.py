"""The public fields of a partner, declared once.

``FIELDS`` is the one list of what anyone may see of a partner, in the order the API
sends it. Each field says where it is shown (the nearest search, the partner detail,
the GeoJSON map), its JSON Schema (type, format, nullability, description), the
columns it is read from, and how its value is read from a row. From it come the
column lists of the hand-written SQL (``partners/public/search.py``), the API's JSON and
GeoJSON (``public_data``, ``map_properties``) and the OpenAPI schemas
(``partners/public/openapi.py``). A column no field names never leaves the database, which
is how the contact person's data stays in.

Changing a field's name, type or order changes the ``/api/v1/`` contract that the
FLAG! app and open-data users rely on: ``tests/public/test_api_contract.py`` pins it.
"""

import dataclasses
import datetime
import enum
import functools
import json
import zoneinfo
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.utils import translation

from partners.domain import territories
from partners.domain.hours import Week, osm_opening_hours
from partners.models import KIND_GROUPS, Kind, KindGroup

GROUP_OF_KIND = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}

# Opening intervals as one JSON text a partner: one column rather than one query.
HOURS_SQL = """(SELECT json_agg(json_build_array(oi.weekday, oi.opens, oi.closes)
                     ORDER BY oi.weekday, oi.opens)::text
     FROM partners_openinginterval oi WHERE oi.partner_id = p.id)"""
# Its closures not over at the query's ``now`` (venue-local dates), the same way.
CLOSURES_SQL = """(SELECT json_agg(json_build_array(cl.starts, cl.ends, cl.reason)
                     ORDER BY cl.starts, cl.ends)::text
     FROM partners_closure cl
     WHERE cl.partner_id = p.id AND cl.ends >= timezone(p.time_zone, %(now)s)::date)"""


class Shown(enum.Flag):
    """Where a field is shown."""

    NEAREST = enum.auto()  # each result of /api/v1/partners/nearest
    DETAIL = enum.auto()  # /api/v1/partners/<id>
    MAP = enum.auto()  # each feature of /api/v1/partners.geojson
    # The open data: the daily CSV and GeoJSON files and the change feed
    # (partners/public/opendata.py; their Table Schema, opendata/schema.json).
    OPEN_DATA = enum.auto()
    LISTED = NEAREST | DETAIL


@functools.cache
def _kind_names(language: str) -> dict[str, tuple[str, str]]:
    """Each kind's label in ``language``, and its group: worked out once a language."""
    with translation.override(language):
        return {kind.value: (str(kind.label), GROUP_OF_KIND[kind].value) for kind in Kind}


# A row's opening intervals and closures come as JSON text (``HOURS_SQL``,
# ``CLOSURES_SQL``), and venues share them: most open on weekdays at office hours, and a
# search in one town reads the same few texts again and again. Each worker reads a text
# once (into values nobody changes: tuples) and keeps the week it makes; a cache miss
# costs what reading it always cost (make bench, BENCHMARKS.md).
_TEXTS_KEPT = 4096


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _intervals(hours: str | None) -> tuple[tuple[int, datetime.time, datetime.time], ...]:
    return tuple(
        (weekday, datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
        for weekday, opens, closes in json.loads(hours or "[]")
    )


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _closures(closures: str | None) -> tuple[tuple[datetime.date, datetime.date, str], ...]:
    return tuple(
        (datetime.date.fromisoformat(starts), datetime.date.fromisoformat(ends), reason)
        for starts, ends, reason in json.loads(closures or "[]")
    )


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _week(hours: str | None, closures: str | None) -> Week:
    return Week(_intervals(hours), ((starts, ends) for starts, ends, _r in _closures(closures)))


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _hours_shown(hours: str | None) -> tuple[tuple[int, str, str], ...]:
    """The opening intervals as the API shows them: ``HH:MM``."""
    return tuple(
        (weekday, opens.isoformat("minutes"), closes.isoformat("minutes"))
        for weekday, opens, closes in _intervals(hours)
    )


class Reading:
    """One partner's row being turned into public data: what several fields share
    (its opening intervals and state, its kind's names) is worked out once."""

    def __init__(self, row: dict, *, now: datetime.datetime, urls):
        self.row, self.now, self.urls = row, now, urls

    @property
    def intervals(self) -> tuple[tuple[int, datetime.time, datetime.time], ...]:
        return _intervals(self.row["hours"])

    @property
    def closures(self) -> tuple[tuple[datetime.date, datetime.date, str], ...]:
        return _closures(self.row["closures"])

    @functools.cached_property
    def opening_state(self) -> tuple[bool, datetime.datetime | None]:
        zone = zoneinfo.ZoneInfo(self.row["time_zone"])
        week = _week(self.row["hours"], self.row["closures"])
        return week.state(self.now.astimezone(zone))

    @functools.cached_property
    def kind_names(self) -> tuple[str, str]:
        return _kind_names(translation.get_language())[self.row["kind"]]


@dataclasses.dataclass(frozen=True)
class PublicField:
    name: str
    type: str | list[str]  # JSON Schema type
    shown: Shown
    description: str = ""
    nullable: bool = False
    schema: dict = dataclasses.field(default_factory=dict)  # format, enum, items…
    # The SQL it is read from, on the partner ``p``, by row key; by default the partner's
    # column of the field's name. A field computed elsewhere (``distance_m``) names none.
    columns: dict[str, str] | None = None
    read: Callable[[Reading], Any] | None = None  # by default, the row's value

    def sql_columns(self) -> dict[str, str]:
        return {self.name: f"p.{self.name}"} if self.columns is None else self.columns

    def json_schema(self) -> dict:
        schema = {"type": [self.type, "null"] if self.nullable else self.type, **self.schema}
        if self.description:
            schema["description"] = self.description
        return schema


def _or_none(name: str) -> Callable[[Reading], Any]:
    """Empty text stored for "none given" is sent as null."""
    return lambda r: r.row[name] or None


# Walking time, estimated from the straight-line distance: streets add about 30 % to it
# (the detour factor 1.3 usual in urban studies) and a person walks 4.5 km/h (75 m a
# minute). Past an hour on foot the estimate says more about the network than the route:
# none is given. The home page's script and the list page both show this value.
DETOUR = 1.3
WALKING_METRES_PER_MINUTE = 4500 / 60
MAX_WALKING_MINUTES = 60


def walking_minutes(metres: float) -> int | None:
    """About how many minutes on foot ``metres`` (straight line) away is: at least 1,
    None past an hour."""
    minutes = round(metres * DETOUR / WALKING_METRES_PER_MINUTE)
    return max(minutes, 1) if minutes <= MAX_WALKING_MINUTES else None


# Mainland France and the overseas départements and collectivities that share its ten-digit
# numbering plan (Guadeloupe, Saint-Barthélemy and Saint-Martin 590, Guyane 594, Martinique
# 596, La Réunion and Mayotte 262) dial each other's numbers in national form, 0 first.
# Saint-Pierre-et-Miquelon, Wallis-et-Futuna, Polynésie and Nouvelle-Calédonie have
# numbering plans of their own.
FRENCH_PLAN = {33, 262, 590, 594, 596}


def phone_display(e164: str, department: str) -> str:
    """A public phone number as it is dialled in the venue's territory: "01 49 27 86 21"
    in Paris, "0262 12 34 56" in La Réunion, "25.12.34" in Nouméa; a number of another
    numbering plan in the international form dialled from there ("00 33 1 49 27 86 21"
    in Nouméa). The ``tel:`` link keeps the E.164 form, which every phone dials."""
    return _dialled(e164, territories.territory_of(department).phone_region)


# Formatting a number takes phonenumbers a seventh of a millisecond, ten times an answer,
# and the same numbers come back search after search: each worker keeps the last ones
# (about 150 bytes each).
@functools.lru_cache(maxsize=50_000)
def _dialled(e164: str, region: str) -> str:
    number = phonenumbers.parse(e164)
    if (
        number.country_code in FRENCH_PLAN
        and phonenumbers.country_code_for_region(region) in FRENCH_PLAN
    ):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_out_of_country_calling_number(number, region)


def _phone_display(r: Reading) -> str | None:
    return phone_display(r.row["phone"], r.row["department"]) if r.row["phone"] else None


def _next_change(r: Reading) -> str | None:
    change = r.opening_state[1]
    return change.isoformat() if change else None


_HOURS = {"hours": HOURS_SQL, "closures": CLOSURES_SQL, "time_zone": "p.time_zone"}
_HH_MM = {"type": "string", "pattern": "^\\d{2}:\\d{2}$"}

FIELDS = (
    PublicField("id", "integer", Shown.LISTED | Shown.MAP | Shown.OPEN_DATA),
    PublicField("name", "string", Shown.LISTED | Shown.MAP | Shown.OPEN_DATA),
    PublicField(
        "kind",
        "string",
        Shown.LISTED | Shown.MAP | Shown.OPEN_DATA,
        "A kind of place, e.g. `library`, `pharmacy`.",
        schema={"enum": Kind.values},
    ),
    PublicField(
        "kind_label",
        "string",
        Shown.LISTED,
        "The kind, in the request's language.",
        columns={"kind": "p.kind"},
        read=lambda r: r.kind_names[0],
    ),
    PublicField(
        "group",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        schema={"enum": KindGroup.values},
        columns={"kind": "p.kind"},
        read=lambda r: r.kind_names[1],
    ),
    PublicField("address", "string", Shown.LISTED | Shown.OPEN_DATA),
    PublicField("postcode", "string", Shown.LISTED | Shown.MAP | Shown.OPEN_DATA),
    PublicField("city", "string", Shown.LISTED | Shown.MAP | Shown.OPEN_DATA),
    PublicField(
        "department",
        "string",
        Shown.LISTED | Shown.MAP | Shown.OPEN_DATA,
        "Département or collectivity code.",
    ),
    PublicField(
        "territory",
        "string",
        Shown.OPEN_DATA,
        "`metropole` (mainland France and Corsica), or the overseas département or "
        "collectivity code (`971`…`988`).",
        schema={"enum": list(territories.TERRITORIES)},
        columns={"territory": "p.territory_code"},
    ),
    PublicField(
        "lat",
        "number",
        Shown.LISTED | Shown.OPEN_DATA,
        columns={"lat": "p.latitude"},
        read=lambda r: round(r.row["lat"], 6),
    ),
    PublicField(
        "lon",
        "number",
        Shown.LISTED | Shown.OPEN_DATA,
        columns={"lon": "p.longitude"},
        read=lambda r: round(r.row["lon"], 6),
    ),
    PublicField(
        "distance_m",
        "integer",
        Shown.NEAREST,
        "Geodesic distance in metres.",
        columns={},
        read=lambda r: round(r.row["distance"]),
    ),
    PublicField(
        "walking_minutes",
        "integer",
        Shown.NEAREST,
        "Estimated minutes on foot: the distance × 1.3 (streets are not straight) at "
        "4.5 km/h, rounded, at least 1; null beyond an hour.",
        nullable=True,
        columns={},
        read=lambda r: walking_minutes(r.row["distance"]),
    ),
    PublicField(
        "phone",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        "Public phone, E.164 (`+33…`).",
        nullable=True,
        read=_or_none("phone"),
    ),
    PublicField(
        "phone_display",
        "string",
        Shown.LISTED,
        "The public phone as dialled in the venue's territory (`01 49 27 86 21`; the "
        "international form for a number of another numbering plan); null without a phone.",
        nullable=True,
        columns={"phone": "p.phone", "department": "p.department"},
        read=_phone_display,
    ),
    PublicField(
        "website",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        nullable=True,
        read=_or_none("website"),
    ),
    PublicField("step_free", "boolean", Shown.LISTED | Shown.OPEN_DATA),
    PublicField(
        "open_now",
        "boolean",
        Shown.LISTED,
        "Computed in the venue's time zone.",
        columns=_HOURS,
        read=lambda r: r.opening_state[0],
    ),
    PublicField(
        "next_change",
        "string",
        Shown.LISTED,
        "When the venue next opens or closes (venue-local time with its offset), within "
        "a week, or, when closures are coming, up to a week after the last one ends; null "
        "if it does not change.",
        nullable=True,
        schema={"format": "date-time"},
        columns=_HOURS,
        read=_next_change,
    ),
    PublicField(
        "time_zone",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        "IANA time zone, e.g. `Pacific/Noumea`.",
    ),
    PublicField(
        "url",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        "The partner's public page.",
        schema={"format": "uri"},
        columns={"id": "p.id"},
        read=lambda r: r.urls.detail(r.row["id"]),
    ),
    PublicField(
        "sticker_number",
        "string",
        Shown.LISTED | Shown.OPEN_DATA,
        "Checkable at `/verif/<number>/`.",
    ),
    PublicField("email", "string", Shown.DETAIL, nullable=True, read=_or_none("email")),
    PublicField("accessibility_note", "string", Shown.DETAIL | Shown.OPEN_DATA),
    PublicField(
        "languages",
        "array",
        Shown.DETAIL,
        schema={"items": {"type": "string"}},
        read=lambda r: list(r.row["languages"]),
    ),
    PublicField("welcome_note", "string", Shown.DETAIL),
    PublicField(
        "opening_hours",
        "array",
        # In the nearest search too: the home page keeps its results on the phone and
        # recomputes their opening state offline (static/partners/hours.js).
        Shown.LISTED,
        "Venue-local times; `closes` earlier than `opens` runs past midnight; "
        "`00:00`–`00:00` is the whole day (open 24 hours).",
        schema={
            "items": {
                "type": "object",
                "required": ["weekday", "opens", "closes"],
                "properties": {
                    "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                    "opens": _HH_MM,
                    "closes": _HH_MM,
                },
            }
        },
        columns={"hours": HOURS_SQL},
        read=lambda r: [
            {"weekday": weekday, "opens": opens, "closes": closes}
            for weekday, opens, closes in _hours_shown(r.row["hours"])
        ],
    ),
    PublicField(
        "closures",
        "array",
        # In the nearest search too, for the phone's offline opening state (hours.js).
        Shown.LISTED,
        "Dated closures not over yet (holidays, works), first first: venue-local dates, "
        "both included. The venue is closed on those whole days, including the part of a "
        "night opening that runs past midnight into one.",
        schema={
            "items": {
                "type": "object",
                "required": ["starts", "ends", "reason"],
                "properties": {
                    "starts": {"type": "string", "format": "date"},
                    "ends": {"type": "string", "format": "date"},
                    "reason": {"type": "string", "description": "Empty when none is given."},
                },
            }
        },
        columns={"closures": CLOSURES_SQL, "time_zone": "p.time_zone"},
        read=lambda r: [
            {"starts": starts.isoformat(), "ends": ends.isoformat(), "reason": reason}
            for starts, ends, reason in r.closures
        ],
    ),
    PublicField(
        "opening_hours_osm",
        "string",
        Shown.OPEN_DATA,
        "The opening hours in OpenStreetMap's `opening_hours` syntax, venue-local, "
        "followed by the dated closures not over yet, whole days "
        "(`Mo-Fr 09:00-18:00, Sa 22:00-02:00; 2026 Dec 24-2026 Dec 26 off`); null when "
        "no hours were given.",
        nullable=True,
        columns={"hours": HOURS_SQL, "closures": CLOSURES_SQL},
        read=lambda r: (
            osm_opening_hours(r.intervals, ((starts, ends) for starts, ends, _r in r.closures))
            or None
        ),
    ),
    PublicField(
        "updated_at",
        "string",
        Shown.OPEN_DATA,
        "The last change to the partner's record (UTC).",
        schema={"format": "date-time"},
        read=lambda r: f"{r.row['updated_at'].astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}",
    ),
    PublicField(
        "charter_version",
        "integer",
        Shown.DETAIL,
        nullable=True,
        # The detail's SQL joins the partner's charter as ``c``.
        columns={"charter_version": "c.version"},
    ),
)


@functools.cache
def shown_in(where: Shown) -> tuple[PublicField, ...]:
    return tuple(field for field in FIELDS if where in field.shown)


def sql_columns(where: Shown) -> str:
    """The SELECT list of the partner columns that the fields shown in ``where`` read,
    each once, as ``expression AS key``."""
    columns = {}
    for field in shown_in(where):
        columns |= field.sql_columns()
    return ",\n    ".join(f"{expression} AS {key}" for key, expression in columns.items())


@functools.cache
def _readers(where: Shown) -> tuple[tuple[str, Callable[[Reading], Any] | None], ...]:
    return tuple((field.name, field.read) for field in shown_in(where))


def values(reading: Reading, where: Shown) -> dict:
    """The fields shown in ``where``, by name and in their order, read from ``reading``:
    each field's ``read``, or by default the row's value of its name. Ten results a
    search, a million rows a day of open data: the loop reads no attribute."""
    row = reading.row
    return {name: row[name] if read is None else read(reading) for name, read in _readers(where)}


MAP_FIELDS = shown_in(Shown.MAP)
# The GeoJSON's features carry the id beside their properties, as GeoJSON has it.
MAP_PROPERTIES = tuple(field for field in MAP_FIELDS if field.name != "id")
