"""Draws the installed site's icons (web app manifest, iOS home screen) with Pillow.

    .venv/bin/python scripts/draw_icons.py

writes ``static/partners/icons/``: ``icon.svg`` (any size), ``icon-192.png``,
``icon-512.png``, ``maskable-512.png`` (the shape inside the central 80 % that Android
may crop to a circle) and ``apple-touch-icon.png`` (180 px, opaque: iOS fills
transparency with black). The PNGs are committed; run this again after changing the
drawing. A shelter (a roof over a door) in the site's accent colour, as on the stickers.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "partners" / "icons"
ACCENT = "#6a1b9a"  # --accent in static/partners/site.css; the manifest's theme colour
PAPER = "#ffffff"

# The drawing on a 100 × 100 grid: a roof, the walls, a door.
ROOF = [(50, 14), (88, 46), (12, 46)]
WALLS = (22, 44, 78, 86)
DOOR = (42, 60, 58, 86)


def _scaled(points, size, inset):
    """Grid coordinates to pixels, the drawing shrunk into the central ``1 - 2·inset``."""
    scale = size * (1 - 2 * inset) / 100
    offset = size * inset
    return [(offset + x * scale, offset + y * scale) for x, y in points]


def draw(size: int, *, inset: float, rounded: bool) -> Image.Image:
    # Drawn at 4× then reduced: smooth edges without antialiasing support in ImageDraw.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=ACCENT)
    else:
        pen.rectangle((0, 0, big, big), fill=ACCENT)
    pen.polygon(_scaled(ROOF, big, inset), fill=PAPER)
    (x0, y0), (x1, y1) = _scaled([WALLS[:2], WALLS[2:]], big, inset)
    pen.rectangle((x0, y0, x1, y1), fill=PAPER)
    (x0, y0), (x1, y1) = _scaled([DOOR[:2], DOOR[2:]], big, inset)
    pen.rounded_rectangle((x0, y0, x1, y1), radius=(x1 - x0) / 2, fill=ACCENT)
    # Two colours and their blend on the edges: a 16-colour palette keeps the files small
    # (Chrome downloads one of them on a first visit, within the 10 KB the manifest and
    # worker may add).
    return image.resize((size, size), Image.Resampling.LANCZOS).quantize(16)


def svg() -> str:
    roof = " ".join(f"{x},{y}" for x, y in ROOF)
    x0, y0, x1, y1 = WALLS
    d0, e0, d1, e1 = DOOR
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="16" fill="{ACCENT}"/>'
        f'<polygon points="{roof}" fill="{PAPER}"/>'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="{PAPER}"/>'
        f'<rect x="{d0}" y="{e0}" width="{d1 - d0}" height="{e1 - e0}" rx="{(d1 - d0) / 2}" '
        f'fill="{ACCENT}"/></svg>\n'
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, inset=0.06, rounded=True).save(OUT / "icon-192.png", optimize=True)
    draw(512, inset=0.06, rounded=True).save(OUT / "icon-512.png", optimize=True)
    draw(512, inset=0.16, rounded=False).save(OUT / "maskable-512.png", optimize=True)
    apple = draw(180, inset=0.1, rounded=False)
    apple.save(OUT / "apple-touch-icon.png", optimize=True)
    (OUT / "icon.svg").write_text(svg())


if __name__ == "__main__":
    main()
