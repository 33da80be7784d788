"""The SMS webhook through Django's test client, against real PostGIS: requests signed
exactly as Twilio signs them (tests/twilio_signing.py), answers read from the TwiML."""

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from defusedxml import ElementTree
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import Client

from partners.domain.ratelimit import fingerprint
from partners.models import Partner, PartnerEvent
from sms import gsm
from tests import twilio_signing as twilio
from tests.factories import OpeningIntervalFactory, PartnerFactory, every_day, hidden_partners

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Monday noon in Lyon.
NOON = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)
LYON_3 = (4.84902, 45.76029)  # the gazetteer's Lyon 3e Arrondissement
SEINE_SAINT_DENIS = (2.35976, 48.93697)


@pytest.fixture
def sms(settings_sms):
    settings_sms.SMS_RATE_LIMIT = 10
    return settings_sms


@pytest.fixture
def now():
    with time_machine.travel(NOON, tick=False):
        yield NOON


def near(lonlat, east_metres: float) -> Point:
    """A point ``east_metres`` east of ``lonlat`` (about 78 km a degree at Lyon)."""
    return Point(lonlat[0] + east_metres / 78_000, lonlat[1], srid=4326)


def lyon_partner(name: str, metres: float, *, hours=("00:00", "23:59"), **fields) -> Partner:
    fields.setdefault("address", f"{int(metres)} rue Paul Bert")
    partner = PartnerFactory(
        approved=True,
        name=name,
        postcode="69003",
        city="Lyon",
        department="69",
        phone="+33478000000",
        location=near(LYON_3, metres),
        **fields,
    )
    if hours:
        every_day(partner, *hours)
    return partner


def post(body: str = "", *, params=None, headers=None, client=None, **options):
    params = params or twilio.message(body, **options)
    data, signed_headers = twilio.signed(params)
    return (client or Client()).generic(
        "POST",
        twilio.WEBHOOK_PATH,
        data,
        content_type="application/x-www-form-urlencoded",
        headers={**signed_headers, **(headers or {})},
    )


def reply(response) -> str:
    """The text the webhook sends back ("" for none), after checking its TwiML."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    assert [child.tag for child in root] == ["Message"] * len(messages)
    return messages[0].text if messages else ""


def assert_fits(text: str) -> None:
    assert gsm.segments(text).segments <= 3, text


@pytest.mark.django_db
def test_the_three_nearest_places_open_now_with_address_phone_and_closing_time(sms, now):
    lyon_partner("Quatrième", 1500)
    lyon_partner("Deuxième", 400)
    lyon_partner("Première", 100, hours=("08:00", "19:00"))
    lyon_partner("Troisième", 900)
    lyon_partner("Fermée maintenant", 50, hours=("20:00", "23:00"))
    lyon_partner("Sans horaires", 60, hours=None)
    hidden_partners(near(LYON_3, 10))

    text = reply(post("LYON 3"))

    assert_fits(text)
    lines = text.splitlines()
    assert lines[0] == "Lieux surs ouverts près de Lyon 3e Arrondissement :"
    assert lines[1] == (
        "1. Première, 100 rue Paul Bert, 69003 Lyon, 04 78 00 00 00, Ouvert jusqu'à 19:00 (100 m)"
    )
    assert lines[2].startswith("2. Deuxième, 400 rue Paul Bert")
    assert lines[2].endswith("Ouvert jusqu'à 23:59 (400 m)")
    assert lines[3].startswith("3. Troisième, 900 rue Paul Bert")
    assert lines[4:] == ["Danger : 17 ou 112, SMS 114"]
    assert "Caché" not in text
    assert "Fermée" not in text


@pytest.mark.django_db
def test_a_postcode_and_an_arrondissement_find_the_same_places(sms, now):
    lyon_partner("Médiathèque Paul Bert", 100)
    assert reply(post("69003")) == reply(post("lyon 3e"))


@pytest.mark.django_db
def test_en_answers_in_english(sms, now):
    lyon_partner("Médiathèque Paul Bert", 100)
    text = reply(post("EN LYON 3"))
    assert text.splitlines()[0] == "Safe places open near Lyon 3e Arrondissement:"
    assert "Open until 23:59 (100 m)" in text
    assert text.splitlines()[-1] == "Danger: 17 or 112, SMS 114"


@pytest.mark.django_db
def test_an_address_goes_through_the_geocoder_like_the_page(sms, now, geocoder):
    lyon_partner("Médiathèque Paul Bert", 100)
    geocoder.answer = {
        "features": [
            {
                "geometry": {"coordinates": list(LYON_3)},
                "properties": {"label": "12 Rue Paul Bert 69003 Lyon", "postcode": "69003"},
            }
        ]
    }
    text = reply(post("12 rue Paul Bert 69003"))
    assert text.startswith("Lieux surs ouverts près de 12 Rue Paul Bert 69003 Lyon :\n1. Médiath")
    assert geocoder.queries[0]["q"] == ["12 rue Paul Bert 69003"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "first_words"),
    [
        ("AIDE", "En lieu sur : envoyez une ville"),
        ("aide", "En lieu sur : envoyez une ville"),
        ("HELP", "En lieu sur: text a town"),
        ("EN", "En lieu sur: text a town"),
        ("", "En lieu sur : envoyez une ville"),
        ("   \n ", "En lieu sur : envoyez une ville"),
    ],
)
def test_help_says_what_to_send(sms, body, first_words):
    text = reply(post(body))
    assert text.startswith(first_words)
    assert "LYON 3, 69003, 12 rue Paul Bert 69003" in text
    assert_fits(text)


@pytest.mark.django_db
def test_nothing_open_within_reach_says_so_gives_the_numbers_and_the_next_to_open(sms, now):
    partner = lyon_partner("Mairie du 3e", 300, hours=None)
    OpeningIntervalFactory(partner=partner, weekday=1, opens="14:00", closes="18:00")

    text = reply(post("69003"))

    assert_fits(text)
    lines = text.splitlines()
    assert lines[0] == "Aucun lieu sur ouvert à moins de 50 km."
    assert lines[1] == (
        "Le plus proche qui ouvrira : Mairie du 3e, 300 rue Paul Bert, 69003 Lyon, "
        "04 78 00 00 00, Fermé, ouvre à 14:00 (300 m)"
    )
    assert lines[2].startswith("Numéros : 17 Police; 112 Tous les secours; SMS 114")
    assert "3919" in lines[2]
    assert lines[3] == "Danger : 17 ou 112, SMS 114"


@pytest.mark.django_db
def test_overseas_the_territorys_own_numbers(sms, now):
    text = reply(post("Nouméa"))
    assert_fits(text)
    assert text.splitlines()[0] == "Aucun lieu sur ouvert à moins de 50 km."
    assert "SMS 50 00 67" in text
    assert "3919" not in text
    assert text.splitlines()[-1] == "Danger : 17 ou 112, SMS 50 00 67"


@pytest.mark.django_db
def test_homonyms_get_a_numbered_choice_remembered_for_that_number_only(sms, now):
    PartnerFactory(
        approved=True, name="Bourse du travail", department="93", postcode="93200",
        city="Saint-Denis", location=Point(*SEINE_SAINT_DENIS, srid=4326),
    )  # fmt: skip
    every_day(Partner.objects.get(name="Bourse du travail"), "00:00", "23:59")

    text = reply(post("Saint-Denis"))

    assert text.splitlines() == [
        'Plusieurs lieux s\'appellent "Saint-Denis" :',
        "1. Saint-Denis (La Réunion)",
        "2. Saint-Denis (Seine-Saint-Denis, 93)",
        "3. Saint-Denis (Aude, 11)",
        "Répondez 1, 2 ou 3.",
        "Danger : 17 ou 112, SMS 114",
    ]
    chosen = reply(post("2"))
    assert chosen.startswith("Lieux surs ouverts près de Saint-Denis :\n1. Bourse du travail")
    other = reply(post("2", sender="+33699999999"))
    assert other.startswith("Aucun choix en attente pour ce numéro")
    # The choice is kept under a salted hash: the number is nowhere in the cache.
    stored = repr(cache._cache)
    assert "612345678" not in stored
    assert f"sms:choice:{fingerprint(twilio.SENDER)}" in stored


@pytest.mark.django_db
def test_a_choice_is_answered_in_the_language_it_was_offered_in(sms, now):
    reply(post("EN Saint-Denis"))
    assert reply(post("1")).startswith("No safe place open within 50 km.")


@pytest.mark.django_db
def test_a_misspelt_town_gets_a_suggestion_to_confirm(sms, now):
    lyon_partner("Médiathèque Paul Bert", 100)
    text = reply(post("Lyom"))
    assert text.startswith("Vouliez-vous dire Lyon (Rhone, 69) ? Répondez 1.")
    assert reply(post("1")).startswith("Lieux surs ouverts près de Lyon :\n1. Médiathèque")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "first_line"),
    [
        # The page's sentence, its « » made GSM-7.
        ("Xyzzyqwv", 'Aucune ville ni aucun code postal ne correspond à "Xyzzyqwv".'),
        ("🌈🌈🌈", "Aucune ville ni aucun code postal ne correspond à votre message."),
        ("Лион", "Aucune ville ni aucun code postal ne correspond à votre message."),
        ("x" * 2000, "Votre message est trop long."),
        ("7", "Aucun choix en attente pour ce numéro : envoyez d'abord une ville."),
    ],
)
def test_bad_input_gets_a_clean_answer(sms, body, first_line):
    text = reply(post(body))
    assert text.splitlines()[0] == first_line
    assert text.splitlines()[-1] == "Danger : 17 ou 112, SMS 114"
    assert_fits(text)


@pytest.mark.django_db
def test_long_names_and_addresses_still_fit_in_three_segments(sms, now):
    for metres in (100, 200, 300):
        lyon_partner(
            "Maison des associations et de la vie citoyenne ✨ " * 3,
            metres,
            address="Centre commercial régional, bâtiment œ, 125 bis avenue du Général Leclerc",
        )
    text = reply(post("LYON 3"))
    assert_fits(text)
    assert text.startswith("Lieux surs ouverts près de Lyon 3e Arrondissement :\n1. Maison")
    assert text.endswith("\nDanger : 17 ou 112, SMS 114")


@pytest.mark.django_db
def test_without_a_configured_gateway_the_webhook_does_not_exist(settings):
    settings.TWILIO_AUTH_TOKEN = settings.SMS_WEBHOOK_URL = ""
    assert post("LYON 3").status_code == 404
    assert Client().get(twilio.WEBHOOK_PATH).status_code == 404
    assert Client().post("/sms/autre/").status_code == 404


@pytest.mark.django_db
def test_post_only(sms):
    response = Client().get(twilio.WEBHOOK_PATH, {"Body": "LYON 3"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_a_missing_or_forged_signature_is_refused(sms):
    params = twilio.message("LYON 3")
    data, headers = twilio.signed(params)
    client = Client()

    def send(body, **changed):
        return client.generic(
            "POST",
            twilio.WEBHOOK_PATH,
            body,
            content_type="application/x-www-form-urlencoded",
            headers={**headers, **changed},
        )

    without = {k: v for k, v in headers.items() if k != "X-Twilio-Signature"}
    assert client.generic(
        "POST", twilio.WEBHOOK_PATH, data,
        content_type="application/x-www-form-urlencoded", headers=without,
    ).status_code == 403  # fmt: skip
    assert send(data, **{"X-Twilio-Signature": "Zm9yZ2Vk"}).status_code == 403
    other_token = twilio.signature(params, token="another-account-token")
    assert send(data, **{"X-Twilio-Signature": other_token}).status_code == 403
    other_url = twilio.signature(params, url="https://evil.example/sms/twilio/")
    assert send(data, **{"X-Twilio-Signature": other_url}).status_code == 403
    assert send(data.replace(b"LYON", b"PARIS")).status_code == 403
    # The signed request itself goes through, once.
    assert send(data).status_code == 200


@pytest.mark.django_db
def test_the_signature_with_the_urls_port_is_accepted_as_twilio_may_send_it(sms):
    params = twilio.message("AIDE")
    data, headers = twilio.signed(params, url="https://enlieusur.fr:443/sms/twilio/")
    response = Client().generic(
        "POST", twilio.WEBHOOK_PATH, data,
        content_type="application/x-www-form-urlencoded", headers=headers,
    )  # fmt: skip
    assert reply(response).startswith("En lieu sur")


@pytest.mark.django_db
def test_a_replayed_request_is_not_answered_twice(sms):
    params = twilio.message("AIDE")
    assert reply(post(params=params)).startswith("En lieu sur")
    assert reply(post(params=params)) == ""


@pytest.mark.django_db
def test_a_flood_from_one_number_stops_being_answered(sms):
    sms.SMS_RATE_LIMIT = 3
    assert all(reply(post("AIDE")) for _ in range(3))
    assert reply(post("AIDE")) == ""
    assert reply(post("AIDE", sender="+33611111111")).startswith("En lieu sur")
    assert "612345678" not in repr(cache._cache)


@pytest.mark.django_db
def test_a_message_to_another_number_of_the_account_is_not_answered(sms):
    params = {**twilio.message("AIDE"), "To": "+33799999999"}
    assert reply(post(params=params)) == ""


@pytest.mark.django_db
def test_a_signed_request_that_is_no_message_gets_an_empty_answer(sms):
    assert reply(post(params={"MessageStatus": "delivered", "AccountSid": "AC0"})) == ""


@pytest.mark.django_db
def test_neither_the_number_nor_the_message_reaches_a_log_or_the_database(
    sms, now, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    lyon_partner("Médiathèque Paul Bert", 100)
    partners, events = Partner.objects.count(), PartnerEvent.objects.count()
    reply(post("LYON 3 secret-words"))
    reply(post("Saint-Denis"))

    def broken(place, now):
        raise ValueError(f"cannot answer for {place.name}")

    monkeypatch.setattr("sms.replies.results_text", broken)
    text = reply(post("LYON 3 failing-query"))

    assert text == "Danger : 17 ou 112, SMS 114"
    assert "SMS answer failed (ValueError)" in caplog.text
    for secret in ("612345678", "secret-words", "failing-query", "Lyon", "LYON", "Saint-Denis"):
        assert secret not in caplog.text
    assert (Partner.objects.count(), PartnerEvent.objects.count()) == (partners, events)


@pytest.mark.django_db
def test_the_help_page_gives_the_number_once_the_service_answers_it(settings_sms):
    french = Client().get("/aide/").content.decode()
    assert "Sans internet : par SMS" in french
    assert '<a href="sms:+33700000000">07 00 00 00 00</a>' in french
    english = Client().get("/en/aide/").content.decode()
    assert "Text a town, a postcode or an address to" in english

    settings_sms.TWILIO_AUTH_TOKEN = ""
    assert "par SMS" not in Client().get("/aide/").content.decode()
    settings_sms.TWILIO_AUTH_TOKEN, settings_sms.SMS_NUMBER = twilio.AUTH_TOKEN, ""
    assert "par SMS" not in Client().get("/aide/").content.decode()


@pytest.mark.django_db
def test_every_key_the_webhook_writes_to_redis_expires_and_holds_no_number(
    settings_sms, redis_cache
):
    reply(post("Saint-Denis"))  # a pending choice, a rate-limit count, a message id
    reply(post("AIDE", sender="+33611111111"))

    keys = list(redis_cache.scan_iter())
    assert len(keys) == 5
    assert {key: redis_cache.ttl(key) for key in keys if redis_cache.ttl(key) <= 0} == {}
    stored = b" ".join(keys + [redis_cache.get(key) or b"" for key in keys])
    assert b"612345678" not in stored
    assert b"611111111" not in stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
        ("multipart/form-data", b"garbage"),
        ("application/x-www-form-urlencoded", b"Body=%ZZ&From=%"),
        ("application/x-www-form-urlencoded", b"&".join(b"a%d=1" % n for n in range(1500))),
        ("application/x-www-form-urlencoded", b"Body=" + b"x" * 3_000_000),
        ("application/json", b'{"Body": "LYON"}'),
        ("text/plain", b"\xff\xfe\x00"),
    ],
    ids=["multipart", "no-boundary", "bad-escapes", "1500-fields", "3-MB", "json", "binary"],
)
def test_a_malformed_request_is_refused_without_a_500(settings_sms, content_type, body):
    response = Client(raise_request_exception=False).generic(
        "POST",
        twilio.WEBHOOK_PATH,
        body,
        content_type=content_type,
        headers={"X-Twilio-Signature": "Zm9yZ2Vk"},
    )
    assert response.status_code in {400, 403}
