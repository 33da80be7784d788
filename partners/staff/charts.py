"""Bar charts drawn on the server as SVG, for the figures page: no script, nothing for the
CSP to allow, readable by screen readers (``<title>``/``<desc>``, and the same numbers
in a table beside each chart).

The colours are Okabe and Ito's, told apart by the usual colour blindnesses, each at
least 3:1 against the chart's white background (WCAG 1.4.11); the text is dark on that
white background whatever the admin's theme. The SVG carries presentation attributes
only, no ``style`` (the CSP allows no inline style).
"""

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format

# Okabe–Ito blue, bluish green, vermillion: 5.2, 3.4 and 3.9 to 1 against white.
BLUE, GREEN, VERMILLION = "#0072B2", "#009E73", "#D55E00"
TEXT = "#1d2433"
GRID = "#767676"  # 4.5:1 against white

WIDTH = 640
TOP, BOTTOM, LEFT, RIGHT = 36, 34, 48, 8
PLOT_HEIGHT = 200


def n(value: float) -> str:
    """A coordinate as SVG reads it: a dot, never the locale's decimal comma."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class Series:
    label: str
    colour: str = ""
    # Its values' decimals when not the table's (a count beside a percentage).
    decimals: int | None = None


@dataclass
class Table:
    """A figure's numbers, drawn by a subclass, shown in a table beside the drawing and
    downloaded as CSV and XLSX: ``values[i][j]`` is series ``j`` for category ``i``."""

    slug: str
    title: str
    description: str
    category_label: str
    categories: list[str]
    series: list[Series]
    values: list[list[float]]
    decimals: int = 0
    csv_url: str = ""
    xlsx_url: str = ""

    def decimals_of(self, series: Series | None) -> int:
        return self.decimals if series is None or series.decimals is None else series.decimals

    def shown(self, value: float | None, series: Series | None = None, grouped=False) -> str:
        """A value as the reader reads it: "4,5", and with ``grouped`` "3 831 948", in
        French; "–" for none."""
        if value is None:
            return "–"
        return number_format(value, self.decimals_of(series), force_grouping=grouped)

    def _rows(self, grouped: bool) -> list[tuple[str, list[str]]]:
        return [
            (category, [self.shown(v, s, grouped) for v, s in zip(vs, self.series, strict=True)])
            for category, vs in zip(self.categories, self.values, strict=True)
        ]

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """For the downloads: numbers a spreadsheet reads as numbers."""
        return self._rows(grouped=False)

    @property
    def displayed_rows(self) -> list[tuple[str, list[str]]]:
        """For the page: thousands grouped."""
        return self._rows(grouped=True)


@dataclass
class Chart(Table):
    """A bar chart of its table."""

    # Shorter words under the bars than in the table: (first line, second line or "").
    axis_labels: list[tuple[str, str]] | None = None
    svg: dict = field(init=False)
    template = "admin/partners/_chart.html"

    def __post_init__(self):
        self.svg = self._vertical()

    def _top(self) -> float:
        top = max((v for values in self.values for v in values), default=0)
        if top <= 0:
            return 4
        # A round ceiling that four gridlines divide into whole numbers.
        step = 10 ** math.floor(math.log10(top))
        ceiling = next(nice * step for nice in (1, 2, 5, 10) if top <= nice * step)
        return max(4, math.ceil(ceiling / 4) * 4)

    def _legend(self) -> list[dict]:
        return [
            {
                "x": n(LEFT + 170 * j),
                "y": "10",
                "text_x": n(LEFT + 170 * j + 16),
                "text_y": "20",
                "colour": s.colour,
                "label": s.label,
            }
            for j, s in enumerate(self.series)
        ]

    def _vertical(self) -> dict:
        top = self._top()
        plot_width = WIDTH - LEFT - RIGHT
        group = plot_width / max(len(self.categories), 1)
        bar = group * 0.8 / max(len(self.series), 1)
        base = TOP + PLOT_HEIGHT
        bars, labels = [], []
        for i, (category, values) in enumerate(zip(self.categories, self.values, strict=True)):
            for j, (series, value) in enumerate(zip(self.series, values, strict=True)):
                height = PLOT_HEIGHT * value / top
                bars.append(
                    {
                        "x": n(LEFT + i * group + group * 0.1 + j * bar),
                        "y": n(base - height),
                        "width": n(bar),
                        "height": n(height),
                        "colour": series.colour,
                        "title": f"{category} – {series.label} : {self.shown(value)}",
                    }
                )
            line, second = self.axis_labels[i] if self.axis_labels else (category, "")
            labels.append(
                {
                    "x": n(LEFT + (i + 0.5) * group),
                    "y": n(base + 14),
                    "text": line,
                    "second": second,
                    "second_y": n(base + 27),
                }
            )
        ticks = [
            {"y": n(base - PLOT_HEIGHT * k / 4), "text": number_format(top * k // 4)}
            for k in range(5)
        ]
        return {
            "width": n(WIDTH),
            "height": n(TOP + PLOT_HEIGHT + BOTTOM),
            "left": n(LEFT),
            "label_x": n(LEFT - 4),
            "right": n(WIDTH - RIGHT),
            "bars": bars,
            "labels": labels,
            "ticks": ticks,
            "legend": self._legend() if len(self.series) > 1 else [],
        }
