from django.urls import path

from partners import api, tiles

app_name = "api"

urlpatterns = [
    path("api/v1/partners.geojson", api.partners_geojson, name="partners_geojson"),
    path("api/v1/partners/tiles/<int:z>/<int:x>/<int:y>.json", tiles.partner_tile, name="tile"),
]
