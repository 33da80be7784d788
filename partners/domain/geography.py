"""Where each territory of the network is: its map view and its bounding box.

Plain data, without Django: the application (``partners/domain/territories.py``), the settings (the
admin map's default view) and the gazetteer's build (``python -m gazetteer.build``, standard
library only) all read it from here.

A box must hold every place of its territory where a venue may be, with a margin (a venue's pin
outside it is refused), and no land of a neighbouring territory or country where that can be
helped: Saint-Martin's box stops short of Anguilla, and Saint-Barthélemy's short of Saint-Martin's.
"""

from typing import NamedTuple

MAINLAND = "metropole"


class Bounds(NamedTuple):
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


class Place(NamedTuple):
    # The map's view of the territory: centre (lat, lon) and zoom.
    centre: tuple[float, float]
    zoom: int
    bounds: Bounds


PLACES = {
    MAINLAND: Place((46.6, 2.4), 6, Bounds(41.3, -5.3, 51.2, 9.7)),
    "971": Place((16.2, -61.55), 10, Bounds(15.8, -61.9, 16.6, -60.9)),
    "972": Place((14.64, -61.02), 10, Bounds(14.3, -61.3, 15.0, -60.7)),
    "973": Place((4.9, -52.6), 8, Bounds(2.0, -54.7, 6.0, -51.5)),
    "974": Place((-21.12, 55.53), 10, Bounds(-21.5, 55.1, -20.8, 55.9)),
    "975": Place((46.9, -56.3), 10, Bounds(46.7, -56.5, 47.2, -56.0)),
    "976": Place((-12.8, 45.15), 11, Bounds(-13.1, 44.9, -12.5, 45.4)),
    "977": Place((17.9, -62.83), 13, Bounds(17.8, -63.0, 17.98, -62.7)),
    "978": Place((18.07, -63.06), 12, Bounds(18.0, -63.2, 18.14, -62.9)),
    "986": Place((-13.28, -176.19), 11, Bounds(-14.5, -178.3, -13.1, -176.0)),
    "987": Place((-17.6, -149.45), 10, Bounds(-28.0, -155.0, -7.5, -134.0)),
    "988": Place((-22.27, 166.45), 9, Bounds(-23.0, 163.0, -19.0, 169.0)),
}


def territory_code(department: str) -> str:
    """Overseas départements and collectivities are their own territory."""
    return department if department in PLACES else MAINLAND
