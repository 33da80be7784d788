"""The public, read-only API: approved partners and public fields only.

Documented in ``partners/public/openapi.py`` (served at /api/v1/openapi.json). Searched
positions and queries are never logged or stored.
"""

import functools
import gzip
import json
import os
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gazetteer import places
from partners.domain import helplines
from partners.models import Partner
from partners.public import openapi, opendata, search
from partners.public.fields import MAP_FIELDS, MAP_PROPERTIES, Shown

CORS_REQUEST_HEADERS = "If-None-Match, If-Modified-Since, Accept-Language"


def api_view(view):
    """GET and HEAD (and CORS preflights), open to every origin: the data is public.
    Labels, errors and page links follow the client's Accept-Language (French by default).
    Any other method gets 405 with ``Allow``: the API takes no cookie, so it has no use
    for CSRF protection, whose 403 page would answer a POST first."""

    @functools.wraps(view)
    @csrf_exempt
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            # The preflight of a cross-origin request that revalidates or picks a language.
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
            response["Access-Control-Max-Age"] = "86400"
            return response
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        return response

    return wrapper


def json_response(data, status: int = 200) -> JsonResponse:
    # UTF-8 rather than \u escapes: smaller, and readable by people and greps alike.
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(message: str, status: int = 400) -> JsonResponse:
    return json_response({"error": message}, status=status)


def public_points():
    return (
        Partner.objects.public()
        .values_list(*(field.name for field in MAP_FIELDS), "longitude", "latitude")
        .order_by("id")
    )


def _geojson_gzipped() -> bytes:
    features = [
        {
            "type": "Feature",
            "id": row[0],
            "geometry": {"type": "Point", "coordinates": [round(row[-2], 6), round(row[-1], 6)]},
            "properties": {
                field.name: value for field, value in zip(MAP_PROPERTIES, row[1:-2], strict=True)
            },
        }
        for row in public_points()
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return gzip.compress(body, compresslevel=6, mtime=0)


@api_view
def partners_geojson(request):
    count = search.public_state()[0]
    if count > settings.GEOJSON_MAX_PARTNERS:
        return _too_many_for_one_answer(request, count)
    # The version names one exact body: strong ETags, and a cache that never goes stale.
    tag = search.public_version()
    last_modified = search.public_state()[1]
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = f'"{tag}-gz"' if use_gzip else f'"{tag}"'
    last_modified_ts = int(last_modified.timestamp())

    response = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if response is None:
        key = f"partners.geojson.gz:{tag}"
        compressed = cache.get(key)
        if compressed is None:
            compressed = _geojson_gzipped()
            cache.set(key, compressed, settings.PUBLIC_CACHE_TTL)
        response = HttpResponse(compressed if use_gzip else gzip.decompress(compressed))
        response["Content-Type"] = "application/geo+json"
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified_ts)
    response["Cache-Control"] = "public, max-age=60"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _too_many_for_one_answer(request, count: int) -> JsonResponse:
    """303 See Other to the daily open-data GeoJSON, saying why and what else serves."""
    daily = request.build_absolute_uri(reverse("api:open_data_geojson"))
    response = json_response(
        {
            "error": _(
                "The network counts %(count)s partners: too many for one answer. The full "
                "list is published every day as open data; the map reads it by tiles, and "
                "the change feed gives what changed since a date."
            )
            % {"count": f"{count:,}".replace(",", " ")},
            "open_data": daily,
            "tiles": request.build_absolute_uri("/api/v1/partners/tiles/{z}/{x}/{y}.json"),
            "changes": request.build_absolute_uri(reverse("api:partners_changes")),
        },
        status=303,
    )
    response["Location"] = daily
    return response


@api_view
def partners_nearest(request):
    """The nearest approved partners within reach (its answers are kept a minute at most:
    partners/public/answers.py)."""
    params, problem = search.NearestForm.parse(request.GET)
    if problem:
        return error(problem)
    now = timezone.now()
    reach = search.Reach(params["lon"], params["lat"], params["max_km"] or search.MAX_KM)
    filters = {"kind": params["kind"], "step_free": params["step_free"], "now": now}
    rows = search.nearest(
        reach,
        open_now=params["open_now"],
        **filters,
        limit=params["limit"] or search.DEFAULT_LIMIT,
    )
    urls = search.DetailUrls(request)
    results = [search.public_data(row, now=now, urls=urls) for row in rows]
    territory = reach.territory
    next_open = None
    if params["open_now"] and not rows and (row := search.next_open(reach, **filters)):
        partner = search.public_data(row, now=now, urls=urls)
        next_open = {"opens_at": partner["next_change"], "partner": partner}
    message = None
    if not results:
        filtered = bool(params["kind"] or params["step_free"])
        message = search.nothing_within_reach(reach, open_now=params["open_now"], filtered=filtered)
    return json_response(
        {
            "count": len(results),
            "results": results,
            "territory": territory and {"code": territory.code, "name": str(territory.name)},
            "max_km": reach.km,
            "message": message,
            "next_open": next_open,
            "helplines": [
                helplines.as_data(line)
                for line in (helplines.for_territory(territory.code) if territory else ())
            ],
        }
    )


@api_view
def partners_changes(request):
    params, problem = opendata.ChangesForm.parse(request.GET)
    if problem:
        return error(problem)
    # The pages' addresses on SITE_URL, as in the daily files: the feed's entries are
    # the files' rows, whichever host was asked.
    page = opendata.changes(params, now=timezone.now(), urls=search.DetailUrls())
    following = urlencode(page.pop("following"))
    page["next"] = request.build_absolute_uri(f"{request.path}?{following}")
    return json_response(page)


@api_view
def partner_detail(request, pk):
    now = timezone.now()
    row = search.detail_row(pk, now=now)
    if row is None:
        return error(_("No approved partner has this id."), status=404)
    return json_response(
        search.public_data(row, now=now, urls=search.DetailUrls(request), shown=Shown.DETAIL)
    )


@api_view
def places_search(request):
    # As the document says: at most 200 characters as sent, and not only spaces.
    query = request.GET.get("q", "")
    if len(query) > search.PLACE_QUERY_MAX_LENGTH:
        return error(_("q: at most 200 characters."))
    if not re.search(search.PLACE_QUERY_PATTERN, query):
        return error(_("q: give a town, a postcode or an address."))
    place = request.GET.get("place", "")
    if place and not re.fullmatch(places.PLACE_ID_PATTERN, place):
        return error(_("place: the id of one of the places found, such as 75056 or 2A004."))
    return json_response(places.pick(query.strip(), place).as_list())


@api_view
def not_found(request, unknown):
    return error(_("No such address in the API: see /api/v1/openapi.json."), status=404)


@api_view
def openapi_document(request):
    return json_response(openapi.document(request))


# The open-data files, written daily by ``manage.py export_open_data``: streamed from
# disk (a 240 MB file at 1,000,000 partners never sits in a worker's memory), gzip when
# the client takes it. The ETag and Last-Modified are those of the file opened: a new
# file (renamed into place) gets new ones, a download in progress keeps reading the old.
OPEN_DATA_MAX_AGE = 3600


def _open_data_file(request, name: str):
    use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    path = settings.OPEN_DATA_DIR / (f"{name}.gz" if use_gzip else name)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        # Before the first export on a new server: not there yet, said plainly.
        response = HttpResponse(
            _("The open-data files are being prepared: come back in an hour."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(OPEN_DATA_MAX_AGE)
        return response
    status = os.fstat(handle.fileno())
    etag = f'"{status.st_mtime_ns:x}-{status.st_size:x}"'
    last_modified = int(status.st_mtime)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = FileResponse(handle, content_type=opendata.CONTENT_TYPES[name])
        response["Content-Disposition"] = f'inline; filename="{name}"'
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    else:
        handle.close()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={OPEN_DATA_MAX_AGE}"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@api_view
def open_data_csv(request):
    return _open_data_file(request, opendata.CSV_NAME)


@api_view
def open_data_geojson(request):
    return _open_data_file(request, opendata.GEOJSON_NAME)


@api_view
def open_data_schema(request):
    return json_response(opendata.table_schema())
