"""The header's emergency numbers: the territory's own, urgent first, in French and
English, on every page (error pages included); and the home map's configuration."""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from partners.domain import helplines, territories

pytestmark = pytest.mark.django_db


def _links(html):
    nav = re.search(r'<nav class="emergency".*?</nav>', html, re.S)[0]
    return [
        (href, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip())
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', nav, re.S)
    ]


def _partial(language, territory=None):
    context = {} if territory is None else {"territory": territory}
    with translation.override(language):
        return _links(render_to_string("partners/public/_emergency.html", context))


def test_mainland_numbers_in_french_urgent_first():
    assert _partial("fr") == [
        ("tel:17", "17 Police"),
        ("tel:112", "112 Tous les secours"),
        ("sms:114", "114 SMS – Personnes sourdes, ou ne pouvant pas parler"),
        ("tel:3919", "3919 Violences faites aux femmes"),
        ("tel:119", "119 Enfance en danger"),
        ("tel:116006", "116 006 Aide aux victimes (9 h – 19 h, tous les jours)"),
    ]


def test_mainland_numbers_in_english():
    assert _partial("en", territories.MAINLAND) == [
        ("tel:17", "17 Police"),
        ("tel:112", "112 All emergency services"),
        ("sms:114", "114 SMS – Deaf, or unable to speak"),
        ("tel:3919", "3919 Violence against women"),
        ("tel:119", "119 Children in danger"),
        ("tel:116006", "116 006 Victim support (9:00–19:00, every day)"),
    ]


def test_new_caledonia_numbers_in_french_without_3919():
    links = _partial("fr", "988")
    assert links[:3] == [
        ("tel:17", "17 Police"),
        ("tel:112", "112 Tous les secours"),
        ("sms:500067", "50 00 67 SMS – Violences : alerter les forces de l’ordre (9 h – 21 h)"),
    ]
    assert (
        "tel:051111",
        "05 11 11 SOS Violences : accompagnement juridique des victimes (horaires non publiés)",
    ) in links
    assert not any("3919" in href for href, _text in links)


def test_new_caledonia_numbers_in_english():
    links = dict(_partial("en", "988"))
    assert links["tel:053030"] == (
        "05 30 30 SOS Écoute: listening and shelter"
        " (Mon–Sat 9:00–1:00; Sun 9:00–13:00 and 17:00–1:00)"
    )
    assert links["tel:054444"] == "05 44 44 Child protection (hours not published)"


def test_urgent_links_are_marked_for_their_colour():
    with translation.override("fr"):
        html = render_to_string("partners/public/_emergency.html", {"territory": "988"})
    urgent = re.findall(r'<li class="urgent"><a href="([^"]+)"', html)
    assert urgent == ["tel:17", "tel:112", "sms:500067"]


@pytest.mark.parametrize(("path", "status"), [("/", 200), ("/en/", 200), ("/nulle-part/", 404)])
def test_every_page_shows_the_mainland_numbers_by_default(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    hrefs = [href for href, _text in _links(response.text)]
    assert hrefs == [line.href for line in helplines.for_territory(territories.MAINLAND)]


def test_the_home_map_config_carries_every_territorys_numbers(client):
    html = client.get("/en/").text
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)[1]
    )
    with translation.override("en"):
        assert config["numbers"] == helplines.as_config()
    assert [line["number"] for line in config["numbers"]["988"]][:3] == ["17", "112", "50 00 67"]
