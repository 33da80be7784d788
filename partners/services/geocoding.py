"""Where a venue is when it did not place its pin itself: the online geocoder's point when
one is configured (``GEOCODER_URL``) and sure of it, else its town's.

The services that save a venue call this before their transaction, never a form: a form
checks what was typed, while the geocoder is a server outside our control (3 s timeout;
on failure, the town).
"""

from django.contrib.gis.geos import Point

from gazetteer import communes as gazetteer
from gazetteer import places
from partners.domain import territories
from partners.models import PinSource

# The partner's fields that ``locate`` reads.
LOCATED_BY = ("address", "postcode", "insee_code")


def town_centre(commune: gazetteer.Commune) -> Point:
    return Point(commune.lon, commune.lat, srid=4326)


def geocode(address: str, postcode: str, commune: gazetteer.Commune) -> tuple[Point, PinSource]:
    """The venue's point: the online geocoder's when configured and sure, else the town's;
    and which of the two it is (a town centre is an unconfirmed pin)."""
    town = (town_centre(commune), PinSource.TOWN)
    if not address:
        return town
    features = places.geocoder_features({"q": address, "postcode": postcode, "limit": 1})
    try:
        properties = features[0]["properties"]
        lon, lat = (float(c) for c in features[0]["geometry"]["coordinates"][:2])
        sure = (
            properties.get("postcode") == postcode
            and float(properties.get("score", 0)) >= 0.5
            and territories.containing(lat, lon) == territories.territory_of(commune.department)
        )
    except (IndexError, KeyError, TypeError, ValueError):
        sure = False
    return (Point(lon, lat, srid=4326), PinSource.GEOCODER) if sure else town


def commune_of(postcode: str, insee_code: str) -> gazetteer.Commune:
    communes = gazetteer.by_postcode(postcode)  # never empty: the form checked the postcode
    return next((c for c in communes if c.insee == insee_code), communes[0])


def is_town_centre(point: Point, *, postcode: str, insee_code: str) -> bool:
    """Whether ``point`` is the town's centre (to six decimals, as the form's script
    writes it): a pin the venue left where "place from the address" put it without a
    geocoder."""
    centre = town_centre(commune_of(postcode, insee_code))
    return round(point.x, 6) == round(centre.x, 6) and round(point.y, 6) == round(centre.y, 6)


def locate(*, address: str, postcode: str, insee_code: str) -> tuple[Point, PinSource]:
    """The point of a venue at ``address`` in the commune ``insee_code``, and its source."""
    return geocode(address, postcode, commune_of(postcode, insee_code))


def placed(*, location: Point | None, address: str, postcode: str, insee_code: str):
    """The venue's point and its source, from the form's pin when it set one (the venue's,
    unless it is exactly the town's centre) or from the address."""
    where = {"address": address, "postcode": postcode, "insee_code": insee_code}
    if location is None:
        return locate(**where)
    if is_town_centre(location, postcode=postcode, insee_code=insee_code):
        return location, PinSource.TOWN
    return location, PinSource.VENUE
