"""Printable stickers: our own "En lieu sûr" emblem, the sticker number and a QR code
to the sticker's verification page. SVG is the source; PDF is drawn from it.

PDF goes through svglib and ReportLab, both pure Python (lxml and Pillow come as
wheels): no system library such as Cairo to install on the server, and one drawing
for the screen, the certificate and the printer.
"""

import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from svglib.svglib import svg2rlg

# The sticker is a square of this side, in millimetres (the SVG's user unit).
SIZE_MM = 90
# The QR code's square, quiet zone included, and its top-left corner.
QR_BOX = (46, 40, 40)
QR_QUIET_MODULES = 4

# The print sheet: A4, two columns and three rows of stickers.
SHEET_COLUMNS, SHEET_ROWS, SHEET_GAP_MM = 2, 3, 5


def verification_url(sticker_number: str) -> str:
    return f"{settings.SITE_URL}/verif/{sticker_number}/"


def _qr_path(url: str) -> tuple[str, float]:
    """The QR code's dark modules as one SVG path, in modules, and the module size in mm.

    Each run of dark modules in a row becomes one rectangle: a few hundred of them
    instead of a thousand squares.
    """
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    modules = len(matrix) + 2 * QR_QUIET_MODULES
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                width = x - start
                parts.append(
                    f"M{start + QR_QUIET_MODULES},{y + QR_QUIET_MODULES}h{width}v1h-{width}z"
                )
            else:
                x += 1
    return "".join(parts), QR_BOX[2] / modules


def sticker_svg(sticker_number: str) -> str:
    url = verification_url(sticker_number)
    qr_path, module = _qr_path(url)
    qr_x, qr_y, qr_size = QR_BOX
    return render_to_string(
        "partners/staff/sticker.svg",
        {
            "number": sticker_number,
            "url": url,
            "size": SIZE_MM,
            "qr_path": qr_path,
            "qr_x": qr_x,
            "qr_y": qr_y,
            "qr_size": qr_size,
            "qr_module": f"{module:.5f}",
        },
    )


def _drawing(sticker_number: str):
    return svg2rlg(io.BytesIO(sticker_svg(sticker_number).encode()))


def sticker_pdf(sticker_number: str) -> bytes:
    return renderPDF.drawToString(_drawing(sticker_number))


def sheet_pdf(sticker_numbers: list[str]) -> bytes:
    """A4 pages of stickers, in the order given, ready to print and cut."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("En lieu sûr – autocollants")
    page_width, page_height = A4
    side, gap = SIZE_MM * mm, SHEET_GAP_MM * mm
    left = (page_width - SHEET_COLUMNS * side - (SHEET_COLUMNS - 1) * gap) / 2
    top = (page_height + SHEET_ROWS * side + (SHEET_ROWS - 1) * gap) / 2
    per_page = SHEET_COLUMNS * SHEET_ROWS
    for index, number in enumerate(sticker_numbers):
        if index and index % per_page == 0:
            pdf.showPage()
        row, column = divmod(index % per_page, SHEET_COLUMNS)
        x = left + column * (side + gap)
        y = top - (row + 1) * side - row * gap
        renderPDF.draw(_drawing(number), pdf, x, y)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
