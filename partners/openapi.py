"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json.

Written by hand and kept next to the views; ``tests/test_api.py`` checks that every
API route is described and that the documented fields are the ones served."""

_ERROR = {"$ref": "#/components/responses/Error"}
_NULLABLE_STRING = {"type": ["string", "null"]}

PARTNER_PROPERTIES = {
    "id": {"type": "integer"},
    "name": {"type": "string"},
    "kind": {"type": "string", "description": "A kind of place, e.g. `library`, `pharmacy`."},
    "kind_label": {"type": "string", "description": "The kind, in the request's language."},
    "group": {
        "type": "string",
        "enum": ["public", "business", "association", "school", "other"],
    },
    "address": {"type": "string"},
    "postcode": {"type": "string"},
    "city": {"type": "string"},
    "department": {"type": "string", "description": "Département or collectivity code."},
    "lat": {"type": "number"},
    "lon": {"type": "number"},
    "phone": {**_NULLABLE_STRING, "description": "Public phone, E.164 (`+33…`)."},
    "website": _NULLABLE_STRING,
    "step_free": {"type": "boolean"},
    "open_now": {"type": "boolean", "description": "Computed in the venue's time zone."},
    "next_change": {
        **_NULLABLE_STRING,
        "format": "date-time",
        "description": "When the venue next opens or closes (venue-local time with its "
        "offset), within a week; null if it does not change.",
    },
    "time_zone": {"type": "string", "description": "IANA time zone, e.g. `Pacific/Noumea`."},
    "url": {"type": "string", "format": "uri", "description": "The partner's public page."},
    "sticker_number": {"type": "string", "description": "Checkable at `/verif/<number>/`."},
}
DETAIL_PROPERTIES = {
    "email": _NULLABLE_STRING,
    "accessibility_note": {"type": "string"},
    "languages": {"type": "array", "items": {"type": "string"}},
    "welcome_note": {"type": "string"},
    "opening_hours": {
        "type": "array",
        "description": "Venue-local times; `closes` earlier than `opens` runs past midnight.",
        "items": {
            "type": "object",
            "required": ["weekday", "opens", "closes"],
            "properties": {
                "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                "opens": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"},
                "closes": {"type": "string", "pattern": "^\\d{2}:\\d{2}$"},
            },
        },
    },
    "charter_version": {"type": ["integer", "null"]},
}


def _boolean_parameter(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": ["1", "0", "true", "false"], "default": "0"},
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
            "on the WGS84 spheroid. Searched positions are neither logged nor stored.",
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
                        "304": {"description": "Not modified"},
                    },
                }
            },
            "/api/v1/partners/nearest": {
                "get": {
                    "operationId": "partnersNearest",
                    "summary": "The approved partners nearest to a point, nearest first",
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
                                "maximum": 50,
                                "default": 10,
                            },
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "required": False,
                            "description": "A kind (`pharmacy`…) or a group "
                            "(`public`, `business`, `association`, `school`, `other`).",
                            "schema": {"type": "string"},
                        },
                        _boolean_parameter("open_now", "Only partners open now."),
                        _boolean_parameter("step_free", "Only partners with step-free access."),
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["count", "results"],
                                "properties": {
                                    "count": {"type": "integer"},
                                    "results": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/NearPartner"},
                                    },
                                },
                            },
                            "The partners, nearest first",
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
                    "description": "Town names match by prefix, accents and case ignored, most "
                    "populous first; a postcode (or its first 2-4 digits) gives the towns it "
                    "serves. At most 10 places.",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        }
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
                            "required": ["distance_m"],
                            "properties": {
                                "distance_m": {
                                    "type": "integer",
                                    "description": "Geodesic distance in metres.",
                                }
                            },
                        },
                    ]
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
                                    "properties": {
                                        "type": "object",
                                        "properties": {
                                            key: PARTNER_PROPERTIES[key]
                                            for key in ("name", "kind", "city", "postcode")
                                        }
                                        | {"department": PARTNER_PROPERTIES["department"]},
                                    },
                                },
                            },
                        },
                    },
                },
                "Place": {
                    "type": "object",
                    "required": ["name", "postcodes", "department", "lat", "lon"],
                    "properties": {
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
            },
            "responses": {
                "Error": _json({"$ref": "#/components/schemas/Error"}, "A bad request"),
            },
        },
    }
