"""What the maps' scripts need from the server: tiles, URLs, territories, labels, messages.

Passed to the page as a JSON script element (no inline script); every string a
visitor reads goes through gettext here, so the script carries no French or English.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.domain import helplines, territories
from partners.models import Kind
from partners.public import wording


def _plural(message) -> dict:
    # Keyed by Intl.PluralRules categories, which the script picks from; French and
    # English both have "one" and "other".
    return {"one": message(1), "other": message(2)}


def base_map_config() -> dict:
    """What every map of the site shares: the tiles and the mainland view (the admin's map
    reads the same settings through ``LEAFLET_CONFIG``)."""
    mainland = territories.TERRITORIES[territories.MAINLAND]
    return {
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "maxZoom": settings.TILE_MAX_ZOOM,
        "centre": mainland.centre,
        "zoom": mainland.zoom,
        "markerIcon": marker_icon(),
    }


def marker_icon() -> dict:
    """Leaflet's default marker (a partner on the map, a venue's pin, the admin's location
    widget) by its served names: Leaflet guesses the images' folder from its CSS, which
    fails once collectstatic has hashed the names (production), and the marker showed
    broken. Given to ``L.Icon.Default.mergeOptions`` with ``imagePath`` emptied."""
    return {
        "iconUrl": static("leaflet/images/marker-icon.png"),
        "iconRetinaUrl": static("leaflet/images/marker-icon-2x.png"),
        "shadowUrl": static("leaflet/images/marker-shadow.png"),
    }


def place_search_config() -> dict:
    """What the town field's suggestions (``static/partners/place-combobox.js``) need, on
    the home page and the list page."""
    return {
        "placesUrl": reverse("api:places"),
        "listUrl": reverse("partners:list"),
        "messages": {
            "suggestionsLabel": _("Suggested places"),
            "suggestions": _plural(
                lambda n: ngettext(
                    "%(count)s suggestion: choose with the up and down arrows.",
                    "%(count)s suggestions: choose with the up and down arrows.",
                    n,
                )
            ),
            "noSuggestion": _("No suggestion."),
            "choose": _plural(lambda n: choose_place_message(n)),
        },
    }


def choose_place_message(count: int) -> str:
    """The sentence over the places a search matched when none is clearly the one meant
    (the list page says it too)."""
    return ngettext(
        "Is this the place you mean by “%(query)s”?",
        "Several places match “%(query)s”: choose one",
        count,
    )


def home_map_config() -> dict:
    tile = reverse("api:tile", kwargs={"z": 0, "x": 0, "y": 0})
    detail = reverse("partners:detail", args=[0])
    return {
        **base_map_config(),
        "dataTileUrl": tile.removesuffix("0/0/0.json") + "{z}/{x}/{y}.json",
        "detailUrl": detail.removesuffix("0/") + "{id}/",
        "nearestUrl": reverse("api:partners_nearest"),
        "detailApiUrl": reverse("api:partner_detail", args=[0]).removesuffix("0") + "{id}",
        "placesUrl": reverse("api:places"),
        "mainland": territories.MAINLAND,
        "territories": {
            code: {"name": str(t.name), "centre": t.centre, "zoom": t.zoom}
            for code, t in territories.TERRITORIES.items()
        },
        "kinds": {kind.value: str(kind.label) for kind in Kind},
        "numbers": helplines.as_config(),
        "nearRules": wording.near_rules(),
        "weekdayDaysAhead": wording.WEEKDAY_DAYS_AHEAD,
        "mainlandZone": territories.MAINLAND_ZONE,
        "timeNames": {
            t.timezone: str(territories.time_name(t.timezone))
            for t in territories.TERRITORIES.values()
        },
        "messages": {
            "locating": _("Finding your position…"),
            "searching": _("Searching…"),
            "geolocationUnavailable": _(
                "Your position is not available. Search for a town or a postcode instead."
            ),
            "placeNotFound": _("No town or postcode matches “%(query)s”."),
            "failed": _("The search failed. Check your connection and try again."),
            # Translators: %(near)s is "near Lyon", "near your position".
            "results": _plural(
                lambda n: ngettext(
                    "%(count)s safe place %(near)s.", "%(count)s safe places %(near)s.", n
                )
            ),
            "whatToDo": _("What to do now"),
            "inDanger": _("In danger? Call or text now:"),
            "sms": _("SMS"),
            "nextOpen": _("The nearest opens %(when)s: %(name)s, %(distance)s away."),
            "opensToday": _("at %(time)s"),
            "opensOn": _("%(day)s at %(time)s"),
            "opensOnDate": _("on %(date)s at %(time)s"),
            "yourPosition": _("your position"),
            # A position from a shared link: the sender's, not the reader's.
            "positionGiven": _("the position given"),
            "yourPositionMarker": _("Your approximate position"),
            "cluster": _plural(
                lambda n: ngettext(
                    "%(count)s safe place here, zoom in", "%(count)s safe places here, zoom in", n
                )
            ),
            **wording.opening_messages(),
            "stepFree": _("Step-free access"),
            "call": _("Call %(phone)s"),
            "directions": _("Directions"),
            "walking": _("about %(minutes)s min on foot"),
            "details": _("Details"),
            "away": _("%(distance)s away"),
            # Kept on the phone, shown offline (README, "Installing the site").
            # Translators: %(date)s is "29 November 2026 at 20:48".
            "offlineTitle": _("Offline — places kept on %(date)s"),
            "offlineOld": _(
                "This list is more than 7 days old: places and opening hours may have changed."
            ),
            "offlineNothing": _("Offline, and no place is kept on this phone yet."),
            # Translators: %(near)s is "near Lyon", "near your position".
            "keptNear": _("Places %(near)s, kept on %(date)s"),
            "keptTown": _plural(
                lambda n: ngettext(
                    "%(count)s safe place %(near)s kept on this phone.",
                    "%(count)s safe places %(near)s kept on this phone.",
                    n,
                )
            ),
            "keepFailed": _("These places could not be kept. Check your connection and try again."),
        },
    }
