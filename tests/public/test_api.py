import datetime
import gzip
import json
import random
import re

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone
from geographiclib.geodesic import Geodesic
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partners.models import Kind, Partner, Status
from partners.public import openapi, search
from partners.services import decisions
from tests import servers
from tests.factories import (
    PRIVATE_MARKERS,
    OpeningIntervalFactory,
    PartnerFactory,
    every_day,
    hidden_partners,
    private_contact,
)

pytestmark = pytest.mark.django_db

WGS84 = Geodesic.WGS84
NEAREST = "/api/v1/partners/nearest"

# (lat, lon, département, postcode, town)
PLACES = {
    "Paris": (48.8566, 2.3522, "75", "75004", "Paris"),
    "Nouméa": (-22.2758, 166.4580, "988", "98800", "Nouméa"),
    "Papeete": (-17.5350, -149.5696, "987", "98714", "Papeete"),
    "Saint-Pierre": (46.7811, -56.1764, "975", "97500", "Saint-Pierre"),
}


def _around(lat, lon, rng, count, max_km):
    for _ in range(count):
        line = WGS84.Direct(lat, lon, rng.uniform(0, 360), rng.uniform(50, max_km * 1000))
        yield line["lat2"], line["lon2"]


def _approved_at(lat, lon, department, postcode, town, **fields):
    return PartnerFactory(
        approved=True,
        location=Point(lon, lat, srid=4326),
        department=department,
        postcode=postcode,
        city=town,
        **fields,
    )


@pytest.mark.parametrize("place", list(PLACES))
def test_nearest_order_equals_a_brute_force_geodesic_ranking(client, place):
    lat, lon, department, postcode, town = PLACES[place]
    rng = random.Random(place)
    partners = [
        _approved_at(plat, plon, department, postcode, town)
        for plat, plon in _around(lat, lon, rng, 40, 30)
    ]
    here = WGS84.Inverse
    expected = sorted(partners, key=lambda p: here(lat, lon, p.location.y, p.location.x)["s12"])

    response = client.get(NEAREST, {"lat": lat, "lon": lon, "limit": 25})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [p.pk for p in expected[:25]]
    for result in results:
        geodesic = here(lat, lon, result["lat"], result["lon"])["s12"]
        assert abs(result["distance_m"] - geodesic) <= 1


def _sphere_distance(partner, lat, lon):
    """The distance `<->` orders by: on a sphere."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(location, ST_MakePoint(%s, %s)::geography, false)"
            " FROM partners_partner WHERE id = %s",
            [lon, lat, partner.pk],
        )
        return cursor.fetchone()[0]


def test_nearest_ranks_by_the_spheroid_where_the_sphere_would_swap_two_partners(client):
    # North and east of Paris at almost the same distance: the index's sphere puts the
    # eastern one first, the true distance on the spheroid the northern one.
    lat, lon = 48.8566, 2.3522
    north = WGS84.Direct(lat, lon, 0, 10_000)
    east = WGS84.Direct(lat, lon, 90, 10_020)
    near_north = _approved_at(north["lat2"], north["lon2"], "75", "75004", "Paris")
    far_east = _approved_at(east["lat2"], east["lon2"], "75", "75004", "Paris")
    assert _sphere_distance(far_east, lat, lon) < _sphere_distance(near_north, lat, lon)

    results = client.get(NEAREST, {"lat": lat, "lon": lon, "limit": 1}).json()["results"]

    assert [r["id"] for r in results] == [near_north.pk]
    results = client.get(NEAREST, {"lat": lat, "lon": lon}).json()["results"]
    assert [r["id"] for r in results] == [near_north.pk, far_east.pk]
    assert [r["distance_m"] for r in results] == [10_000, 10_020]


def test_nearest_returns_public_fields_and_opening_state(client):
    partner = PartnerFactory(
        approved=True, name="Médiathèque", phone="+33142000000", website="https://example.org/"
    )
    every_day(partner, "00:00", "23:59")

    result = client.get(NEAREST, {"lat": 48.85, "lon": 2.35}).json()["results"][0]

    assert result["id"] == partner.pk
    assert result["phone"] == "+33142000000"
    assert result["phone_display"] == "01 42 00 00 00"
    assert result["group"] == "public"
    assert result["open_now"] is True
    assert result["next_change"].endswith(("+01:00", "+02:00"))
    assert result["time_zone"] == "Europe/Paris"
    assert result["url"] == f"http://testserver/lieux/{partner.pk}/"
    assert set(result) == set(openapi.PARTNER_PROPERTIES) | {"distance_m", "walking_minutes"}


def test_nearest_filters_by_kind_group_step_free_and_open_now(client):
    at = {"location": Point(2.35, 48.85, srid=4326)}
    library = PartnerFactory(approved=True, kind=Kind.LIBRARY, step_free=True, **at)
    pharmacy = PartnerFactory(approved=True, kind=Kind.PHARMACY, **at)
    closed = PartnerFactory(approved=True, kind=Kind.SHOP, **at)
    every_day(library, "00:00", "23:59")
    every_day(pharmacy, "00:00", "23:59")

    def ids(**params):
        response = client.get(NEAREST, {"lat": 48.85, "lon": 2.35, **params})
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {library.pk, pharmacy.pk, closed.pk}
    assert ids(kind="business") == {pharmacy.pk, closed.pk}
    assert ids(kind="pharmacy") == {pharmacy.pk}
    assert ids(step_free="1") == {library.pk}
    assert ids(open_now="true") == {library.pk, pharmacy.pk}
    assert ids(open_now="1", kind="business") == {pharmacy.pk}


def test_nearest_sql_filters_keep_what_the_orm_filters_keep():
    """The search's SQL and ``search.matching`` (the list page's count, the ORM's view of
    the filters and the reach) must keep the same partners, for every combination of
    filters."""
    rng = random.Random(3)
    now = datetime.datetime(2026, 6, 3, 11, 0, tzinfo=datetime.UTC)
    kinds = list(Kind)
    reach = search.Reach(2.3, 48.8, km=3)
    for n in range(30):
        # Some beyond 3 km, and some of another territory's départements (a test's
        # fiction: the search must go by the département, not by the pin).
        partner = PartnerFactory(
            approved=rng.random() < 0.8,
            kind=rng.choice(kinds),
            step_free=rng.random() < 0.5,
            location=Point(2.3 + n / 500, 48.8, srid=4326),
            department=rng.choice(["75", "75", "2A", "978"]),
        )
        if rng.random() < 0.6:
            every_day(partner, rng.choice(["08:00", "12:00"]), rng.choice(["11:30", "18:00"]))
    for kind in ["", "business", "public", "pharmacy", "school"]:
        for open_now in (False, True):
            for step_free in (False, True):
                filters = {"kind": kind, "open_now": open_now, "step_free": step_free, "now": now}
                rows = search.nearest(reach, **filters, limit=search.MAX_LIMIT)
                matching = search.matching(**filters, reach=reach)
                expected = set(matching.values_list("pk", flat=True))
                assert {row["id"] for row in rows} == expected, filters
                assert all(row["distance"] <= 3000 for row in rows)
    assert search.matching(reach=reach).exclude(territory_code="metropole").count() == 0
    assert search.matching().exclude(territory_code="metropole").exists()


def test_nearest_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for i in range(30):
        partner = PartnerFactory(approved=True, location=Point(2.35 + i / 1000, 48.85))
        every_day(partner, "08:00", "20:00")
    with django_assert_max_num_queries(4):
        response = client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "limit": 50})
    assert response.json()["count"] == 30


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "48.8"},
        {"lon": "2.3"},
        {"lat": "", "lon": "2.3"},
        {"lat": "abc", "lon": "2.3"},
        {"lat": "NaN", "lon": "2.3"},
        {"lat": "48.8", "lon": "inf"},
        {"lat": "-Infinity", "lon": "2.3"},
        {"lat": "91", "lon": "2.3"},
        {"lat": "-90.5", "lon": "2.3"},
        {"lat": "48.8", "lon": "180.01"},
        {"lat": "1e400", "lon": "2.3"},
        {"lat": "48.8", "lon": "2.3", "limit": "51"},
        {"lat": "48.8", "lon": "2.3", "limit": "99999999999999999999999"},
        {"lat": "48.8", "lon": "2.3", "limit": "0"},
        {"lat": "48.8", "lon": "2.3", "limit": "-3"},
        {"lat": "48.8", "lon": "2.3", "limit": "ten"},
        {"lat": "48.8", "lon": "2.3", "kind": "casino"},
        {"lat": "48.8", "lon": "2.3", "open_now": "maybe"},
        {"lat": "48.8", "lon": "2.3", "step_free": "yes please"},
    ],
)
def test_bad_nearest_parameters_answer_400_with_a_json_error(client, params):
    response = client.get(NEAREST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


_PARAM_TEXT = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "1", "0", "true", "nan", "business", "pharmacy", "-0", "1e9"]),
)


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["lat", "lon", "limit", "kind", "open_now", "step_free", "other"]),
        _PARAM_TEXT,
    )
)
def test_nearest_never_fails_whatever_the_parameters(client, params):
    response = client.get(NEAREST, params)
    assert response.status_code in {200, 400}
    body = response.json()
    assert ("results" in body) if response.status_code == 200 else body["error"]


def test_hidden_partners_never_appear_in_any_api_output(client):
    shown = PartnerFactory(approved=True, name="Visible", **private_contact())
    hidden = hidden_partners(shown.location)

    geojson = client.get("/api/v1/partners.geojson")
    nearest = client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "limit": 50})

    assert [f["id"] for f in geojson.json()["features"]] == [shown.pk]
    assert [r["id"] for r in nearest.json()["results"]] == [shown.pk]
    assert client.get(f"/api/v1/partners/{shown.pk}").status_code == 200
    for partner in hidden:
        detail = client.get(f"/api/v1/partners/{partner.pk}")
        assert detail.status_code == 404
        assert detail.json() == {"error": "Aucun partenaire agréé ne porte cet identifiant."}
        for response in (geojson, nearest):
            assert partner.name.encode() not in response.content


def test_no_private_field_in_any_api_output(client):
    partner = PartnerFactory(approved=True, **private_contact())
    every_day(partner, "09:00", "18:00")
    hidden_partners(partner.location)

    for url in (
        "/api/v1/partners.geojson",
        f"{NEAREST}?lat=48.85&lon=2.35&limit=50",
        f"/api/v1/partners/{partner.pk}",
        "/api/v1/openapi.json",
    ):
        body = client.get(url, headers={"accept-encoding": "identity"}).content.decode()
        assert partner.name in body or url.endswith("openapi.json")
        for marker in PRIVATE_MARKERS:
            assert marker not in body, (url, marker)
        assert "contact" not in body, url


def test_partner_detail_adds_hours_and_charter_version(client):
    partner = PartnerFactory(approved=True, name="<img src=x onerror=alert(1)>")
    every_day(partner, "22:00", "02:00")

    response = client.get(f"/api/v1/partners/{partner.pk}")

    data = response.json()
    assert response["Content-Type"] == "application/json"
    assert data["name"] == "<img src=x onerror=alert(1)>"
    assert data["opening_hours"][0] == {"weekday": 1, "opens": "22:00", "closes": "02:00"}
    assert data["charter_version"] == partner.charter.version
    assert set(data) == set(openapi.PARTNER_PROPERTIES) | set(openapi.DETAIL_PROPERTIES)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/partners/abc", "/api/v1/nothing", "/api/v1/partners/1/x", "/api/v1/partners/a%0Ab"],
)
def test_unknown_api_addresses_answer_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "openapi.json" in response.json()["error"]


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_places_never_fails_whatever_the_query(client, q):
    response = client.get("/api/v1/places", {"q": q})
    assert response.status_code in {200, 400}
    assert isinstance(response.json(), list) or response.json()["error"]


def test_unknown_partner_id_answers_404_json_in_the_clients_language(client):
    response = client.get("/api/v1/partners/99999999999999999999999")
    assert response.status_code == 404
    assert response.json()["error"] == "Aucun partenaire agréé ne porte cet identifiant."
    english = client.get("/api/v1/partners/0", headers={"accept-language": "en"})
    assert english.json()["error"] == "No approved partner has this id."
    assert english.headers["Content-Language"] == "en"


def test_geojson_is_gzipped_and_revalidates_with_etag_and_last_modified(client):
    PartnerFactory(approved=True, name="Médiathèque")

    first = client.get("/api/v1/partners.geojson", headers={"accept-encoding": "gzip, br"})

    assert first["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.content))["features"][0]["properties"]["name"] == (
        "Médiathèque"
    )
    assert first["ETag"].startswith('"')  # strong: not W/"…"
    assert "Accept-Encoding" in first["Vary"]
    again = client.get(
        "/api/v1/partners.geojson",
        headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]},
    )
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(
        "/api/v1/partners.geojson", headers={"if-modified-since": first["Last-Modified"]}
    )
    assert since.status_code == 304
    plain = client.get("/api/v1/partners.geojson", headers={"if-none-match": first["ETag"]})
    assert plain.status_code == 200  # the identity body has its own ETag
    assert "Content-Encoding" not in plain


def test_past_the_limit_the_geojson_sends_to_the_daily_file_and_says_why(client, settings):
    settings.GEOJSON_MAX_PARTNERS = 2
    PartnerFactory.create_batch(3, approved=True)
    response = client.get("/api/v1/partners.geojson")  # checked against the OpenAPI document
    assert response.status_code == 303
    assert response["Location"] == "http://testserver/donnees/lieux-surs.geojson"
    body = response.json()
    assert body["error"].startswith("Le réseau compte 3 partenaires : trop pour une seule")
    assert body["changes"] == "http://testserver/api/v1/partners/changes"
    english = client.get("/api/v1/partners.geojson", headers={"accept-language": "en"})
    assert "too many for one answer" in english.json()["error"]
    settings.GEOJSON_MAX_PARTNERS = 3
    assert client.get("/api/v1/partners.geojson").status_code == 200


def test_geojson_changes_when_a_partner_is_approved_or_renamed(client):
    partner = PartnerFactory(approved=True, name="Ancien nom")
    first = client.get("/api/v1/partners.geojson")

    partner.name = "Nouveau nom"
    partner.save()
    renamed = client.get("/api/v1/partners.geojson", headers={"if-none-match": first["ETag"]})
    assert renamed.status_code == 200
    assert "Nouveau nom" in renamed.content.decode()

    decisions.approve_partner(partner=PartnerFactory(name="Nouvelle venue"), actor="test")
    approved = client.get("/api/v1/partners.geojson", headers={"if-none-match": renamed["ETag"]})
    assert "Nouvelle venue" in approved.content.decode()


def test_geojson_is_modified_when_a_partner_leaves(client):
    staying = PartnerFactory(approved=True, name="Reste")
    leaving = PartnerFactory(approved=True, name="Part")
    first = client.get("/api/v1/partners.geojson")

    # HTTP dates count whole seconds: leave a little later.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        leaving.status = Status.WITHDRAWN  # as the venue's "leave the network" service does
        leaving.save()
    since = client.get(
        "/api/v1/partners.geojson", headers={"if-modified-since": first["Last-Modified"]}
    )

    assert since.status_code == 200
    assert [f["id"] for f in since.json()["features"]] == [staying.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/partners.geojson",
        f"{NEAREST}?lat=48.8&lon=2.3",
        f"{NEAREST}?lat=nan&lon=2.3",
        "/api/v1/places?q=Lyon",
        "/api/v1/openapi.json",
    ],
)
def test_api_is_open_to_every_origin_and_sets_no_cookie(client, url):
    response = client.get(url, headers={"origin": "https://app.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies


def test_api_answers_cors_preflights(client):
    response = client.options(
        "/api/v1/partners.geojson",
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "ETag" in client.get("/api/v1/partners.geojson")["Access-Control-Expose-Headers"]


def test_api_refuses_writes(client):
    response = client.post(NEAREST, {"lat": 1, "lon": 1})
    assert response.status_code == 405


# Places


def _names(client, q):
    response = client.get("/api/v1/places", {"q": q})
    assert response.status_code == 200
    return [place["name"] for place in response.json()]


def test_places_finds_towns_by_name_prefix_ignoring_accents_and_case(client):
    assert _names(client, "NOUME")[0] == "Nouméa"
    assert _names(client, "saint-den")[:2] == ["Saint-Denis", "Saint-Denis"]
    assert _names(client, "hay les")[0] == "L'Haÿ-les-Roses"
    assert len(_names(client, "sa")) == 10
    assert _names(client, "xqzw") == []


def test_places_finds_towns_by_postcode_or_departement_prefix(client):
    place = client.get("/api/v1/places", {"q": "97500"}).json()[0]
    assert place["name"] == "Saint-Pierre"
    assert place["department"] == "975"
    assert "97500" in place["postcodes"]
    assert _names(client, "69")[0] == "Lyon"
    assert _names(client, "988")[0] == "Nouméa"
    assert _names(client, "2A")[0] == "Ajaccio"


def test_an_unknown_postcode_still_leads_somewhere(client):
    places = client.get("/api/v1/places", {"q": "13999"}).json()
    assert places
    assert all(p["department"] == "13" for p in places)
    assert all(p["postcodes"][0].startswith("139") for p in places)


def test_places_reads_a_town_out_of_a_longer_query(client):
    assert _names(client, "Lyon centre")[0] == "Lyon"
    assert _names(client, "3 rue Sainte-Catherine 33000")[0] == "Bordeaux"


def test_places_offers_every_homonym_with_its_id_label_and_territory(client):
    places = client.get("/api/v1/places", {"q": "Saint-Pierre"}).json()
    by_id = {p["id"]: p for p in places}
    assert {"97416", "97502", "97225"} <= set(by_id)
    assert by_id["97502"]["label"] == "Saint-Pierre (Saint-Pierre-et-Miquelon)"
    assert by_id["97502"]["territory"] == "975"
    assert by_id["97502"]["postcodes"] == ["97500"]
    assert by_id["97225"]["label"] == "Saint-Pierre (Martinique)"
    assert not any(p["clear_match"] for p in places)


def test_places_labels_follow_the_clients_language(client):
    french = client.get("/api/v1/places", {"q": "Cayenne"}).json()[0]
    english = client.get("/api/v1/places", {"q": "Cayenne"}, headers={"accept-language": "en"})
    assert french["label"] == "Cayenne (Guyane)"
    assert english.json()[0]["label"] == "Cayenne (French Guiana)"
    assert french["clear_match"] is True


def test_places_place_parameter_returns_the_chosen_homonym_alone(client):
    chosen = client.get("/api/v1/places", {"q": "Saint-Pierre", "place": "97225"}).json()
    assert [(p["id"], p["clear_match"]) for p in chosen] == [("97225", True)]
    # Not one of the query's places: ignored.
    stale = client.get("/api/v1/places", {"q": "Lyon", "place": "97225"}).json()
    assert stale[0]["id"] == "69123"
    bad = client.get("/api/v1/places", {"q": "Lyon", "place": "Lyon"})
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("place :")


def test_places_finds_arrondissements_typos_and_english_names(client):
    twentieth = client.get("/api/v1/places", {"q": "75020"}).json()
    assert [(p["id"], p["name"], p["clear_match"]) for p in twentieth] == [
        ("75120", "Paris 20e Arrondissement", True)
    ]
    assert _names(client, "Marseile")[0] == "Marseille"
    english = client.get("/api/v1/places", {"q": "Marseilles"}, headers={"accept-language": "en"})
    marseille = english.json()[0]
    assert (marseille["label"], marseille["clear_match"]) == (
        "Marseille (Bouches-du-Rhône, 13)",
        True,
    )


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_places_refuses_an_empty_or_huge_query(client, q):
    response = client.get("/api/v1/places", {"q": q})
    assert response.status_code == 400
    assert response.json()["error"]


def test_places_geocodes_full_addresses_when_a_geocoder_is_set(client, geocoder, caplog):
    geocoder.answer = {
        "features": [
            {
                "geometry": {"type": "Point", "coordinates": [2.331, 48.8687]},
                "properties": {"label": "8 Rue de la Paix 75002 Paris", "postcode": "75002"},
            }
        ]
    }
    places = client.get("/api/v1/places", {"q": "8 rue de la paix paris"}).json()
    assert places[0] == {
        "id": None,
        "label": "8 Rue de la Paix 75002 Paris",
        "territory": "metropole",
        "clear_match": True,
        "name": "8 Rue de la Paix 75002 Paris",
        "postcodes": ["75002"],
        "department": "75",
        "lat": 48.8687,
        "lon": 2.331,
    }
    assert "rue de la paix" not in caplog.text.lower()


def test_places_fall_back_to_the_gazetteer_when_the_geocoder_fails(client, settings, caplog):
    settings.GEOCODER_URL = f"http://127.0.0.1:{servers.free_port()}/search/"  # nothing listens

    assert _names(client, "Lyon 3e")[0] == "Lyon 3e Arrondissement"
    assert "The geocoder failed" in caplog.text
    assert "lyon" not in caplog.text.lower()


# OpenAPI


def test_openapi_describes_every_api_route(client):
    document = client.get("/api/v1/openapi.json").json()
    (api_urls,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"]
    routes = {
        "/" + re.sub(r"<int:(\w+)>", r"{\1}", str(p.pattern).replace("<int:pk>", "{id}"))
        for p in api_urls.url_patterns
        if p.name != "not_found"
    }
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == routes
    for name in ("partners_geojson", "partners_nearest", "places", "openapi"):
        assert reverse(f"api:{name}") in document["paths"]


def test_nearest_orders_by_the_spatial_index(client):
    for i in range(5):
        PartnerFactory(approved=True, location=Point(2.35 + i / 100, 48.85, srid=4326))
    with CaptureQueriesContext(connection) as queries:
        client.get(NEAREST, {"lat": 48.85, "lon": 2.35, "limit": 2})
    knn = next(q["sql"] for q in queries.captured_queries if " <-> " in q["sql"])
    with connection.cursor() as cursor:
        # A test table is tiny: forbid scanning and sorting it to see whether the index
        # can give the order at all (it could not for ST_Distance).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + knn)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using partners_partner_location" in plan
    assert "Order By: (location <-> " in plan


# Opening state (venue-local), as the API and the pages show it


def _state_at(partner, iso):
    partner = Partner.objects.prefetch_related("opening_intervals").get(pk=partner.pk)
    is_open, change = search.opening_state(partner, datetime.datetime.fromisoformat(iso))
    return is_open, change.isoformat() if change else None


def test_opening_state_across_midnight_and_days_off():
    bar = PartnerFactory(approved=True)
    OpeningIntervalFactory(partner=bar, weekday=5, opens=datetime.time(18), closes=datetime.time(2))
    # Friday 5 June 2026, 23:00 in Paris: open until Saturday 02:00, then closed till Friday.
    assert _state_at(bar, "2026-06-05T23:00+02:00") == (True, "2026-06-06T02:00:00+02:00")
    assert _state_at(bar, "2026-06-06T03:00+02:00") == (False, "2026-06-12T18:00:00+02:00")
    always = PartnerFactory(approved=True)  # back-to-back intervals: never closes
    every_day(always, "00:00", "12:00")
    every_day(always, "12:00", "00:00")
    assert _state_at(always, "2026-06-05T12:00+02:00") == (True, None)
    never = PartnerFactory(approved=True)
    assert _state_at(never, "2026-06-05T12:00+02:00") == (False, None)


def test_opening_state_is_read_in_the_venues_zone():
    noumea = PartnerFactory(
        approved=True, department="988", postcode="98800", location=Point(166.45, -22.27)
    )
    every_day(noumea, "08:00", "17:00")
    # 23:00 UTC is 10:00 the next day in Nouméa (UTC+11).
    assert _state_at(noumea, "2026-06-05T23:00+00:00") == (True, "2026-06-06T17:00:00+11:00")
    assert (
        Partner.objects.open_at(datetime.datetime.fromisoformat("2026-06-05T23:00+00:00")).get()
        == noumea
    )


def test_public_version_is_remembered_for_its_ttl_then_read_again(settings):
    settings.PUBLIC_VERSION_TTL = 60
    PartnerFactory(approved=True)
    before = search.public_version()
    PartnerFactory(approved=True)
    assert search.public_version() == before
    cache.clear()
    assert search.public_version() != before
