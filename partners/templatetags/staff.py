from django import template

from partners.staff import wording

register = template.Library()


@register.filter
def duration(delta) -> str:
    """A timedelta in words ("2 jours"), for the admin's pages."""
    return wording.duration(delta)
