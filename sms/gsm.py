"""How many SMS segments a text takes, and the cheapest way to send it.

A text made only of the GSM 03.38 default alphabet (3GPP TS 23.038, 6.2.1) travels as
GSM-7: 160 septets in one segment, 153 a segment once concatenated (the user data
header takes the rest); the characters of the extension table (``€``, ``[``, ``{``…)
take two septets each, an escape and the character, and are never split across two
segments. Any other character sends the whole text as UCS-2: 70 UTF-16 code units in one
segment, 67 a segment once concatenated, a surrogate pair never split.

French needs UCS-2 for ``ê``, ``ç``, ``ô``, ``«``, ``’``: ``best`` transliterates them
(``ê`` → ``e``) when that saves a segment, and keeps the accents when it does not.

Written here rather than taken from PyPI: the alphabet and the counting fit in a page,
and the packages we found (gsm0338, smsutil, sms-counter) are codecs or unmaintained.
"""

import re
import unicodedata
from typing import NamedTuple

# The default alphabet, in code order (LF and CR included; ESC, 0x1B, is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each takes an escape septet before it.
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# What transliteration writes for characters that lose more than an accent.
_SPELLED = {
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",  # GSM-7 has Ç only: "c" reads better in a lower-case word
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "‑": "-",
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
    "·": ".",
    "•": "-",
    "°": "o",  # "n°1" → "no1"
}


class Encoded(NamedTuple):
    text: str
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def _segments(units: list[int], single: int, part: int) -> int:
    """Segments for characters of ``units`` septets or code units each, none split."""
    total = sum(units)
    if total <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


def segments(text: str) -> Encoded:
    """``text`` as it would be sent: its encoding and number of segments (1 for "")."""
    if is_gsm7(text):
        units = [2 if c in GSM7_EXTENDED else 1 for c in text]
        return Encoded(text, "GSM-7", _segments(units, GSM7_SINGLE, GSM7_PART))
    units = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return Encoded(text, "UCS-2", _segments(units, UCS2_SINGLE, UCS2_PART))


def transliterate(text: str) -> str:
    """``text`` in the GSM-7 alphabet: accents the alphabet lacks dropped (``ê`` → ``e``,
    ``é`` kept), typographic signs made plain, anything else (emoji, other scripts) left
    out."""
    # French quotes hold their text between no-break spaces: « oui » reads "oui".
    text = re.sub(r"«[\u00a0\u202f ]?", '"', re.sub(r"[\u00a0\u202f ]?»", '"', text))
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in _SPELLED:
            out.append(_SPELLED[char])
        else:
            base = "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(c) and (c in GSM7_BASIC or c in GSM7_EXTENDED)
            )
            out.append(base)
    return "".join(out)


def best(text: str) -> Encoded:
    """``text`` as GSM-7 when it already is, else transliterated when that takes fewer
    segments than UCS-2, else as it is."""
    as_is = segments(text)
    if as_is.encoding == "GSM-7":
        return as_is
    plain = segments(transliterate(text))
    return plain if plain.segments < as_is.segments else as_is
