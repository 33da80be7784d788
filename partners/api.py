"""The public, read-only API: approved partners and public fields only.

Documented in ``partners/openapi.py`` (served at /api/v1/openapi.json). Searched
positions and queries are never logged or stored.
"""

import datetime
import functools
import gzip
import json

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db.models import Count, F, FloatField, Func, Max
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gazetteer import places
from partners import openapi, public
from partners.models import Partner

# The compact subset of ``public.public_data`` the map needs for every partner.
GEOJSON_FIELDS = ("id", "name", "kind", "city", "postcode", "department")
MAX_QUERY_LENGTH = 200
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def api_view(view):
    """GET (and HEAD) only, JSON errors, and open to every origin (CORS): the data is public."""

    @functools.wraps(view)
    @require_safe
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def json_response(data, status: int = 200) -> JsonResponse:
    # UTF-8 rather than \u escapes: smaller, and readable by people and greps alike.
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(message: str, status: int = 400) -> JsonResponse:
    return json_response({"error": message}, status=status)


class _Coordinate(Func):
    template = "ST_%(axis)s(%(expressions)s::geometry)"
    output_field = FloatField()


def public_points():
    return (
        Partner.objects.public()
        .annotate(
            lon=_Coordinate(F("location"), axis="X"), lat=_Coordinate(F("location"), axis="Y")
        )
        .values_list(*GEOJSON_FIELDS, "lon", "lat")
        .order_by("id")
    )


def _geojson_bodies() -> tuple[bytes, bytes]:
    features = [
        {
            "type": "Feature",
            "id": row[0],
            "geometry": {"type": "Point", "coordinates": [round(row[-2], 6), round(row[-1], 6)]},
            "properties": dict(zip(GEOJSON_FIELDS[1:], row[1:-2], strict=True)),
        }
        for row in public_points()
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return body, gzip.compress(body, compresslevel=6, mtime=0)


@api_view
def partners_geojson(request):
    # Any approval, edit or departure changes the count or the latest update time, so
    # the version names one exact body: strong ETags, and a cache that never goes stale.
    version = Partner.objects.public().aggregate(count=Count("id"), last=Max("updated_at"))
    last_modified = version["last"] or EPOCH
    tag = f"{version['count']}-{last_modified.timestamp():.6f}"
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = f'"{tag}-gz"' if use_gzip else f'"{tag}"'
    last_modified_ts = int(last_modified.timestamp())

    response = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if response is None:
        key = f"partners.geojson:{tag}"
        bodies = cache.get(key)
        if bodies is None:
            bodies = _geojson_bodies()
            cache.set(key, bodies, timeout=None)
        response = HttpResponse(bodies[1] if use_gzip else bodies[0])
        response["Content-Type"] = "application/geo+json"
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified_ts)
    response["Cache-Control"] = "public, max-age=60"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@api_view
def partners_nearest(request):
    form = public.NearestForm(request.GET)
    if not form.is_valid():
        return error(form.first_error())
    params = form.cleaned_data
    now = timezone.now()
    matching = public.matching(
        kind=params["kind"], open_now=params["open_now"], step_free=params["step_free"], now=now
    ).prefetch_related("opening_intervals")
    point = Point(params["lon"], params["lat"], srid=4326)
    results = [
        public.public_data(partner, now=now, request=request)
        for partner in public.nearest(
            matching, point, limit=params["limit"] or public.DEFAULT_LIMIT
        )
    ]
    return json_response({"count": len(results), "results": results})


@api_view
def partner_detail(request, pk):
    partner = (
        Partner.objects.public()
        .select_related("charter")
        .prefetch_related("opening_intervals")
        .filter(pk=pk)
        .first()
    )
    if partner is None:
        return error(_("No approved partner has this id."), status=404)
    return json_response(
        public.public_data(partner, now=timezone.now(), request=request, detail=True)
    )


@api_view
def places_search(request):
    query = request.GET.get("q", "").strip()
    if not query:
        return error(_("q: give a town, a postcode or an address."))
    if len(query) > MAX_QUERY_LENGTH:
        return error(_("q: at most 200 characters."))
    return json_response([place.as_dict() for place in places.search(query)])


@api_view
def openapi_document(request):
    return json_response(openapi.document(request))
