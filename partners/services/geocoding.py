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

# The partner's fields that ``locate`` reads.
LOCATED_BY = ("address", "postcode", "insee_code")


def geocode(address: str, postcode: str, commune: gazetteer.Commune) -> Point:
    """The venue's point: the online geocoder's when configured and sure, else the town's."""
    town = Point(commune.lon, commune.lat, srid=4326)
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
    return Point(lon, lat, srid=4326) if sure else town


def locate(*, address: str, postcode: str, insee_code: str) -> Point:
    """The point of a venue at ``address`` in the commune ``insee_code``."""
    communes = gazetteer.by_postcode(postcode)  # never empty: the form checked the postcode
    commune = next((c for c in communes if c.insee == insee_code), communes[0])
    return geocode(address, postcode, commune)
