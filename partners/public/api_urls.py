from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from partners.public import api, tiles

app_name = "api"

urlpatterns = [
    path("api/v1/partners.geojson", api.partners_geojson, name="partners_geojson"),
    path("api/v1/partners/nearest", api.partners_nearest, name="partners_nearest"),
    path("api/v1/partners/changes", api.partners_changes, name="partners_changes"),
    path("api/v1/partners/<int:pk>", api.partner_detail, name="partner_detail"),
    path("api/v1/places", api.places_search, name="places"),
    path("api/v1/openapi.json", api.openapi_document, name="openapi"),
    # The open data (README, "Open data"): daily files, their schema, the change feed.
    path("donnees/lieux-surs.csv", api.open_data_csv, name="open_data_csv"),
    path("donnees/lieux-surs.geojson", api.open_data_geojson, name="open_data_geojson"),
    path("donnees/schema.json", api.open_data_schema, name="open_data_schema"),
    # Exempt like every API view (``api.api_view``): another method gets 405, not the CSRF page.
    path(
        "api/v1/partners/tiles/<int:z>/<int:x>/<int:y>.json",
        csrf_exempt(tiles.partner_tile),
        name="tile",
    ),
    # Last: any other /api/v1/ address is a JSON 404, not an HTML page; a line feed in the
    # path too (`<path:…>` stops at one).
    re_path(r"^api/v1/(?P<unknown>(?s:.+))$", api.not_found, name="not_found"),
]
