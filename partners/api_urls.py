from django.urls import path

from partners import api

app_name = "api"

urlpatterns = [
    path("api/v1/partners.geojson", api.partners_geojson, name="partners_geojson"),
    path("api/v1/partners/nearest", api.partners_nearest, name="partners_nearest"),
    path("api/v1/partners/<int:pk>", api.partner_detail, name="partner_detail"),
    path("api/v1/places", api.places_search, name="places"),
    path("api/v1/openapi.json", api.openapi_document, name="openapi"),
]
