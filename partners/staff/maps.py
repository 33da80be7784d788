"""Approved partners per département on a map drawn on the server as SVG, for the figures page:
a proportional-symbol map, like ``charts.py`` without script or inline style.

There are no département outlines in the project, only the gazetteer's communes (a point and a
population each), so each département is a circle at its communes' population-weighted centre
(where its people live: Paris's suburbs, not the middle of a forest), its area proportional to
its approved partners. For orientation the land is drawn faintly from the same communes (a
coarse grid of the cells holding one, as horizontal runs: a silhouette without a polygon), with
the largest cities named. Mainland France with Corsica takes the left; each overseas territory
has an inset of its own on the right, titled, with its count written out, its circles to the
same scale as the mainland's. Each territory is projected equirectangularly, its longitudes
scaled by the cosine of its middle latitude.

Mainland départements are small at this scale and their circles overlap (Paris and its inner
suburbs): the larger are drawn first, each with a white edge, so every circle shows; each has
its ``<title>``, and the same numbers are in the table beside the map.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.utils.formats import number_format

from gazetteer import communes
from partners.domain import geography, territories
from partners.staff.charts import BLUE, GRID, TEXT, Table, n

WIDTH, HEIGHT = 680, 440
MARGIN = 6
# Mainland France with Corsica on the left, under its title.
MAINLAND_BOX = (MARGIN, 40, 408, HEIGHT - MARGIN)
# The overseas insets on the right, two columns, titled above their land.
INSET_LEFT, INSET_COLUMNS, INSET_WIDTH, INSET_HEIGHT, INSET_GAP = 414, 2, 130, 68, 4
INSET_TITLE = 26
# The land under the circles: light enough that a circle (BLUE at FILL_OPACITY) keeps 3:1
# against it as against white.
LAND, FILL_OPACITY = "#ebebeb", "0.85"
# The largest circle's radius; the others by area, never under MIN_RADIUS (a single partner
# among hundreds still shows).
MAX_RADIUS, MIN_RADIUS = 18, 2.5
# The size legend's bottom.
LEGEND_BASE = MAINLAND_BOX[3] - 10
# Mainland cities named for orientation (INSEE codes): the largest, spread over the country.
CITIES = ["75056", "13055", "69123", "31555", "06088", "44109", "67482", "33063", "59350", "35238"]
# The land's grid: cells of this many pixels; a run of cells bridges gaps this wide.
CELL, BRIDGE = 3, 3
# Territories with fewer communes than this get no silhouette (a lone square says nothing).
SILHOUETTE_MIN_COMMUNES = 10


@cache
def centres() -> dict[str, tuple[float, float]]:
    """Each département's population-weighted centre (lat, lon), from the gazetteer."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for commune in communes.all_communes():
        weight = max(commune.population, 1)
        total = sums[commune.department]
        total[0] += commune.lat * weight
        total[1] += commune.lon * weight
        total[2] += weight
    return {code: (lat / w, lon / w) for code, (lat, lon, w) in sums.items()}


class Frame:
    """Where a territory's bounds land on the SVG: the largest box of the bounds' shape that
    fits ``(left, top, right, bottom)``, centred."""

    def __init__(self, bounds: geography.Bounds, box: tuple[float, float, float, float]):
        left, top, right, bottom = box
        self.bounds = bounds
        self.cos = math.cos(math.radians((bounds.south + bounds.north) / 2))
        width = (bounds.east - bounds.west) * self.cos
        height = bounds.north - bounds.south
        self.scale = min((right - left) / width, (bottom - top) / height)
        self.x0 = left + (right - left - width * self.scale) / 2
        self.y0 = top + (bottom - top - height * self.scale) / 2

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.bounds.west) * self.cos * self.scale,
            self.y0 + (self.bounds.north - lat) * self.scale,
        )


@cache
def _communes_by_territory() -> dict[str, list[communes.Commune]]:
    grouped = defaultdict(list)
    for commune in communes.all_communes():
        grouped[geography.territory_code(commune.department)].append(commune)
    return grouped


@cache
def _land(code: str, box: tuple[float, float, float, float]) -> str:
    """A territory's silhouette as one SVG path: the grid cells holding a commune, each row's
    cells joined into runs across gaps of up to ``BRIDGE`` cells."""
    places = _communes_by_territory()[code]
    if len(places) < SILHOUETTE_MIN_COMMUNES:
        return ""
    frame = Frame(geography.PLACES[code].bounds, box)
    rows: dict[int, set[int]] = defaultdict(set)
    for commune in places:
        x, y = frame.xy(commune.lat, commune.lon)
        rows[int(y // CELL)].add(int(x // CELL))
    path = []
    for row, cells in sorted(rows.items()):
        ordered = sorted(cells)
        start = previous = ordered[0]
        for cell in [*ordered[1:], None]:
            if cell is not None and cell - previous <= BRIDGE + 1:
                previous = cell
                continue
            path.append(
                f"M{start * CELL} {row * CELL}h{(previous - start + 1) * CELL}v{CELL}"
                f"h-{(previous - start + 1) * CELL}z"
            )
            if cell is not None:
                start = previous = cell
    return "".join(path)


def _inset_box(index: int) -> tuple[float, float, float, float]:
    column, row = index % INSET_COLUMNS, index // INSET_COLUMNS
    left = INSET_LEFT + column * (INSET_WIDTH + INSET_GAP)
    top = MARGIN + row * (INSET_HEIGHT + INSET_GAP)
    return (left, top, left + INSET_WIDTH, top + INSET_HEIGHT)


@dataclass
class Map(Table):
    """Approved partners per département (``counts``, by code) on the map; the table lists
    the départements that have any, most first."""

    counts: dict[str, int] = field(default_factory=dict)
    svg: dict = field(init=False)
    template = "admin/partners/_map.html"

    def __post_init__(self):
        self.svg = self._draw()

    def radius(self, count: int) -> float:
        top = max(self.counts.values(), default=0)
        return max(MIN_RADIUS, MAX_RADIUS * math.sqrt(count / top)) if count else 0

    def _circle(self, code: str, frame: Frame, clamp: tuple | None = None) -> dict:
        count = self.counts[code]
        x, y = frame.xy(*centres()[code])
        r = self.radius(count)
        if clamp:
            # Within its inset, the territory's whole count as one circle, kept inside.
            left, top, right, bottom = clamp
            x = min(max(x, left + r), right - r)
            y = min(max(y, top + r), bottom - r)
        name = territories.DEPARTMENTS[code][0]
        return {
            "x": n(x),
            "y": n(y),
            "r": n(r),
            "count": count,
            "title": f"{name} : {number_format(count)}",
        }

    def _draw(self) -> dict:
        mainland = Frame(geography.PLACES[geography.MAINLAND].bounds, MAINLAND_BOX)
        circles = [
            self._circle(code, mainland)
            for code in self.counts
            if geography.territory_code(code) == geography.MAINLAND
        ]
        cities = []
        for insee in CITIES:
            city = communes.by_code(insee)
            x, y = mainland.xy(city.lat, city.lon)
            cities.append({"x": n(x), "y": n(y), "label_y": n(y - 5), "name": city.name})
        insets = []
        overseas = [t for code, t in territories.TERRITORIES.items() if code != geography.MAINLAND]
        for index, territory in enumerate(overseas):
            left, top, right, bottom = _inset_box(index)
            land_box = (left + 2, top + INSET_TITLE, right - 2, bottom - 2)
            count = self.counts.get(territory.code, 0)
            insets.append(
                {
                    "x": n(left),
                    "y": n(top),
                    "title_x": n(left + 4),
                    "title_y": n(top + 11),
                    "count_y": n(top + 22),
                    "name": territory.name,
                    "count": count,
                    "land": _land(territory.code, land_box),
                    "circle": (
                        self._circle(territory.code, Frame(territory.bounds, land_box), land_box)
                        if count
                        else None
                    ),
                }
            )
        mainland_total = sum(
            count
            for code, count in self.counts.items()
            if geography.territory_code(code) == geography.MAINLAND
        )
        return {
            "width": n(WIDTH),
            "height": n(HEIGHT),
            "colour": BLUE,
            "opacity": FILL_OPACITY,
            "text": TEXT,
            "frame": GRID,
            "land": LAND,
            "mainland": {
                "title_x": n(MAINLAND_BOX[0] + 6),
                "name": territories.TERRITORIES[geography.MAINLAND].name,
                "count": mainland_total,
                "land": _land(geography.MAINLAND, MAINLAND_BOX),
            },
            "inset_width": n(INSET_WIDTH),
            "inset_height": n(INSET_HEIGHT),
            # The largest first, so that each smaller circle shows on top of it.
            "circles": sorted(circles, key=lambda c: -c["count"]),
            "cities": cities,
            "insets": insets,
            "legend": self._legend(),
            "legend_y": n(LEGEND_BASE - 2 * MAX_RADIUS - 8),
        }

    def _legend(self) -> list[dict]:
        """Two reference circles, the largest count and a smaller round one, nested at the
        bottom left of the mainland (the sea off Spain)."""
        top = max(self.counts.values(), default=0)
        if not top:
            return []
        nice = [m * 10**k for k in range(6) for m in (1, 2, 5)]
        smaller = max((v for v in nice if v * 4 <= top), default=None)
        values = [top, smaller] if smaller else [top]
        base_x, base_y = MAINLAND_BOX[0] + 12 + MAX_RADIUS, LEGEND_BASE
        legend = []
        for value in values:
            r = self.radius(value)
            legend.append(
                {
                    "x": n(base_x),
                    "y": n(base_y - r),
                    "r": n(r),
                    "line_y": n(base_y - 2 * r),
                    "label_x": n(base_x + MAX_RADIUS + 8),
                    "label": number_format(value),
                }
            )
        return legend


# A commune's dot: its diameter in pixels. The dots are placed on a grid of half pixels
# (``DOT_GRID``), in integers: 35,000 of them stay a few hundred kilobytes of SVG.
DOT, DOT_GRID = 2.2, 2
# A zoomed mainland (``DotMap.zoom``): a tenth of the dots' extent around them, and at least
# this many degrees across (one commune alone).
ZOOM_MARGIN, ZOOM_MIN_SPAN = 0.1, 0.5


@dataclass
class DotMap(Table):
    """Every commune as a dot where its point is, coloured by its class (``classes``, the
    colours in the same order), one SVG path a class and territory: round caps draw each
    zero-length segment as a dot. The worse classes are drawn last, on top, so that a gap
    is never hidden under a covered neighbour. The table lists the classes."""

    # (département, lat, lon, class index) a commune.
    dots: list[tuple[str, float, float, int]] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    # Mainland France drawn around its dots rather than whole: a coordinator's région or a
    # reviewer's départements fill the frame instead of a corner of the country.
    zoom: bool = False
    svg: dict = field(init=False)
    template = "admin/partners/_dot_map.html"

    def __post_init__(self):
        self.svg = self._draw()

    def _paths(self, points: dict[int, set[tuple[int, int]]]) -> list[dict]:
        return [
            {
                "colour": colour,
                "d": "".join(f"M{x} {y}h0" for x, y in sorted(points[index])),
            }
            for index, colour in enumerate(self.colours)
            if points[index]
        ]

    def _mainland_bounds(self) -> geography.Bounds:
        whole = geography.PLACES[geography.MAINLAND].bounds
        mainland = [
            (lat, lon)
            for department, lat, lon, _index in self.dots
            if geography.territory_code(department) == geography.MAINLAND
        ]
        if not self.zoom or not mainland:
            return whole
        lats, lons = [lat for lat, _ in mainland], [lon for _, lon in mainland]
        # A margin around the dots, and never closer than ZOOM_MIN_SPAN degrees.
        half_lat = max(max(lats) - min(lats), ZOOM_MIN_SPAN) * (0.5 + ZOOM_MARGIN)
        half_lon = max(max(lons) - min(lons), ZOOM_MIN_SPAN) * (0.5 + ZOOM_MARGIN)
        lat, lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
        return geography.Bounds(lat - half_lat, lon - half_lon, lat + half_lat, lon + half_lon)

    def _draw(self) -> dict:
        mainland_bounds = self._mainland_bounds()
        frames = {geography.MAINLAND: Frame(mainland_bounds, MAINLAND_BOX)}
        boxes = {}
        overseas = [t for code, t in territories.TERRITORIES.items() if code != geography.MAINLAND]
        for index, territory in enumerate(overseas):
            left, top, right, bottom = boxes[territory.code] = _inset_box(index)
            frames[territory.code] = Frame(
                territory.bounds, (left + 2, top + INSET_TITLE, right - 2, bottom - 2)
            )
        points = defaultdict(lambda: defaultdict(set))
        for department, lat, lon, index in self.dots:
            code = geography.territory_code(department)
            x, y = frames[code].xy(lat, lon)
            points[code][index].add((round(x * DOT_GRID), round(y * DOT_GRID)))
        insets = [
            {
                "x": n(left),
                "y": n(top),
                "title_x": n(left + 4),
                "title_y": n(top + 11),
                "name": territory.name,
                "paths": self._paths(points[territory.code]),
            }
            for territory in overseas
            if territory.code in points
            for left, top, _right, _bottom in [boxes[territory.code]]
        ]
        cities = []
        for insee in CITIES if geography.MAINLAND in points else []:
            city = communes.by_code(insee)
            if not mainland_bounds.contains(city.lat, city.lon):
                continue
            x, y = frames[geography.MAINLAND].xy(city.lat, city.lon)
            cities.append({"x": n(x), "y": n(y), "label_y": n(y - 5), "name": city.name})
        return {
            "width": n(WIDTH),
            "height": n(HEIGHT),
            "text": TEXT,
            "frame": GRID,
            "scale": n(1 / DOT_GRID),
            "dot": n(DOT * DOT_GRID),
            "mainland": {
                "title_x": n(MAINLAND_BOX[0] + 6),
                "name": territories.TERRITORIES[geography.MAINLAND].name,
                "paths": self._paths(points[geography.MAINLAND]),
            },
            "cities": cities,
            "inset_width": n(INSET_WIDTH),
            "inset_height": n(INSET_HEIGHT),
            "insets": insets,
        }
