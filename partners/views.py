from django.conf import settings
from django.shortcuts import render
from django.views.generic import DetailView

from partners import territories
from partners.models import Partner


def home(request):
    map_config = {
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "territories": {
            code: {"name": str(t.name), "centre": t.centre, "zoom": t.zoom}
            for code, t in territories.TERRITORIES.items()
        },
    }
    return render(request, "partners/home.html", {"map_config": map_config})


class PartnerDetailView(DetailView):
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return (
            Partner.objects.public().select_related("charter").prefetch_related("opening_intervals")
        )
