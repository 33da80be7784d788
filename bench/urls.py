"""The app's URLconf, and after it the raw KNN query answered by Django.

That answer is the floor under any nearest search served by this stack: the same HTTP
server, the same workers, every middleware and the same database connection, and a view
that does nothing but run the bench's raw query and send its rows. The nearest API then
does more: the filters, the exact ranking, the opening hours, the public fields.
"""

from django.db import connections, router
from django.http import JsonResponse
from django.urls import path

from bench.measures import RAW_NEAREST_PATH, RAW_NEAREST_SQL
from enlieusur.urls import urlpatterns as app_urlpatterns
from partners.models import Partner


def raw_nearest(request):
    point = {"lat": float(request.GET["lat"]), "lon": float(request.GET["lon"])}
    with connections[router.db_for_read(Partner)].cursor() as cursor:
        cursor.execute(RAW_NEAREST_SQL, point)
        rows = cursor.fetchall()
    return JsonResponse({"results": rows})


# Last: the app's own addresses resolve exactly as in production.
urlpatterns = [*app_urlpatterns, path(RAW_NEAREST_PATH.lstrip("/"), raw_nearest)]
