import io
import math
import xml.etree.ElementTree as ET

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from partners.staff import stickers


def decoded_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes read on each page of a PDF rendered to pixels, as a scanner would."""
    document = pypdfium2.PdfDocument(pdf)
    return [
        sorted(code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_numpy()))
        for page in document
    ]


def test_sticker_pdf_qr_code_decodes_to_the_verification_page(settings):
    settings.SITE_URL = "https://enlieusur.example"
    assert decoded_qr_codes(stickers.sticker_pdf("971-00042")) == [
        ["https://enlieusur.example/verif/971-00042/"]
    ]


def test_sticker_svg_is_ours_and_self_contained():
    svg = stickers.sticker_svg("75-00001")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "90mm"
    # No linked or embedded image: the emblem is drawn, not someone's logo.
    assert "<image" not in svg
    assert "href" not in svg
    assert "75-00001" in svg
    assert "En lieu sûr" in svg


@pytest.mark.browser
def test_sticker_svg_rendered_by_a_browser_has_a_qr_code_to_the_verification_page(
    chromium, settings
):
    settings.SITE_URL = "https://enlieusur.example"
    page = chromium.new_page(viewport={"width": 700, "height": 700})
    try:
        page.set_content(
            "<body style='margin:0;background:#fff'>"
            + stickers.sticker_svg("2A-00007")
            .replace('width="90mm"', 'width="680"', 1)
            .replace('height="90mm"', 'height="680"', 1)
            + "</body>"
        )
        png = page.screenshot()
    finally:
        page.close()
    image = Image.open(io.BytesIO(png)).convert("L")
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [
        "https://enlieusur.example/verif/2A-00007/"
    ]


def test_print_sheet_puts_six_stickers_on_each_a4_page(settings):
    settings.SITE_URL = "https://enlieusur.example"
    numbers = [f"75-{n:05d}" for n in range(1, 14)]
    pdf = stickers.sheet_pdf(numbers)
    pages = decoded_qr_codes(pdf)
    assert len(pages) == math.ceil(13 / 6)
    assert [len(p) for p in pages] == [6, 6, 1]
    assert [url for page in pages for url in page] == sorted(
        f"https://enlieusur.example/verif/{n}/" for n in numbers
    )
    width, height = pypdfium2.PdfDocument(pdf)[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
