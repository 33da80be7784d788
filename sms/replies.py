"""What En lieu sûr answers to a text message, whatever the gateway that carried it.

The search is the pages' and the API's: the gazetteer's place search (``gazetteer.places``:
homonyms, typos, arrondissements, addresses through the configured geocoder), then the
nearest approved places open now within reach (``partners.public.search``: ``Reach``,
``nearest``, ``next_open``, ``nothing_within_reach``), the territory's numbers
(``partners.domain.helplines``) and the pages' words for opening hours and distances.
This module only reads the message and writes the answer, in at most
``MAX_SEGMENTS`` SMS segments (``sms.gsm``).

A choice among homonyms ("reply 1, 2 or 3") is remembered for ``SMS_CHOICE_TTL``
seconds in the shared cache, under a salted hash of the sender's number
(``partners.domain.ratelimit.fingerprint``): the number itself is never written.
"""

import re
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gazetteer import places
from partners.domain import helplines, territories
from partners.domain.ratelimit import fingerprint
from partners.public import search, wording
from partners.public.fields import Reading, phone_display
from partners.templatetags.public_pages import distance
from sms import gsm

MAX_SEGMENTS = 3
RESULTS = 3
# Offered when a town is ambiguous: as many as a person replies to with one digit.
CHOICES = 3
HELP_WORDS = {"AIDE": "fr", "HELP": "en", "INFO": None, "?": None}
ENGLISH_PREFIX = "EN"
_CHOICE = re.compile(r"[1-9]")
# A partner's name or address longer than this is cut in a text message.
_LONGEST_FIELD = 48
# Control characters but the line feed, and the UTF-16 surrogates and non-characters
# that XML 1.0 refuses.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _choice_key(sender: str) -> str:
    return f"sms:choice:{fingerprint(sender)}"


def danger_line(territory_code: str | None) -> str:
    """ "Danger: 17 or 112, SMS 114": the territory's urgent numbers (the mainland's when
    the place is not known), calls first."""
    lines = [
        line
        for line in helplines.for_territory(territory_code or territories.MAINLAND)
        if line.urgent
    ]
    calls = [line.number for line in lines if not line.sms]
    texts = [line.number for line in lines if line.sms]
    numbers = f" {pgettext('between numbers to call', 'or')} ".join(calls)
    if texts:
        numbers = f"{numbers}, SMS {', '.join(texts)}" if numbers else f"SMS {', '.join(texts)}"
    return _("Danger: %(numbers)s") % {"numbers": numbers}


def help_text(note: str = "") -> str:
    text = _(
        "En lieu sûr: text a town, a postcode or an address (e.g. LYON 3, 69003, "
        "12 rue Paul Bert 69003) to get the 3 nearest safe places open now. "
        "Start with EN for English."
    )
    return "\n".join(filter(None, [note, text, danger_line(None)]))


def _cut(text: str, length: int = _LONGEST_FIELD) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _partner_line(number: int | None, row: dict, now, *, detail: int) -> str:
    """One place: name, address, phone, until when (and the distance when ``detail`` is
    2). ``detail`` 0 drops the address's town and the distance."""
    reading = Reading(row, now=now, urls=None)
    open_now, change = reading.opening_state
    today = now.astimezone(zoneinfo.ZoneInfo(row["time_zone"])).date()
    parts = [_cut(row["name"])]
    address = _cut(row["address"])
    if detail:
        address = f"{address}, {row['postcode']} {_cut(row['city'], 30)}"
    parts.append(address)
    if row["phone"]:
        parts.append(phone_display(row["phone"], row["department"]))
    state = wording.opening(
        open_now=open_now, next_change=change, days=wording.days_ahead(change, today)
    )
    if detail > 1:
        state = f"{state} ({distance(row['distance'])})"
    parts.append(state)
    line = ", ".join(parts)
    return f"{number}. {line}" if number else line


def _fit(variants) -> str:
    """The first of ``variants`` (most detailed first) that fits in MAX_SEGMENTS, sent in
    its cheapest form; the last one cut to fit if none does. Control characters (which
    XML, and so TwiML, cannot carry) are dropped."""
    last = ""
    for variant in variants:
        text = _CONTROL.sub("", variant)
        encoded = gsm.best(text)
        if encoded.segments <= MAX_SEGMENTS:
            return encoded.text
        last = text
    return _cut_to_fit(last)


def _cut_to_fit(text: str) -> str:
    """``text`` in GSM-7 cut to MAX_SEGMENTS, its last line (the danger line) kept whole."""
    head, _newline, danger = gsm.transliterate(text).rpartition("\n")

    def cut(length: int) -> str:
        return f"{head[:length].rstrip()}...\n{danger}" if length else danger

    low, high = 0, len(head)  # the longest head that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if gsm.segments(cut(middle)).segments <= MAX_SEGMENTS:
            low = middle
        else:
            high = middle - 1
    return cut(low)


def results_text(place: places.Place, now) -> str:
    """The answer for one place: the nearest places open now, or what to do when none is
    within reach."""
    reach = search.Reach(place.lon, place.lat)
    territory = reach.territory
    danger = danger_line(territory.code if territory else None)
    rows = search.nearest(reach, open_now=True, now=now, limit=RESULTS) if territory else []
    if rows:
        heading = _("Safe places open %(near)s:") % {"near": wording.near(place.name)}

        def variants():
            # Fewer details before fewer places.
            for count in range(len(rows), 0, -1):
                for detail in (2, 1, 0):
                    lines = [
                        _partner_line(n, row, now, detail=detail)
                        for n, row in enumerate(rows[:count], start=1)
                    ]
                    yield "\n".join([heading, *lines, danger])

        return _fit(variants())
    nothing = search.nothing_within_reach(reach, open_now=True, filtered=False)
    later = search.next_open(reach, now=now) if territory else None
    numbers = [
        f"{'SMS ' if line.sms else ''}{line.number} {line.label}"
        for line in helplines.for_territory(territory.code if territory else territories.MAINLAND)
    ]
    variants = []
    for count in range(len(numbers), 0, -1):
        for detail in (2, 1, 0):
            lines = [nothing]
            if later:
                lines.append(
                    _("Nearest opening later: %(place)s")
                    % {"place": _partner_line(None, later, now, detail=detail)}
                )
            lines += [_("Numbers: %(numbers)s") % {"numbers": "; ".join(numbers[:count])}, danger]
            variants.append("\n".join(lines))
    return _fit(variants)


def _quoted(query: str, offered: list[places.Place]) -> str:
    """The query as an answer may quote it: in GSM-7 (emoji and other scripts would be
    dropped from it anyway), else the name of the first place found."""
    quoted = _cut(gsm.transliterate(query), 30).strip()
    return quoted if quoted else offered[0].name


def choices_text(query: str, found: places.Found) -> str:
    offered = found.places[:CHOICES]
    heading = (
        _("Did you mean %(place)s? Reply 1.") % {"place": offered[0].label}
        if len(offered) == 1
        else _("Several places are called “%(query)s”:") % {"query": _quoted(query, offered)}
    )
    lines = [heading]
    if len(offered) > 1:
        lines += [f"{n}. {place.label}" for n, place in enumerate(offered, start=1)]
        lines.append(_("Reply 1 or 2.") if len(offered) == 2 else _("Reply 1, 2 or 3."))
    return _fit(["\n".join([*lines, danger_line(None)])])


def _remember_choices(sender: str, offered: list[places.Place], language: str) -> None:
    cache.set(
        _choice_key(sender),
        {
            "language": language,
            "places": [(p.name, p.lat, p.lon) for p in offered],
        },
        settings.SMS_CHOICE_TTL,
    )


def _read(text: str) -> tuple[str, str | None]:
    """The query and the language the message asks for (None: not said)."""
    words = text.split()
    if words and words[0].upper() == ENGLISH_PREFIX:
        return " ".join(words[1:]), "en"
    return " ".join(words), None


def answer(text: str, *, sender: str, now=None) -> str:
    """The reply to ``text`` sent from ``sender`` (a phone number, used only hashed)."""
    now = now or timezone.now()
    query, language = _read(text)
    pending = cache.get(_choice_key(sender)) if _CHOICE.fullmatch(query) else None
    if language is None and isinstance(pending, dict):
        language = pending.get("language")
    word = query.upper()
    if language is None and word in HELP_WORDS:
        language = HELP_WORDS[word]
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        if not query or word in HELP_WORDS:
            return _fit([help_text()])
        if len(query) > search.PLACE_QUERY_MAX_LENGTH:
            return _fit([help_text(_("Your message is too long."))])
        if _CHOICE.fullmatch(query):
            return _chosen(int(query), pending, now)
        found = places.pick(query)
        if found.clear:
            return results_text(found.places[0], now)
        if found.places:
            _remember_choices(sender, found.places[:CHOICES], language)
            return choices_text(query, found)
        # Quoted as the answer can show it: emoji and other scripts would be dropped.
        quoted = _cut(gsm.transliterate(query), 30).strip()
        note = (
            _("No town or postcode matches “%(query)s”.") % {"query": quoted}
            if quoted == _cut(query, 30)
            else _("No town or postcode matches your message.")
        )
        return _fit([help_text(note)])


def _chosen(number: int, pending, now) -> str:
    try:
        name, lat, lon = pending["places"][number - 1]
        place = places.Place(str(name), (), "", float(lat), float(lon))
    except (TypeError, KeyError, IndexError, ValueError):
        return _fit([help_text(_("No choice is waiting for this number: send a town first."))])
    return results_text(place, now)
