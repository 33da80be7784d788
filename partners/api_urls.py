from django.urls import path

from partners import api, tiles

app_name = "api"

urlpatterns = [
    path("api/v1/partners.geojson", api.partners_geojson, name="partners_geojson"),
    path("api/v1/partners/nearest", api.partners_nearest, name="partners_nearest"),
    path("api/v1/partners/<int:pk>", api.partner_detail, name="partner_detail"),
    path("api/v1/places", api.places_search, name="places"),
    path("api/v1/openapi.json", api.openapi_document, name="openapi"),
    path("api/v1/partners/tiles/<int:z>/<int:x>/<int:y>.json", tiles.partner_tile, name="tile"),
]
