"""The place search: homonyms offered, typos forgiven, other names understood,
arrondissements placed where they are, labels in the page's language."""

import statistics
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import translation

from gazetteer import communes, places
from gazetteer.exonyms import OTHER_NAMES


def labels(query: str) -> list[str]:
    return [place.label for place in places.search(query).places]


def ids(query: str) -> list[str]:
    return [place.id for place in places.search(query).places]


def test_saint_pierre_offers_every_homonym_and_picks_none():
    found = places.search("Saint-Pierre")
    assert not found.clear
    homonyms = [p for p in found.places if p.name == "Saint-Pierre"]
    # La Réunion, Saint-Pierre-et-Miquelon, Martinique, then the six mainland ones.
    assert [p.id for p in homonyms[:3]] == ["97416", "97502", "97225"]
    assert {p.department for p in homonyms[3:]} == {"67", "39", "51", "31", "15", "04"}
    assert [p.label for p in homonyms[:4]] == [
        "Saint-Pierre (La Réunion)",
        "Saint-Pierre (Saint-Pierre-et-Miquelon)",
        "Saint-Pierre (Martinique)",
        "Saint-Pierre (Bas-Rhin, 67)",
    ]
    assert [p.territory for p in homonyms[:4]] == ["974", "975", "972", "metropole"]


def test_saint_denis_offers_seine_saint_denis_and_la_reunion_by_population():
    found = places.search("saint denis")
    assert not found.clear
    first_two = found.places[:2]
    assert {p.label for p in first_two} == {
        "Saint-Denis (Seine-Saint-Denis, 93)",
        "Saint-Denis (La Réunion)",
    }
    # By INSEE's legal populations (2026): La Réunion's 155,634, Seine-Saint-Denis's 149,077.
    populations = [
        communes.by_code(p.id).population for p in found.places if p.id in {"97411", "93066"}
    ]
    assert populations == sorted(populations, reverse=True)


def test_every_homonym_is_offered_even_past_ten():
    found = places.search("Sainte-Colombe")
    assert len([p for p in found.places if p.name == "Sainte-Colombe"]) == 12


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Saint-Pierre 97500", "97502"),
        ("Saint-Pierre Martinique", "97225"),
        ("Saint-Denis de La Réunion", "97411"),
        ("Saint-Denis 93", "93066"),
        ("saint denis seine-saint-denis", "93066"),
        # A label read back, in either language.
        ("Saint-Denis (Seine-Saint-Denis, 93)", "93066"),
        ("Saint-Pierre (Saint-Pierre-et-Miquelon)", "97502"),
        ("Cayenne (French Guiana)", "97302"),
        ("Paris 20e Arrondissement (Paris, 75)", "75120"),
    ],
)
def test_a_departement_or_territory_after_the_name_picks_the_homonym(query, expected):
    found = places.search(query)
    assert found.clear
    assert [p.id for p in found.places] == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Marseile", "13055"), ("Bordaux", "33063"), ("Monpelier", "34172"), ("Grenobel", "38185")],
)
def test_typos_are_forgiven_but_never_taken_silently(query, expected):
    found = places.search(query)
    assert found.places[0].id == expected
    assert not found.clear


def test_typos_rank_a_large_town_before_a_closer_village():
    # "Monpelier" is one edit from Montélier (4,000 people), two from Montpellier (300,000).
    assert ids("Monpelier")[:2] == ["34172", "26197"]
    # Same distance: the more populous first (Bayonne before Bayon and Bayons).
    assert ids("Bayone")[0] == "64102"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Marseilles", "13055"),
        ("Lyons", "69123"),
        ("Dunkirk", "59183"),
        ("Rheims", "51454"),
        ("Naoned", "44109"),
        ("Havre", "76351"),  # without its article
        ("St-Etienne", "42218"),
        ("ste maxime", "83115"),
    ],
)
def test_other_names_and_short_forms_find_the_town_first_and_clearly(query, expected):
    found = places.search(query)
    assert found.places[0].id == expected
    assert found.clear


def test_marseilles_is_marseille_before_marseilles_les_aubigny():
    assert ids("Marseilles")[:2] == ["13055", "18139"]


def test_the_other_names_table_is_normalised_and_names_no_commune():
    for name, code in OTHER_NAMES.items():
        assert communes.normalise(name) == name
        assert communes.by_code(code) is not None, name
        assert communes.by_name(name) == [], name


@pytest.mark.parametrize(
    ("query", "expected", "name"),
    [
        ("75020", "75120", "Paris 20e Arrondissement"),
        ("75001", "75101", "Paris 1er Arrondissement"),
        ("75116", "75116", "Paris 16e Arrondissement"),
        ("75016", "75116", "Paris 16e Arrondissement"),
        ("69003", "69383", "Lyon 3e Arrondissement"),
        ("69009", "69389", "Lyon 9e Arrondissement"),
        ("13008", "13208", "Marseille 8e Arrondissement"),
        ("13016", "13216", "Marseille 16e Arrondissement"),
        ("Lyon 3", "69383", "Lyon 3e Arrondissement"),
        ("Lyon 3e", "69383", "Lyon 3e Arrondissement"),
        ("Paris 20e", "75120", "Paris 20e Arrondissement"),
        ("paris 20ème arrondissement", "75120", "Paris 20e Arrondissement"),
        ("Marseille 8e", "13208", "Marseille 8e Arrondissement"),
        ("Marseilles 8th", "13208", "Marseille 8e Arrondissement"),
    ],
)
def test_arrondissement_postcodes_and_names_land_in_the_arrondissement(query, expected, name):
    found = places.search(query)
    assert found.clear
    (place,) = found.places
    assert (place.id, place.name, place.territory) == (expected, name, "metropole")


def test_an_arrondissement_is_placed_inside_it_not_at_the_city_centre():
    paris = communes.by_code("75056")
    twentieth = places.search("75020").places[0]
    # Paris's town hall is 3.9 km from the 20th's (place Gambetta).
    assert abs(twentieth.lon - paris.lon) > 0.05
    assert 48.85 < twentieth.lat < 48.88
    assert 2.38 < twentieth.lon < 2.41
    assert len(communes.all_arrondissements()) == 45
    for arrondissement in communes.all_arrondissements():
        assert communes.by_code(arrondissement.city).department == arrondissement.department
        assert arrondissement.postcodes


@pytest.mark.parametrize("query", ["Lyon", "69003", "Paris", "Nouméa", "Noume", "75", "97500"])
def test_one_clear_match_goes_straight_to_it(query):
    assert places.search(query).clear


@pytest.mark.parametrize("query", ["Saint-Pierre", "Valence", "69", "2A", "Bordaux", "Mars"])
def test_several_places_not_obviously_one_are_a_choice(query):
    found = places.search(query)
    assert len(found.places) > 1
    assert not found.clear


def test_exact_then_prefix_then_typos():
    found = labels("Lyon")
    assert found[0] == "Lyon (Rhône, 69)"
    assert found[1] == "Lyons-la-Forêt (Eure, 27)"  # begins with "Lyon"
    assert "Laon (Aisne, 02)" in found[2:]  # one edit away


def test_labels_are_in_the_pages_language():
    with translation.override("fr"):
        assert labels("Cayenne")[0] == "Cayenne (Guyane)"
        assert labels("Nouméa")[0] == "Nouméa (Nouvelle-Calédonie)"
        assert labels("Paris")[0] == "Paris (75)"
    with translation.override("en"):
        assert labels("Cayenne")[0] == "Cayenne (French Guiana)"
        assert labels("Nouméa")[0] == "Nouméa (New Caledonia)"
        assert labels("Saint-Denis 93")[0] == "Saint-Denis (Seine-Saint-Denis, 93)"


def test_pick_takes_the_chosen_place_among_the_querys_and_ignores_a_stale_one():
    chosen = places.pick("Saint-Pierre", "97225")
    assert chosen.clear
    assert [p.label for p in chosen.places] == ["Saint-Pierre (Martinique)"]
    # The town was changed after the choice: the old choice no longer counts.
    assert places.pick("Lyon", "97225").places[0].id == "69123"
    assert places.pick("Saint-Pierre", "nonsense").places == places.search("Saint-Pierre").places


def test_a_query_takes_a_few_milliseconds_over_every_commune():
    places.search("Marseile")  # builds the indexes once
    timings = []
    for query in ["Marseile", "Bordaux", "Saint-Pierre", "Lyon 3e", "75020", "Clermont-Ferand"]:
        start = time.perf_counter()
        places.search(query)
        timings.append(time.perf_counter() - start)
    # A few milliseconds on an idle machine; the margin is for a loaded test runner.
    assert statistics.median(timings) < 0.05


def test_the_wsgi_module_builds_the_place_search_before_a_server_forks():
    # In a new process, as gunicorn's master imports the application (preload_app).
    built = ("_name_keys", "_keys_by_length", "_by_postcode", "_arrondissements_by_number")
    check = (
        "import enlieusur.wsgi\nfrom gazetteer import communes, places\n"
        + "".join(
            f"assert communes.{name}.cache_info().currsize == 1, {name!r}\n" for name in built
        )
        + "assert places._qualifiers.cache_info().currsize == 1\n"
    )
    subprocess.run(  # noqa: S603 (our interpreter, our code)
        [sys.executable, "-c", check], check=True, cwd=settings.BASE_DIR
    )
