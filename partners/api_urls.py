from django.urls import path

from partners import api

app_name = "api"

urlpatterns = [
    path("api/v1/partners.geojson", api.partners_geojson, name="partners_geojson"),
]
