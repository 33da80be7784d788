"""The public, read-only API: approved partners and public fields only."""

import json

from django.db.models import F, FloatField, Func
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from partners.models import Partner

# Every field a public output may carry; the contact person is never among them.
PUBLIC_FIELDS = ("id", "name", "kind", "city", "postcode", "department")


class _Coordinate(Func):
    template = "ST_%(axis)s(%(expressions)s::geometry)"
    output_field = FloatField()


def public_points():
    return (
        Partner.objects.public()
        .annotate(
            lon=_Coordinate(F("location"), axis="X"), lat=_Coordinate(F("location"), axis="Y")
        )
        .values_list(*PUBLIC_FIELDS, "lon", "lat")
        .order_by("id")
    )


@require_GET
def partners_geojson(request):
    features = [
        {
            "type": "Feature",
            "id": row[0],
            "geometry": {"type": "Point", "coordinates": [round(row[-2], 6), round(row[-1], 6)]},
            "properties": dict(zip(PUBLIC_FIELDS[1:], row[1:-2], strict=True)),
        }
        for row in public_points()
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return HttpResponse(body, content_type="application/geo+json")
