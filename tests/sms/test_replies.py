"""The answer's rules that no message of the webhook's tests reaches on its own."""

import pytest

from sms import gsm, replies


def test_an_answer_too_long_in_every_form_is_cut_and_keeps_its_danger_line():
    text = replies._fit(["Médiathèque " * 200 + "\nDanger : 17 ou 112, SMS 114"])
    assert gsm.segments(text).segments == 3
    assert len(text) > 440
    assert text.endswith("...\nDanger : 17 ou 112, SMS 114")
    assert text.startswith("Médiathèque Médiathèque")


def test_the_most_detailed_answer_that_fits_is_chosen():
    # 459 GSM-7 characters fill three segments; 67 × 3 UCS-2 ones do.
    assert replies._fit(["a" * 500, "b" * 460, "c" * 459, "d" * 10]) == "c" * 459
    # Too long in UCS-2 (4 segments), it fits once transliterated.
    assert replies._fit(["ê" * 202, "x"]) == "e" * 202


def test_control_characters_never_reach_the_answer():
    assert replies._fit(["Saint-Denis\x01\x1b\x7f\ud800 ok\nfin"]) == "Saint-Denis ok\nfin"


@pytest.mark.parametrize(
    ("territory", "line"),
    [
        (None, "Danger : 17 ou 112, SMS 114"),
        ("metropole", "Danger : 17 ou 112, SMS 114"),
        ("974", "Danger : 17 ou 112, SMS 114"),
        ("975", "Danger : 17 ou 112"),
        ("986", "Danger : 112"),
        ("988", "Danger : 17 ou 112, SMS 50 00 67"),
    ],
)
def test_the_danger_line_is_the_territorys_urgent_numbers(territory, line):
    assert replies.danger_line(territory) == line
