from django.shortcuts import render
from django.views.generic import DetailView

from partners import territories
from partners.maps import home_map_config
from partners.models import KindGroup, Partner


def home(request):
    return render(
        request,
        "partners/home.html",
        {
            "map_config": home_map_config(),
            "territories": territories.TERRITORIES.values(),
            "kind_groups": KindGroup.choices,
        },
    )


class PartnerDetailView(DetailView):
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return (
            Partner.objects.public().select_related("charter").prefetch_related("opening_intervals")
        )
