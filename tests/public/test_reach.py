"""A search answers only places within reach: at most 50 km (``max_km`` may lower it), in
the searched point's own territory; when nothing (or nothing open) is within reach, the
API and the list page say so, give the territory's numbers and the nearest place that
opens next."""

import datetime
import re

import pytest
import time_machine
from geographiclib.geodesic import Geodesic

from partners.public import search
from tests.factories import OpeningIntervalFactory, every_day
from tests.public.test_api import _approved_at

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/partners/nearest"
WGS84 = Geodesic.WGS84

# (lat, lon, département, postcode, town)
PARIS = (48.8566, 2.3522, "75", "75004", "Paris")
PAPEETE = (-17.5350, -149.5696, "987", "98714", "Papeete")
MATA_UTU = (-13.2825, -176.1736, "986", "98600", "Mata-Utu")
NOUMEA = (-22.2758, 166.4580, "988", "98800", "Nouméa")
CAYENNE = (4.9372, -52.3260, "973", "97300", "Cayenne")
KOUROU = (5.1598, -52.6503, "973", "97310", "Kourou")
SAINT_LAURENT = (5.4982, -54.0325, "973", "97320", "Saint-Laurent-du-Maroni")
CAMBO = (43.3580, -1.4010, "64", "64250", "Cambo-les-Bains")
MARIGOT = (18.0678, -63.0847, "978", "97150", "Marigot")
GUSTAVIA = (17.8962, -62.8498, "977", "97133", "Gustavia")
AT_SEA = (30.0, -40.0)  # the middle of the North Atlantic

# Thursday 3 December 2026, 03:00 in Paris (UTC+1); 16:00 on Wednesday in Papeete
# (UTC-10), 13:00 on Thursday in Nouméa (UTC+11), 23:00 on Wednesday in Cayenne (UTC-3).
PARIS_3AM = datetime.datetime(2026, 12, 3, 2, 0, tzinfo=datetime.UTC)
# Saturday 5 December 2026, 03:00 in Nouméa; 17:00 on Friday in Paris.
NOUMEA_3AM = datetime.datetime(2026, 12, 4, 16, 0, tzinfo=datetime.UTC)


def place(where, metres=0.0, bearing=0.0, **fields):
    lat, lon, department, postcode, town = where
    if metres:
        line = WGS84.Direct(lat, lon, bearing, metres)
        lat, lon = line["lat2"], line["lon2"]
    return _approved_at(lat, lon, department, postcode, town, **fields)


def nearest(client, where, at=None, **params):
    lat, lon = where[:2]
    with time_machine.travel(at or PARIS_3AM, tick=False):
        response = client.get(NEAREST, {"lat": lat, "lon": lon, **params})
    assert response.status_code == 200, response.content
    return response.json()


def ids(body) -> list[int]:
    return [result["id"] for result in body["results"]]


def test_from_paris_at_3am_open_now_answers_nothing_and_never_papeete(client):
    paris = place(PARIS, 800, name="Bibliothèque du Marais")
    every_day(paris, "08:00", "19:00")
    papeete = place(PAPEETE, name="Auto-école Les Tilleuls")
    every_day(papeete, "08:00", "18:00")  # open: 16:00 in Papeete

    body = nearest(client, PARIS, open_now="1")

    assert body["count"] == 0
    assert body["results"] == []
    assert body["territory"] == {"code": "metropole", "name": "France métropolitaine et Corse"}
    assert body["max_km"] == 50
    assert body["message"] == "Aucun lieu sûr ouvert à moins de 50 km."
    assert body["next_open"]["partner"]["id"] == paris.pk
    assert body["next_open"]["opens_at"] == "2026-12-03T08:00:00+01:00"
    assert "Tilleuls" not in str(body)
    numbers = [line["number"] for line in body["helplines"]]
    assert numbers[:2] == ["17", "112"]
    assert {"3919", "119"} <= set(numbers)
    # Papeete's own searchers find it.
    assert ids(nearest(client, PAPEETE, open_now="1")) == [papeete.pk]


def test_the_search_itself_keeps_to_the_territory_and_the_reach():
    paris = place(PARIS, 1000)
    far = place(PARIS, 60_000)
    place(PAPEETE)
    every_day(paris, "08:00", "19:00")

    def found(**filters):
        rows = search.nearest(search.Reach(PARIS[1], PARIS[0]), now=PARIS_3AM, **filters)
        return [row["id"] for row in rows]

    assert found() == [paris.pk]
    assert found(open_now=True) == []
    assert found(opens_later=True) == [paris.pk]
    assert far.pk not in found(limit=50)


def test_from_wallis_never_noumea(client):
    wallis = place(MATA_UTU, 2000)
    place(NOUMEA)

    body = nearest(client, MATA_UTU, limit=50)

    assert ids(body) == [wallis.pk]
    assert body["territory"]["code"] == "986"


def test_a_neighbouring_territory_within_50_km_is_not_within_reach(client):
    # Gustavia (Saint-Barthélemy) is about 31 km from Marigot (Saint-Martin).
    marigot = place(MARIGOT, 500)
    place(GUSTAVIA)
    lat, lon = MARIGOT[:2]
    assert WGS84.Inverse(lat, lon, GUSTAVIA[0], GUSTAVIA[1])["s12"] < 50_000

    assert ids(nearest(client, MARIGOT, limit=50)) == [marigot.pk]
    assert nearest(client, GUSTAVIA, limit=50)["territory"]["code"] == "977"


def test_from_cayenne_only_french_guiana_within_50_km(client):
    # 23:00 in Cayenne, 03:00 in Cambo-les-Bains: the mainland's early bakery is open.
    cayenne = place(CAYENNE, 300)
    kourou = place(KOUROU)
    place(SAINT_LAURENT)
    cambo = place(CAMBO, name="Boulangerie de Cambo")
    every_day(cambo, "02:00", "20:00")
    every_day(cayenne, "07:00", "19:00")
    every_day(kourou, "07:00", "19:00")

    everything = nearest(client, CAYENNE, limit=50)
    open_now = nearest(client, CAYENNE, open_now="1")

    assert ids(everything) == [cayenne.pk, kourou.pk]
    assert everything["territory"] == {"code": "973", "name": "Guyane"}
    assert open_now["results"] == []
    assert open_now["next_open"]["partner"]["id"] == cayenne.pk
    assert open_now["next_open"]["opens_at"] == "2026-12-03T07:00:00-03:00"
    assert "Cambo" not in str(open_now)


def test_a_point_at_sea_answers_nothing_plainly(client):
    place(PARIS)

    body = nearest(client, AT_SEA, limit=50)

    assert body["results"] == []
    assert body["territory"] is None
    assert body["next_open"] is None
    assert body["helplines"] == []
    assert "aucun territoire du réseau" in body["message"]
    english = client.get(
        NEAREST, {"lat": AT_SEA[0], "lon": AT_SEA[1]}, headers={"accept-language": "en"}
    ).json()
    assert english["message"] == (
        "No safe place within reach: this position is in none of the network's territories."
    )


def test_max_km_lowers_the_reach(client):
    near = place(PARIS, 1500)
    middle = place(PARIS, 4000)
    far = place(PARIS, 45_000)

    assert ids(nearest(client, PARIS)) == [near.pk, middle.pk, far.pk]
    assert ids(nearest(client, PARIS, max_km="5")) == [near.pk, middle.pk]
    assert ids(nearest(client, PARIS, max_km="2.5")) == [near.pk]
    nothing = nearest(client, PARIS, max_km="0.5")
    assert nothing["max_km"] == 0.5
    assert nothing["message"] == "Aucun lieu sûr à moins de 0,5 km."


@pytest.mark.parametrize("value", ["0", "-1", "50.5", "51", "nan", "inf", "far"])
def test_max_km_outside_0_to_50_is_refused_plainly(client, value):
    response = client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "max_km": value})
    assert response.status_code == 400
    assert response.json()["error"].startswith("max_km: ")


def test_a_distance_is_ranked_exactly_at_the_edge_of_the_reach(client):
    inside = place(PARIS, 49_950)
    place(PARIS, 50_050)

    assert ids(nearest(client, PARIS)) == [inside.pk]


def test_nothing_open_in_noumea_at_3am_gives_the_next_opening_and_its_day(client):
    # Saturday 03:00 in Nouméa: the nearest has no hours, the next opens on Monday only.
    place(NOUMEA, 100, name="Sans horaires")
    monday = place(NOUMEA, 900, name="Mairie du lundi")
    OpeningIntervalFactory(partner=monday, weekday=1, opens="08:00", closes="12:00")
    later = place(NOUMEA, 3000, name="Ouvre à 7 h")
    every_day(later, "07:00", "17:00")

    body = nearest(client, NOUMEA, at=NOUMEA_3AM, open_now="1")

    assert body["results"] == []
    assert body["territory"]["code"] == "988"
    assert body["message"] == "Aucun lieu sûr ouvert à moins de 50 km."
    assert body["next_open"]["partner"]["name"] == "Mairie du lundi"
    assert body["next_open"]["opens_at"] == "2026-12-07T08:00:00+11:00"
    numbers = {line["number"] for line in body["helplines"]}
    assert {"17", "112"} <= numbers
    assert "3919" not in numbers  # cannot be dialled in New Caledonia


def test_next_open_keeps_the_other_filters_and_only_comes_when_nothing_is_open(client):
    library = place(PARIS, 500, kind="library")
    pharmacy = place(PARIS, 900, kind="pharmacy")
    every_day(library, "08:00", "19:00")
    every_day(pharmacy, "09:00", "19:00")

    body = nearest(client, PARIS, open_now="1", kind="pharmacy")
    assert body["next_open"]["partner"]["id"] == pharmacy.pk
    assert body["message"] == "Aucun lieu sûr ouvert à moins de 50 km ne correspond à ces filtres."
    midday = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=datetime.UTC)
    assert nearest(client, PARIS, at=midday, open_now="1")["next_open"] is None
    assert nearest(client, PARIS)["next_open"] is None  # no "open now": nothing to wait for


# The list page (/lieux/), without JavaScript.


def list_page(client, where=None, at=None, path="/lieux/", **params):
    if where:
        params |= {"lat": where[0], "lon": where[1]}
    with time_machine.travel(at or PARIS_3AM, tick=False):
        return client.get(path, params)


def listed(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<h2><a href="/(?:en/)?lieux/(\d+)/">', response.text)]


def test_list_from_paris_at_3am_says_nothing_is_open_and_what_to_do(client):
    paris = place(PARIS, 3200, name="Bibliothèque du Marais")
    every_day(paris, "08:00", "19:00")
    papeete = place(PAPEETE, name="Auto-école Les Tilleuls")
    every_day(papeete, "08:00", "18:00")

    response = list_page(client, PARIS, open_now="on")

    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.text)
    assert "Aucun lieu sûr ouvert à moins de 50 km." in text
    assert "Que faire maintenant" in text
    assert 'href="tel:17"' in text
    assert "Le plus proche ouvre à 08:00 : Bibliothèque du Marais, à 3,2 km." in text
    assert f'href="/lieux/{paris.pk}/"' in text
    assert "Tilleuls" not in text


def test_list_in_english_gives_the_day_when_it_is_not_today(client):
    monday = place(NOUMEA, 900, name="Town hall")
    OpeningIntervalFactory(partner=monday, weekday=1, opens="08:00", closes="12:00")

    response = list_page(client, NOUMEA, at=NOUMEA_3AM, path="/en/lieux/", open_now="on")

    text = re.sub(r"\s+", " ", response.text)
    assert "No safe place open within 50 km." in text
    assert "The nearest opens Monday at 08:00: Town hall, 900 m away." in text
    # New Caledonia's numbers, in the header and as large call links.
    assert 'class="call urgent" href="tel:17"' in text
    assert 'href="tel:3919"' not in text


def test_list_keeps_to_the_reach_and_the_max_km(client):
    near = place(PARIS, 1500)
    far = place(PARIS, 45_000)
    place(PAPEETE)

    assert listed(list_page(client, PARIS)) == [near.pk, far.pk]
    limited = list_page(client, PARIS, max_km="10")
    assert listed(limited) == [near.pk]
    assert 'name="max_km" value="10"' in limited.text
    refused = list_page(client, PARIS, max_km="0")
    assert refused.status_code == 400
    assert "La distance indiquée n’est pas valide" in refused.text


def test_list_at_sea_says_no_territory_and_shows_no_place(client):
    place(PARIS)
    response = list_page(client, AT_SEA)
    assert response.status_code == 200
    assert "aucun territoire du réseau" in response.text
    assert listed(response) == []
    assert "Que faire maintenant" not in response.text  # no numbers, nothing opens later


def test_list_and_api_give_the_same_ids_in_the_same_order(client):
    partners = [place(PARIS, 300 + 700 * i, bearing=37 * i) for i in range(25)]
    for partner in partners[::2]:
        every_day(partner, "00:00", "23:59")
    midday = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=datetime.UTC)

    for filters in ({}, {"open_now": "1"}):
        api = ids(nearest(client, PARIS, at=midday, limit=20, **filters))
        page = listed(list_page(client, PARIS, at=midday, **filters))
        assert page == api
        assert len(api) == (20 if not filters else 13)
