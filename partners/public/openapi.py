"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json.

The operations are written by hand, next to the views; the partners' schemas come from
the one declaration of public fields (``partners/public/fields.py``) and the kind
filter's values from ``public.KIND_FILTERS``, which the server validates against.
Every API response the tests receive is checked against this document
(``tests/openapi_check.py``), and Schemathesis runs it against a live server
(``tests/public/test_api_contract.py``)."""

from gazetteer.places import PLACE_ID_PATTERN
from partners.domain.territories import TERRITORIES
from partners.public import opendata
from partners.public.fields import MAP_PROPERTIES, Shown, shown_in
from partners.public.search import (
    BOOLEAN_VALUES,
    DEFAULT_LIMIT,
    KIND_FILTERS,
    MAX_KM,
    MAX_LIMIT,
    PLACE_QUERY_MAX_LENGTH,
    PLACE_QUERY_PATTERN,
)

_ERROR = {"$ref": "#/components/responses/Error"}


def _properties(fields) -> dict:
    return {field.name: field.json_schema() for field in fields}


# A partner as both the search and the detail show it, then what each adds.
PARTNER_PROPERTIES = _properties(f for f in shown_in(Shown.NEAREST) if Shown.DETAIL in f.shown)
NEAREST_PROPERTIES = _properties(
    f for f in shown_in(Shown.NEAREST) if f.name not in PARTNER_PROPERTIES
)
DETAIL_PROPERTIES = _properties(
    f for f in shown_in(Shown.DETAIL) if f.name not in PARTNER_PROPERTIES
)
OPEN_DATA_PROPERTIES = _properties(shown_in(Shown.OPEN_DATA))
MAP_SCHEMA = {
    "type": "object",
    "required": [field.name for field in MAP_PROPERTIES],
    "properties": _properties(MAP_PROPERTIES),
}


def _boolean_parameter(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": list(BOOLEAN_VALUES), "default": "0"},
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document(request) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "En lieu sûr public API",
            "version": "1.0.0",
            "description": "Approved safe places of the En lieu sûr network, public fields "
            "only. Read-only, no authentication, CORS open. Distances are geodesic metres "
            "on the WGS84 spheroid. Searched positions are neither logged nor stored. "
            "Labels, error messages and page links follow `Accept-Language` (fr or en; "
            "French by default). A NUL byte (`%00`) anywhere in a query string is refused "
            "with 400, whatever the operation (enlieusur/guards.py).",
            "license": {"name": "Licence Ouverte 2.0", "identifier": "etalab-2.0"},
        },
        "servers": [{"url": request.build_absolute_uri("/")}],
        "paths": {
            "/api/v1/partners.geojson": {
                "get": {
                    "operationId": "partnersGeojson",
                    "summary": "Every approved partner, as a compact GeoJSON FeatureCollection",
                    "description": "Served gzip-compressed when accepted; revalidate with "
                    "`If-None-Match` (strong ETag) or `If-Modified-Since` to get 304.",
                    "responses": {
                        "200": {
                            "description": "The partners",
                            "headers": {
                                "ETag": {"schema": {"type": "string"}},
                                "Last-Modified": {"schema": {"type": "string"}},
                            },
                            "content": {
                                "application/geo+json": {
                                    "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                                }
                            },
                        },
                        "303": {
                            "description": "More approved partners than one answer holds "
                            "(the GEOJSON_MAX_PARTNERS setting): `Location` is the daily "
                            "open-data GeoJSON, and the body says why and where the tiles "
                            "and the change feed are.",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/TooMany"}
                                }
                            },
                        },
                        "304": {"description": "Not modified"},
                    },
                }
            },
            "/api/v1/partners/nearest": {
                "get": {
                    "operationId": "partnersNearest",
                    "summary": "The approved partners within reach of a point, nearest first",
                    "description": "Only partners within reach: at most `max_km` (at most "
                    f"{MAX_KM} km) from the point, in the territory that holds it (mainland "
                    "France and Corsica, or one overseas territory; a partner's territory "
                    "follows from its département). A point in no territory (the open sea) "
                    "reaches nothing. Ordered by geodesic distance, then id: the home page "
                    "and the list page show the same order. When nothing is found, `message` "
                    "says so plainly; when `open_now` found nothing, `next_open` gives the "
                    "nearest partner within reach that opens later, and when.",
                    "parameters": [
                        {
                            "name": "lat",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number", "minimum": -90, "maximum": 90},
                        },
                        {
                            "name": "lon",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "number", "minimum": -180, "maximum": 180},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "required": False,
                            "description": "A kind (`pharmacy`…) or a group "
                            "(`public`, `business`, `association`, `school`, `other`).",
                            "schema": {"type": "string", "enum": KIND_FILTERS},
                        },
                        _boolean_parameter("open_now", "Only partners open now."),
                        _boolean_parameter("step_free", "Only partners with step-free access."),
                        {
                            "name": "max_km",
                            "in": "query",
                            "required": False,
                            "description": "How far to look, in kilometres (geodesic).",
                            "schema": {
                                "type": "number",
                                "exclusiveMinimum": 0,
                                "maximum": MAX_KM,
                                "default": MAX_KM,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": [
                                    "count",
                                    "results",
                                    "territory",
                                    "max_km",
                                    "message",
                                    "next_open",
                                    "helplines",
                                ],
                                "properties": {
                                    "count": {"type": "integer"},
                                    "results": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/NearPartner"},
                                    },
                                    "territory": {
                                        "description": "The territory holding the point, "
                                        "where the search looked; null at sea.",
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/Territory"},
                                            {"type": "null"},
                                        ],
                                    },
                                    "max_km": {
                                        "type": "number",
                                        "description": "How far the search looked, in km.",
                                    },
                                    "message": {
                                        "type": ["string", "null"],
                                        "description": "When nothing was found, why, in "
                                        "one plain sentence (the request's language); "
                                        "else null.",
                                    },
                                    "next_open": {
                                        "description": "When `open_now` found nothing: the "
                                        "nearest partner within reach that opens later (with "
                                        "the other filters), and when; else null.",
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/NextOpen"},
                                            {"type": "null"},
                                        ],
                                    },
                                    "helplines": {
                                        "type": "array",
                                        "description": "The emergency and help numbers "
                                        "that can be dialled in the territory, urgent ones "
                                        "first; empty at sea.",
                                        "items": {"$ref": "#/components/schemas/Helpline"},
                                    },
                                },
                            },
                            "The partners, nearest first",
                        ),
                        "400": _ERROR,
                    },
                }
            },
            "/api/v1/partners/changes": {
                "get": {
                    "operationId": "partnersChanges",
                    "summary": "The partners added, changed or removed since an instant",
                    "description": "Keeps a copy of the network in step with the daily "
                    "file (/donnees/lieux-surs.csv) without downloading it again. Ordered by "
                    "the time of each partner's last change, then id; a partner appears once, "
                    "as it is now: `added` (public now, and approved or reinstated since "
                    "`since`) and `changed` carry its open-data fields, `removed` (no longer "
                    "public: suspended, withdrawn or revoked, for reasons never given) only "
                    "its id. A partner never public never appears. Apply the entries in order "
                    "as insert-or-replace and delete by id, then call `next`: while `more` is "
                    "true it is the next page; else keep it for the next sync (it starts where "
                    "this one ended). Changes show once "
                    f"{opendata.SETTLE.seconds} seconds old (`until`).",
                    "parameters": [
                        {
                            "name": "since",
                            "in": "query",
                            "required": True,
                            "description": "An instant with its offset (RFC 3339), "
                            "e.g. `2026-11-01T00:00:00Z`; years 2000 to 2999.",
                            "schema": {"type": "string", "pattern": opendata.SINCE_PATTERN},
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "required": False,
                            "description": "Where the previous page ended, as its `next` "
                            "link gives it.",
                            "schema": {"type": "string", "pattern": opendata.CURSOR_PATTERN},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": opendata.FEED_MAX_LIMIT,
                                "default": opendata.FEED_DEFAULT_LIMIT,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["since", "until", "count", "changes", "more", "next"],
                                "properties": {
                                    "since": {"type": "string", "format": "date-time"},
                                    "until": {
                                        "type": "string",
                                        "format": "date-time",
                                        "description": "The changes listed are those up to "
                                        "this instant (UTC).",
                                    },
                                    "count": {"type": "integer"},
                                    "changes": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Change"},
                                    },
                                    "more": {
                                        "type": "boolean",
                                        "description": "More changes wait: call `next` now.",
                                    },
                                    "next": {
                                        "type": "string",
                                        "format": "uri",
                                        "description": "The next page while `more`; else "
                                        "the next sync's request.",
                                    },
                                },
                            },
                            "A page of changes",
                        ),
                        "400": _ERROR,
                    },
                }
            },
            "/api/v1/partners/{id}": {
                "get": {
                    "operationId": "partnerDetail",
                    "summary": "One approved partner",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/PartnerDetail"}, "A partner"),
                        "404": _ERROR,
                    },
                }
            },
            "/api/v1/places": {
                "get": {
                    "operationId": "places",
                    "summary": "Towns and postcodes (offline gazetteer) and, when the server "
                    "has a geocoder, addresses",
                    "description": "Towns by name, accents and case ignored: exact names "
                    "first (also without their article, and common other names such as "
                    "Marseilles or Dunkirk), then names the query begins, then names within "
                    "a few typos, most populous first within each. Every homonym is "
                    'listed ("Saint-Pierre": La Réunion, Saint-Pierre-et-Miquelon, '
                    "Martinique and the mainland ones); a département or territory after "
                    'the name ("Saint-Denis 93", a place\'s `label`) picks one. A postcode '
                    "(or its first 2-4 digits) gives the towns it serves; the postcodes and "
                    "the names of the arrondissements of Paris, Lyon and Marseille (75020, "
                    '"Lyon 3e") give the arrondissement. `clear_match` is true on the '
                    "first place when it is clearly the one meant; otherwise a client asks "
                    "which one, and may send it back as `place`. At most 10 places, or "
                    "every homonym when more share the name.",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "description": "Not only spaces.",
                            "schema": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": PLACE_QUERY_MAX_LENGTH,
                                "pattern": PLACE_QUERY_PATTERN,
                            },
                        },
                        {
                            "name": "place",
                            "in": "query",
                            "required": False,
                            "description": "The id of the place chosen among the query's "
                            "places: the answer is that place alone. An id that is not "
                            "among them is ignored.",
                            "schema": {"type": "string", "pattern": PLACE_ID_PATTERN},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
                            "Matching places",
                        ),
                        "400": _ERROR,
                    },
                }
            },
            "/api/v1/partners/tiles/{z}/{x}/{y}.json": {
                "get": {
                    "operationId": "partnerTile",
                    "summary": "Approved partners in one slippy-map tile, for maps",
                    "description": "While the tile holds many partners, grid clusters "
                    "`[lat, lon, count]` (16 x 16 cells per tile, Web Mercator); once it holds "
                    "few, or from zoom 15, the partners `[id, lat, lon, kind, name]`. Cached "
                    "for 60 s, revalidated with its ETag.",
                    "parameters": [
                        {
                            "name": name,
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                        for name in ("z", "x", "y")
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "clusters": {"type": "array", "items": {"type": "array"}},
                                    "points": {"type": "array", "items": {"type": "array"}},
                                },
                            },
                            "Clusters or partners",
                        ),
                        "304": {"description": "Unchanged since the ETag sent"},
                        "404": {"description": "No such tile (z above 18, x or y out of range)"},
                    },
                }
            },
            **{
                f"/donnees/{name}": {
                    "get": {
                        "operationId": operation,
                        "summary": summary,
                        "description": "Every approved partner, public fields only, as "
                        "described by /donnees/schema.json (Table Schema); written once a "
                        "day. Licence Ouverte 2.0 (Etalab). Served gzip-compressed when "
                        "accepted; revalidate with `If-None-Match` or `If-Modified-Since`.",
                        "responses": {
                            "200": {
                                "description": "The file",
                                "headers": {
                                    "ETag": {"schema": {"type": "string"}},
                                    "Last-Modified": {"schema": {"type": "string"}},
                                },
                                "content": {content_type: {"schema": schema}},
                            },
                            "304": {"description": "Not modified"},
                            "404": {
                                "description": "Not written yet (a new server): retry later",
                                "content": {"text/plain": {"schema": {"type": "string"}}},
                            },
                        },
                    }
                }
                for name, operation, summary, content_type, schema in (
                    (
                        opendata.CSV_NAME,
                        "openDataCsv",
                        "The daily open-data file, CSV (UTF-8, comma)",
                        "text/csv",
                        {"type": "string"},
                    ),
                    (
                        opendata.GEOJSON_NAME,
                        "openDataGeojson",
                        "The daily open-data file, GeoJSON FeatureCollection",
                        "application/geo+json",
                        {
                            "type": "object",
                            "required": ["type", "features"],
                            "properties": {
                                "type": {"const": "FeatureCollection"},
                                "features": {"type": "array"},
                            },
                        },
                    ),
                )
            },
            "/donnees/schema.json": {
                "get": {
                    "operationId": "openDataSchema",
                    "summary": "The open-data files' Table Schema (schema.data.gouv.fr's format)",
                    "responses": {
                        "200": _json({"type": "object"}, "Table Schema"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
        },
        "components": {
            "schemas": {
                "Partner": {
                    "type": "object",
                    "required": list(PARTNER_PROPERTIES),
                    "properties": PARTNER_PROPERTIES,
                },
                "NearPartner": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Partner"},
                        {
                            "type": "object",
                            "required": list(NEAREST_PROPERTIES),
                            "properties": NEAREST_PROPERTIES,
                        },
                    ]
                },
                "Territory": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "enum": list(TERRITORIES),
                            "description": "`metropole` (mainland France and Corsica), or "
                            "the overseas département or collectivity code (`971`…`988`).",
                        },
                        "name": {"type": "string", "description": "In the request's language."},
                    },
                },
                "Helpline": {
                    "type": "object",
                    "required": ["number", "href", "label", "sms", "urgent", "hours"],
                    "properties": {
                        "number": {
                            "type": "string",
                            "description": "As shown and dialled locally (`17`, `116 006`).",
                        },
                        "href": {
                            "type": "string",
                            "description": "A `tel:` or `sms:` link, digits only.",
                        },
                        "label": {"type": "string", "description": "In the request's language."},
                        "sms": {"type": "boolean", "description": "Texted, not called."},
                        "urgent": {"type": "boolean", "description": "For immediate danger."},
                        "hours": {
                            "type": "string",
                            "description": "When it answers, if not round the clock; else empty.",
                        },
                    },
                },
                "NextOpen": {
                    "type": "object",
                    "required": ["opens_at", "partner"],
                    "properties": {
                        "opens_at": {
                            "type": "string",
                            "format": "date-time",
                            "description": "When it opens: venue-local time with its offset.",
                        },
                        "partner": {"$ref": "#/components/schemas/NearPartner"},
                    },
                },
                "PartnerDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Partner"},
                        {
                            "type": "object",
                            "required": list(DETAIL_PROPERTIES),
                            "properties": DETAIL_PROPERTIES,
                        },
                    ]
                },
                "OpenDataPartner": {
                    "type": "object",
                    "description": "A partner as the open-data files describe it "
                    "(/donnees/schema.json).",
                    "required": list(OPEN_DATA_PROPERTIES),
                    "properties": OPEN_DATA_PROPERTIES,
                },
                "Change": {
                    "type": "object",
                    "required": ["id", "change", "partner"],
                    "properties": {
                        "id": {"type": "integer"},
                        "change": {"type": "string", "enum": ["added", "changed", "removed"]},
                        "partner": {
                            "description": "The partner as it is now; null when removed.",
                            "oneOf": [
                                {"$ref": "#/components/schemas/OpenDataPartner"},
                                {"type": "null"},
                            ],
                        },
                    },
                },
                "FeatureCollection": {
                    "type": "object",
                    "properties": {
                        "type": {"const": "FeatureCollection"},
                        "features": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "type": {"const": "Feature"},
                                    "id": {"type": "integer"},
                                    "geometry": {
                                        "type": "object",
                                        "description": "Point, [lon, lat]",
                                    },
                                    "properties": MAP_SCHEMA,
                                },
                            },
                        },
                    },
                },
                "Place": {
                    "type": "object",
                    "required": [
                        "id",
                        "label",
                        "territory",
                        "name",
                        "postcodes",
                        "department",
                        "lat",
                        "lon",
                        "clear_match",
                    ],
                    "properties": {
                        "id": {
                            "type": ["string", "null"],
                            "description": "Stable: the commune's INSEE code, or the "
                            "arrondissement municipal's (75120); null for an address "
                            "found by the server's geocoder",
                        },
                        "label": {
                            "type": "string",
                            "description": "The name and its département or territory, "
                            "in the response's language: \"Saint-Denis (Seine-Saint-Denis, "
                            '93)", "Saint-Pierre (Saint-Pierre-et-Miquelon)"',
                        },
                        "territory": {
                            "type": ["string", "null"],
                            "description": "The territory's code: metropole (mainland "
                            "France and Corsica), 971…978, 986, 987, 988",
                        },
                        "clear_match": {
                            "type": "boolean",
                            "description": "True on the first place when it is clearly "
                            "the one meant (one town of that name, a postcode, an "
                            "arrondissement, a qualified name, a chosen place)",
                        },
                        "name": {"type": "string"},
                        "postcodes": {"type": "array", "items": {"type": "string"}},
                        "department": {"type": "string"},
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "TooMany": {
                    "type": "object",
                    "required": ["error", "open_data", "tiles", "changes"],
                    "properties": {
                        "error": {"type": "string"},
                        "open_data": {"type": "string", "format": "uri"},
                        "tiles": {"type": "string"},
                        "changes": {"type": "string", "format": "uri"},
                    },
                },
            },
            "responses": {
                "Error": _json({"$ref": "#/components/schemas/Error"}, "A bad request"),
            },
        },
    }
