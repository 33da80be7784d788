from django import template

from partners.public import maps
from partners.staff import wording

register = template.Library()


@register.filter
def duration(delta) -> str:
    """A timedelta in words ("2 jours"), for the admin's pages."""
    return wording.duration(delta)


@register.simple_tag
def leaflet_marker_icon() -> dict:
    """Leaflet's default marker by its served names, for the admin's location widget."""
    return maps.marker_icon()
