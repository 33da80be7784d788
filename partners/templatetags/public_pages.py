from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats
from django.utils.translation import get_language, get_language_info, gettext

from partners.domain import helplines as helpline_table
from partners.domain import territories
from partners.domain.territories import MAINLAND
from partners.public import fields, wording
from sms.gateways import public_number

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every other language: plain links, so no cookie is set.
    Each language is named in itself ("English", "français"): its readers look for that."""
    path = context["request"].get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
        }
        for code, _name in settings.LANGUAGES
        if code != get_language()
    ]


@register.simple_tag
def quick_exit_url() -> str:
    """The neutral site the quick exit opens. A tag rather than a context variable: the
    error pages render without context processors (the 500 page without any context)."""
    return settings.QUICK_EXIT_URL


@register.filter
def distance(metres: float) -> str:
    if metres < 1000:
        return gettext("%(metres)s m") % {"metres": int(round(metres, -1))}
    return gettext("%(km)s km") % {"km": formats.number_format(metres / 1000, 1)}


@register.simple_tag
def helplines(territory: str = ""):
    """The numbers to show for a territory code; the mainland's when there is none (error
    pages, pages about no place in particular)."""
    return helpline_table.for_territory(territory or MAINLAND)


@register.simple_tag
def helplines_everywhere():
    """Every territory with its numbers, the mainland first (the help page)."""
    return [(t, helpline_table.for_territory(t.code)) for t in territories.TERRITORIES.values()]


@register.filter
def opening(partner) -> str:
    """Its opening state in words; the view set ``open_now``, ``next_change`` and
    ``change_in_days`` (``views._with_opening_state``)."""
    return wording.opening(
        open_now=partner.open_now, next_change=partner.next_change, days=partner.change_in_days
    )


@register.filter
def closure(closure) -> str:
    """A ``Closure`` in words: "Fermé du 24 au 26 décembre (congés)"."""
    return wording.closure(closure.starts, closure.ends, closure.reason)


@register.filter
def time_name(zone: str) -> str:
    return territories.time_name(zone)


@register.filter
def overseas_time(zone: str) -> str:
    """The time of an overseas place in words; empty for mainland's, which needs no note."""
    return "" if zone == territories.MAINLAND_ZONE else territories.time_name(zone)


@register.filter
def near(place: str) -> str:
    return wording.near(place)


@register.filter
def phone_display(partner) -> str:
    """The partner's public phone as dialled in its territory (``fields.phone_display``)."""
    return fields.phone_display(partner.phone.as_e164, partner.department)


@register.filter
def walking_minutes(metres: float) -> int | None:
    """The walking estimate the API gives too (``fields.walking_minutes``)."""
    return fields.walking_minutes(metres)


@register.simple_tag
def sms_number():
    """FLAG!'s SMS number when the SMS service answers it (``sms.gateways.public_number``)."""
    return public_number()
