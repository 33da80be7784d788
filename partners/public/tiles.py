"""The home map's data: approved partners by slippy-map tile, grouped on a grid until few.

The map never downloads every partner. It asks for the tiles that cover its viewport,
two zoom levels above its own, so that one tile spans 1024 screen pixels and a grid
cell 64. A tile answers grid clusters ``[lat, lon, count]`` while it holds many
partners, and the partners themselves ``[id, lat, lon, kind, name]`` once it holds
few or the zoom is close. Cells are aligned on the tile, so every partner belongs to
exactly one cell of one tile and the counts add up.

Tiles are cached in Django's cache and by browsers and proxies (ETag), keyed by the
public data version: a change to any approved partner, or to who is approved, gives
every tile a new key. The old keys expire after ``PUBLIC_CACHE_TTL``.
"""

import hashlib
import json
import math

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from partners.models import Status
from partners.public.search import public_version

MAX_ZOOM = 18
GRID = 16
# From this tile zoom on (map zoom 17), or at this many partners or fewer, a tile
# lists its partners rather than clusters.
POINT_ZOOM = 15
POINT_LIMIT = 200
BROWSER_MAX_AGE = 60

# A range of the partial index ``partner_public_lonlat_idx``: the clusters are counted
# from the index alone, without reading the partners' rows.
_IN_TILE = """
  FROM partners_partner
  WHERE status = %(approved)s
    AND longitude >= %(w)s AND longitude < %(e)s AND latitude >= %(s)s AND latitude < %(n)s
"""
_CLUSTERS_SQL = (
    "SELECT avg(latitude), avg(longitude), count(*)"
    + _IN_TILE
    + "GROUP BY width_bucket(longitude, %(w)s, %(e)s, %(grid)s), width_bucket(latitude, %(rows)s)"
)
_POINTS_SQL = "SELECT id, latitude, longitude, kind, name" + _IN_TILE + "ORDER BY id"


def _latitude(y: float, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**z))))


def _longitude(x: float, z: int) -> float:
    return x / 2**z * 360 - 180


def tile_data(z: int, x: int, y: int) -> dict:
    params = {
        "approved": Status.APPROVED,
        "w": _longitude(x, z),
        "e": _longitude(x + 1, z),
        "n": _latitude(y, z),
        "s": _latitude(y + 1, z),
        "grid": GRID,
        # Cell rows follow the Web Mercator projection, so cells are square on screen.
        "rows": [_latitude(y + 1 - i / GRID, z) for i in range(GRID + 1)],
    }
    with connection.cursor() as cursor:
        if z < POINT_ZOOM:
            cursor.execute(_CLUSTERS_SQL, params)
            clusters = cursor.fetchall()
            if sum(count for _lat, _lon, count in clusters) > POINT_LIMIT:
                return {
                    "clusters": [
                        [round(lat, 5), round(lon, 5), count] for lat, lon, count in clusters
                    ]
                }
        cursor.execute(_POINTS_SQL, params)
        points = cursor.fetchall()
    return {
        "points": [
            [pk, round(lat, 5), round(lon, 5), kind, name] for pk, lat, lon, kind, name in points
        ]
    }


def _is_tile(z: int, x: int, y: int) -> bool:
    # z first: 2**z of a huge z would never finish.
    return z <= MAX_ZOOM and x < 2**z and y < 2**z


def _tile_etag(request, z: int, x: int, y: int) -> str | None:
    if not _is_tile(z, x, y):
        return None
    return hashlib.blake2b(public_version().encode(), digest_size=8).hexdigest()


@require_GET
@gzip_page
@cache_control(public=True, max_age=BROWSER_MAX_AGE)
@condition(etag_func=_tile_etag)
def partner_tile(request, z: int, x: int, y: int):
    etag = _tile_etag(request, z, x, y)
    if etag is None:
        raise Http404
    key = f"partners:tile:{etag}:{z}:{x}:{y}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(tile_data(z, x, y), ensure_ascii=False, separators=(",", ":"))
        cache.set(key, body, settings.PUBLIC_CACHE_TTL)
    return HttpResponse(body, content_type="application/json")
