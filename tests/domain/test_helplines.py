"""The table of emergency and help numbers: one entry per territory, the right numbers
where they can be dialled, links a phone can follow."""

import re

import pytest
from django.utils import translation

from partners.domain import helplines, territories

OVERSEAS_DEPARTMENTS = ["971", "972", "973", "974", "976"]
PACIFIC = ["986", "987", "988"]


def numbers(code):
    return [line.number for line in helplines.for_territory(code)]


def test_every_territory_has_its_numbers_and_only_territories_do():
    assert helplines.TABLE.keys() == territories.TERRITORIES.keys()


@pytest.mark.parametrize("code", territories.TERRITORIES)
def test_every_territory_has_112(code):
    assert "112" in numbers(code)


@pytest.mark.parametrize("code", sorted(set(territories.TERRITORIES) - {"986"}))
def test_every_territory_but_wallis_and_futuna_has_17(code):
    # Wallis-et-Futuna's 17 is left out until a source confirms it (README).
    assert "17" in numbers(code)


@pytest.mark.parametrize("code", PACIFIC)
def test_3919_is_not_offered_in_the_pacific(code):
    assert "3919" not in numbers(code)


@pytest.mark.parametrize("code", [territories.MAINLAND, *OVERSEAS_DEPARTMENTS])
def test_mainland_and_overseas_departments_have_119_3919_and_sms_114(code):
    lines = {line.number: line for line in helplines.for_territory(code)}
    assert {"119", "3919", "114"} <= lines.keys()
    assert lines["114"].sms
    assert lines["114"].href == "sms:114"


def test_119_reaches_french_polynesia():
    assert "119" in numbers("987")


def test_new_caledonia_has_its_own_numbers():
    assert numbers("988") == ["17", "112", "50 00 67", "05 30 30", "05 11 11", "05 44 44"]
    (alert,) = [line for line in helplines.for_territory("988") if line.number == "50 00 67"]
    assert (alert.sms, alert.urgent, alert.href) == (True, True, "sms:500067")


@pytest.mark.parametrize("code", territories.TERRITORIES)
def test_urgent_numbers_come_first(code):
    urgency = [line.urgent for line in helplines.for_territory(code)]
    assert urgency == sorted(urgency, reverse=True)
    assert urgency[0]


@pytest.mark.parametrize("code", territories.TERRITORIES)
def test_links_are_digits_only_and_texts_go_to_sms(code):
    for line in helplines.for_territory(code):
        scheme = "sms" if line.sms else "tel"
        assert re.fullmatch(rf"{scheme}:\d{{2,8}}", line.href), line
        assert line.href.removeprefix(f"{scheme}:") == line.number.replace(" ", "")


def test_the_config_carries_every_field_with_labels_in_the_active_language():
    with translation.override("fr"):
        config = helplines.as_config()
    assert config.keys() == territories.TERRITORIES.keys()
    mainland = config[territories.MAINLAND]
    assert mainland[0] == {
        "number": "17",
        "href": "tel:17",
        "label": "Police",
        "sms": False,
        "urgent": True,
        "hours": "",
    }
    victims = next(line for line in mainland if line["number"] == "116 006")
    assert (victims["label"], victims["hours"]) == (
        "Aide aux victimes",
        "9\u00a0h – 19\u00a0h, tous les jours",
    )
    with translation.override("en"):
        english = helplines.as_config()[territories.MAINLAND]
    assert (
        next(line for line in english if line["number"] == "119")["label"] == "Children in danger"
    )
