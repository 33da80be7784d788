import datetime

import pytest
from django.utils import translation

from partners.domain import territories
from partners.public import wording


@pytest.mark.parametrize(
    ("name", "elides"),
    [
        ("Aubusson", True),
        ("Évry-Courcouronnes", True),
        ("Hyères", True),
        ("Yvetot", True),
        ("Lyon", False),
        ("La Rochelle", False),
        ("Haguenau", False),
        ("Hautmont", False),
        ("Hem", False),
        ("Yutz", False),
        ("votre position", False),
    ],
)
def test_de_becomes_d_before_a_vowel_or_a_mute_h_only(name, elides):
    assert wording.elides(name) is elides


@pytest.mark.parametrize(
    ("place", "french", "english"),
    [
        ("Lyon", "près de Lyon", "near Lyon"),
        ("Aubusson", "près d’Aubusson", "near Aubusson"),
        ("Hyères", "près d’Hyères", "near Hyères"),
        ("Haguenau", "près de Haguenau", "near Haguenau"),
        ("Le Havre", "près du Havre", "near Le Havre"),
        ("Les Abymes", "près des Abymes", "near Les Abymes"),
        ("L'Haÿ-les-Roses", "près de L'Haÿ-les-Roses", "near L'Haÿ-les-Roses"),
    ],
)
def test_near_a_place_in_french_and_english(place, french, english):
    with translation.override("fr"):
        assert wording.near(place) == french
    with translation.override("en"):
        assert wording.near(place) == english


def test_the_script_gets_the_same_rules_in_the_pages_language():
    with translation.override("fr"):
        rules = wording.near_rules()
    assert [message for _pattern, message in rules] == [
        "près des %(place)s",
        "près du %(place)s",
        "près d’%(place)s",
        "près de %(place)s",
    ]


MONDAY_9 = datetime.datetime(2026, 6, 1, 9, 0)


@pytest.mark.parametrize(
    ("open_now", "days", "french", "english"),
    [
        (True, 0, "Ouvert jusqu’à 09:00", "Open until 09:00"),
        (True, 3, "Ouvert jusqu’à lundi 09:00", "Open until Monday 09:00"),
        (False, 0, "Fermé, ouvre à 09:00", "Closed, opens at 09:00"),
        (False, 7, "Fermé, ouvre lundi à 09:00", "Closed, opens Monday at 09:00"),
        # Past a week (after a closure), a weekday would not say which: the date does.
        (True, 8, "Ouvert jusqu’au 1 juin à 09:00", "Open until 1 June at 09:00"),
        (False, 15, "Fermé, ouvre le 1 juin à 09:00", "Closed, opens on 1 June at 09:00"),
    ],
)
def test_opening_state_in_words(open_now, days, french, english):
    state = {"open_now": open_now, "next_change": MONDAY_9, "days": days}
    with translation.override("fr"):
        assert wording.opening(**state) == french
    with translation.override("en"):
        assert wording.opening(**state) == english


def test_time_zones_are_said_in_words():
    with translation.override("fr"):
        assert territories.time_name("Indian/Reunion") == "heure de La Réunion"
        assert territories.time_name("Pacific/Noumea") == "heure de Nouméa"
    with translation.override("en"):
        assert territories.time_name("Europe/Paris") == "Paris time"
    assert set(territories.TIME_NAMES) == set(territories.TERRITORIES)
