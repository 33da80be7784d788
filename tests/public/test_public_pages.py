import datetime
import html
import re

import pytest
import time_machine
from django.contrib.gis.geos import Point
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gazetteer import communes
from partners.models import Kind, Status
from partners.public import views
from tests.factories import (
    PRIVATE_MARKERS,
    PartnerFactory,
    every_day,
    hidden_partners,
    private_contact,
)

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"
LYON = Point(4.8357, 45.7640, srid=4326)


def _lyon_partners(count):
    return [
        PartnerFactory(
            approved=True,
            name=f"Lieu lyonnais {i}",
            location=Point(4.8357 + i / 500, 45.7640 + (i % 7) / 700, srid=4326),
            department="69",
            postcode="69001",
            city="Lyon",
        )
        for i in range(count)
    ]


def _listed_ids(response):
    return [int(pk) for pk in re.findall(r'<h2><a href="/(?:en/)?lieux/(\d+)/">', response.text)]


def test_list_is_sorted_by_distance_from_a_town_like_the_api(client):
    partners = _lyon_partners(25)

    page_one = client.get("/lieux/", {"q": "Lyon"})
    page_two = client.get("/lieux/", {"q": "Lyon", "page": 2})
    (lyon,) = communes.by_name("Lyon")
    api = client.get(
        "/api/v1/partners/nearest", {"lat": lyon.lat, "lon": lyon.lon, "limit": 25}
    ).json()

    assert page_one.status_code == 200
    assert "Lyon (Rhône, 69)" in page_one.text
    listed = _listed_ids(page_one) + _listed_ids(page_two)
    assert sorted(listed) == sorted(p.pk for p in partners)
    assert len(_listed_ids(page_one)) == 20
    # The API from the same point (Lyon in the gazetteer) agrees.
    assert listed == [r["id"] for r in api["results"]]


def test_list_finds_places_by_postcode_and_shows_distance_and_actions(client):
    partner = PartnerFactory(approved=True, phone="+33142000000")

    response = client.get("/lieux/", {"q": "75004"})

    assert _listed_ids(response) == [partner.pk]
    assert "tel:+33142000000" in response.text
    assert "Appeler 01 42 00 00 00" in response.text
    # Without JavaScript, OpenStreetMap's walking directions (directions.js picks the
    # phone's own maps app: tests/public/test_home_phone_browser.py).
    assert (
        'href="https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&amp;'
        'to=48.856600%2C2.352200"'
    ) in response.text
    assert "geo:" not in response.text
    assert re.search(r"<strong>\d+(,\d)? k?m</strong>", response.text)


def test_list_filters_by_kind_group_open_now_and_step_free(client):
    library = PartnerFactory(approved=True, kind=Kind.LIBRARY, step_free=True)
    pharmacy = PartnerFactory(approved=True, kind=Kind.PHARMACY)
    every_day(pharmacy, "00:00", "23:59")

    def ids(**params):
        return set(_listed_ids(client.get("/lieux/", {"q": "Paris", **params})))

    assert ids() == {library.pk, pharmacy.pk}
    assert ids(kind="business") == {pharmacy.pk}
    assert ids(kind="public") == {library.pk}
    assert ids(open_now="on") == {pharmacy.pk}
    assert ids(step_free="on") == {library.pk}


def test_list_from_a_position_without_javascript(client):
    near = PartnerFactory(approved=True, location=Point(2.30, 48.80, srid=4326))
    far = PartnerFactory(approved=True, location=Point(2.60, 48.95, srid=4326))

    response = client.get("/lieux/", {"lat": "48.8", "lon": "2.3"})

    assert _listed_ids(response) == [near.pk, far.pk]
    assert 'type="hidden" name="lat" value="48.8"' in response.text


def test_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for partner in _lyon_partners(45):
        every_day(partner, "00:00", "23:59")
    for params in ({"q": "Lyon", "page": 2}, {"open_now": "on"}, {"lat": 45.7, "lon": 4.8}):
        # The count, the page, its partners, their hours and their closures.
        with django_assert_max_num_queries(5):
            response = client.get("/lieux/", params)
        assert len(_listed_ids(response)) == 20


def test_list_explains_a_bad_position_or_an_unknown_town_and_keeps_the_query(client):
    bad = client.get("/lieux/", {"lat": "nan", "lon": "2.3", "kind": "pharmacy"})
    assert bad.status_code == 400
    assert "La position indiquée n’est pas valide." in bad.text
    assert '<option value="pharmacy" selected>' in bad.text

    unknown = client.get("/lieux/", {"q": "Zzyzxville"})
    assert unknown.status_code == 200
    assert "Aucune ville ni aucun code postal ne correspond à « Zzyzxville »" in unknown.text
    assert 'value="Zzyzxville"' in unknown.text


def test_list_offers_the_homonyms_to_choose_from_and_no_results(client):
    PartnerFactory(approved=True)  # in Paris: nothing must be listed before a choice

    response = client.get("/lieux/", {"q": "Saint-Pierre", "kind": "public", "open_now": "on"})

    assert response.status_code == 200
    text = response.text.replace("\xa0", " ")
    assert "Plusieurs lieux correspondent à « Saint-Pierre » : choisissez" in text
    assert _listed_ids(response) == []
    links = dict(
        (html.unescape(label), html.unescape(href))
        for href, label in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', response.text)
    )
    assert links["Saint-Pierre (Martinique)"] == (
        "?q=Saint-Pierre&kind=public&open_now=on&place=97225"
    )
    assert "Saint-Pierre (Saint-Pierre-et-Miquelon)" in links
    assert "Saint-Pierre (La Réunion)" in links
    assert "Saint-Pierre (Bas-Rhin, 67)" in links


def test_list_shows_the_results_of_the_chosen_homonym_and_keeps_the_choice(client):
    martinique = PartnerFactory(
        approved=True, department="972", location=Point(-61.178, 14.743, srid=4326)
    )
    PartnerFactory(approved=True, department="974", location=Point(55.478, -21.339, srid=4326))

    response = client.get("/lieux/", {"q": "Saint-Pierre", "place": "97225"})

    assert "Lieux sûrs près de Saint-Pierre (Martinique)" in response.text
    assert _listed_ids(response)[0] == martinique.pk
    # A filter changed from this page keeps the place chosen.
    assert 'type="hidden" name="place" value="97225"' in response.text


def test_list_goes_straight_to_one_clear_match(client):
    for query, label in [
        ("Lyon", "Lyon (Rhône, 69)"),
        ("69003", "Lyon 3e Arrondissement (Rhône, 69)"),
        ("Paris", "Paris (75)"),
        ("Saint-Pierre 97500", "Saint-Pierre (Saint-Pierre-et-Miquelon)"),
    ]:
        response = client.get("/lieux/", {"q": query})
        assert f"Lieux sûrs près de {label}" in html.unescape(response.text), query
        assert "place-choices" not in response.text


def test_list_asks_before_taking_a_name_read_through_a_typo(client):
    response = client.get("/en/lieux/", {"q": "Marseile"})
    text = html.unescape(response.text)
    assert "Is this the place you mean by “Marseile”?" in text
    assert '<a href="?q=Marseile&place=13055">Marseille (Bouches-du-Rhône, 13)</a>' in text


def test_list_near_a_town_with_no_partner_says_so(client):
    response = client.get("/en/lieux/", {"q": "Brest", "open_now": "on"})
    assert response.status_code == 200
    assert "Safe places near Brest (Finistère, 29)" in response.text
    assert "No safe place open within 50 km." in response.text
    assert "What to do now" in response.text


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["q", "lat", "lon", "kind", "open_now", "step_free", "page"]),
        st.one_of(
            st.text(max_size=40),
            st.floats().map(str),
            st.sampled_from(["Paris", "75004", "97", "2A", "1", "on", "business", "-1", "99"]),
        ),
    )
)
def test_list_never_fails_whatever_the_parameters(client, params):
    response = client.get("/lieux/", params)
    assert response.status_code in {200, 400}
    assert "<h1>" in response.text


def test_list_in_french_by_default_and_english_under_en(client):
    PartnerFactory(approved=True)
    french = client.get("/lieux/")
    english = client.get("/en/lieux/", {"q": "Paris"})
    assert '<html lang="fr">' in french.text
    assert 'href="/en/lieux/" hreflang="en" lang="en">English</a>' in french.text
    assert '<html lang="en">' in english.text
    assert 'href="/lieux/?q=Paris" hreflang="fr" lang="fr">Français</a>' in english.text


def test_partner_page_shows_hours_in_the_venues_zone_and_the_charter(client):
    partner = PartnerFactory(
        approved=True,
        name="Pharmacie du Port",
        department="988",
        postcode="98800",
        city="Nouméa",
        location=Point(166.45, -22.27, srid=4326),
    )
    every_day(partner, "08:00", "17:00")
    # Monday 1 June 2026, 07:30 in Nouméa (UTC+11): closed, opens at 08:00.
    at = datetime.datetime(2026, 5, 31, 20, 30, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        response = client.get(f"/en/lieux/{partner.pk}/")

    assert response.status_code == 200
    assert "Closed, opens at 08:00" in response.text
    assert "(Nouméa time)" in response.text
    assert "Hours in Nouméa time." in response.text
    assert "Pacific/Noumea" not in response.text
    assert '<tr class="today">' in response.text
    assert partner.sticker_number in response.text
    assert f"version {partner.charter.version}" in response.text
    assert "<details" in response.text


@pytest.mark.parametrize("status", [s for s in Status if s != Status.APPROVED])
def test_partner_page_is_404_unless_approved(client, status):
    partner = PartnerFactory(
        status=status, sticker_number="75-77777" if status != Status.PENDING else None
    )
    assert client.get(f"/lieux/{partner.pk}/").status_code == 404


def test_huge_partner_id_is_404(client):
    assert client.get("/lieux/99999999999999999999999/").status_code == 404


def test_sticker_check_says_genuine_and_valid_with_the_venue(client):
    partner = PartnerFactory(approved=True, name="Bibliothèque Louise Michel")
    response = client.get(f"/verif/{partner.sticker_number.lower()}/")
    assert response.status_code == 200
    assert (
        "is genuine and valid"
        in client.get(f"/en/verif/{partner.sticker_number}/").content.decode()
    )
    assert "Bibliothèque Louise Michel" in response.text
    assert f'href="/lieux/{partner.pk}/"' in response.text


@pytest.mark.parametrize(
    ("status", "wording"),
    [
        (Status.SUSPENDED, "is suspended"),
        (Status.REVOKED, "is no longer valid"),
        (Status.WITHDRAWN, "is no longer valid"),
    ],
)
def test_sticker_check_of_a_former_partner_says_not_valid_without_naming_it(
    client, status, wording
):
    PartnerFactory(status=status, sticker_number="75-00123", name="Ancien Lieu")
    response = client.get("/en/verif/75-00123/")
    assert response.status_code == 200
    assert wording in response.text
    assert "Ancien Lieu" not in response.text
    assert "genuine and valid" not in response.text


def test_sticker_check_of_an_unknown_number_is_404_and_warns_of_a_fake(client):
    response = client.get("/en/verif/75-31337/")
    assert response.status_code == 404
    assert "may be a fake" in response.text


def test_sticker_check_form_redirects_to_the_number(client):
    response = client.get("/verif/", {"number": " 75-00042 "})
    assert response.status_code == 302
    assert response["Location"] == "/verif/75-00042/"
    spaced = client.get("/verif/", {"number": "971 00043"})
    assert spaced["Location"] == "/verif/971-00043/"
    assert client.get("/verif/").status_code == 200
    bad = client.get("/en/verif/", {"number": "x" * 30})
    assert "looks like 75-00042" in bad.text
    assert 'value="' + "x" * 30 + '"' in bad.text


@pytest.mark.parametrize("url", ["/aide/", "/a-propos/", "/en/aide/", "/en/a-propos/"])
def test_help_and_about_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'href="https://meteofrance.com/"' in response.text
    assert "/rejoindre/" in response.text
    assert "/confidentialite/" in response.text


def test_help_page_gives_every_territory_s_numbers_from_the_one_table(client):
    from partners.domain import helplines

    body = client.get("/aide/").text
    assert "Les numéros dans les territoires d’outre-mer" in body
    for code, lines in helplines.TABLE.items():
        for line in lines:
            assert f'href="{line.href}"' in body, (code, line.number)
    caledonia = body.split("Nouvelle-Calédonie</h3>")[1].split("</ul>")[0]
    assert "05 11 11" in caledonia
    assert "3919" not in caledonia


def test_help_page_is_honest_about_quick_exit(client):
    response = client.get("/en/aide/")
    assert "does not erase your browsing history" in response.text
    assert "private window" in response.text


def test_quick_exit_target_is_a_setting_and_no_page_has_inline_script(client, settings):
    settings.QUICK_EXIT_URL = "https://example.org/meteo"
    partner = PartnerFactory(approved=True)
    for url in ("/lieux/", f"/lieux/{partner.pk}/", "/verif/", "/aide/", "/a-propos/"):
        body = client.get(url).text
        assert 'class="quick-exit" href="https://example.org/meteo"' in body
        assert "quick-exit.js" in body
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", body)
        assert " style=" not in body
        assert " on" + "click=" not in body


def test_a_rate_limited_page_has_the_quick_exit(client, settings):
    settings.QUICK_EXIT_URL = "https://example.org/meteo"
    settings.REPORT_RATE_LIMIT = 0
    partner = PartnerFactory(approved=True)
    response = client.post(f"/lieux/{partner.pk}/signaler/", {"reason": "closed", "message": ""})
    assert response.status_code == 429
    assert 'class="quick-exit" href="https://example.org/meteo"' in response.text
    assert 'href="tel:17"' in response.text


def test_public_pages_hide_other_statuses_private_data_and_escape_names(client):
    shown = PartnerFactory(approved=True, name=XSS, **private_contact())
    every_day(shown, "00:00", "23:59")
    hidden = hidden_partners(shown.location)

    urls = [
        "/lieux/",
        "/lieux/?q=Paris",
        "/en/lieux/?q=75004&open_now=on",
        f"/lieux/{shown.pk}/",
        f"/verif/{shown.sticker_number}/",
        *[f"/verif/{p.sticker_number}/" for p in hidden if p.sticker_number],
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.text
        assert XSS not in body
        if "/verif/" not in url or url.endswith(f"{shown.sticker_number}/"):
            assert "&lt;img src=x onerror=alert(1)&gt;" in body, url
        for marker in PRIVATE_MARKERS:
            assert marker not in body, (url, marker)
        for partner in hidden:
            assert partner.name not in body, (url, partner.name)
        assert not response.cookies, url


def test_public_pages_set_no_cookie(client):
    partner = PartnerFactory(approved=True)
    for url in ("/lieux/?q=Paris", f"/lieux/{partner.pk}/", "/verif/", "/aide/", "/en/a-propos/"):
        assert not client.get(url).cookies


def test_list_shows_at_most_ten_pages(client, monkeypatch):
    _lyon_partners(25)
    monkeypatch.setattr(views, "MAX_RESULTS", 22)
    near = client.get("/en/lieux/", {"q": "Lyon", "page": 2})
    everywhere = client.get("/en/lieux/", {"page": 2})
    assert "The 22 nearest places" in near.text
    assert len(_listed_ids(near)) == 2
    assert "The first 22 places" in everywhere.text
    assert len(_listed_ids(everywhere)) == 2
