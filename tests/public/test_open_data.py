"""The network as open data: the daily CSV and GeoJSON files valid against their Table
Schema (frictionless), served with ETag and Last-Modified, and the change feed that keeps a
copy equal to them; never a private field, never a partner that was not public."""

import csv
import datetime
import gzip
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command
from frictionless import Resource, Schema, validate

from partners.models import Kind, PartnerEvent, Status
from partners.public import opendata
from partners.services import decisions, selfservice
from tests.factories import (
    PRIVATE_MARKERS,
    ClosureFactory,
    OpeningIntervalFactory,
    PartnerFactory,
    every_day,
    hidden_partners,
    private_contact,
)

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/partners/changes"
SCHEMA_FILE = Path(settings.BASE_DIR) / "opendata" / "schema.json"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
LATER = opendata.SETTLE + datetime.timedelta(seconds=1)


@pytest.fixture
def open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "opendata"
    return settings.OPEN_DATA_DIR


def _export(directory: Path) -> None:
    call_command("export_open_data", directory=directory, stdout=io.StringIO())


def _schema() -> Schema:
    return Schema.from_descriptor(opendata.table_schema())


def _valid(resource: Resource) -> None:
    report = validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _varied_partners():
    """Approved partners that stretch every column: overseas, overnight and 24 h hours,
    no phone, a note with a comma, quotes and a line break."""
    paris = PartnerFactory(
        approved=True,
        name='Le "Refuge", bar; café',
        kind=Kind.BAR_RESTAURANT,
        phone="+33142000000",
        website="https://example.org/refuge",
        step_free=True,
        accessibility_note="Rampe, côté cour\nsonnette à gauche",
    )
    every_day(paris, "18:00", "02:00")
    noumea = PartnerFactory(
        approved=True,
        name="Pharmacie de la Baie",
        kind=Kind.PHARMACY,
        department="988",
        postcode="98800",
        city="Nouméa",
        location=Point(166.458, -22.2758, srid=4326),
    )
    every_day(noumea, "00:00", "00:00")
    PartnerFactory(approved=True, name="Sans horaires", kind=Kind.TOWN_HALL)
    return paris, noumea


def test_the_committed_schema_is_the_one_the_code_describes(client):
    # Regenerate: manage.py export_open_data --schema > opendata/schema.json
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == opendata.table_schema()
    assert client.get("/donnees/schema.json").json() == committed


def test_the_schema_is_a_complete_table_schema():
    descriptor = opendata.table_schema()
    assert not list(Schema.metadata_validate(descriptor))
    assert [f["name"] for f in descriptor["fields"]] == opendata.csv_header()
    for field in descriptor["fields"]:
        assert all(field[key] for key in ("title", "description", "example")), field["name"]
    # Its examples make a valid row.
    examples = [
        [f["name"] for f in descriptor["fields"]],
        [f["example"] for f in descriptor["fields"]],
    ]
    _valid(Resource(data=examples, schema=_schema()))


def test_the_schema_refuses_what_the_data_never_holds():
    header = opendata.csv_header()
    good = dict(zip(header, (f["example"] for f in opendata.table_schema()["fields"]), strict=True))
    for column, value in [
        ("kind", "casino"),
        ("phone", "01 42 00 00 00"),
        ("postcode", "7500"),
        ("opening_hours_osm", "lundi 9h-18h"),
        ("opening_hours_osm", "Mo-Fr 09:00-18:00; 2026-12-24 off"),
        ("opening_hours_osm", "Mo-Fr 09:00-18:00, 2026 Dec 24 off"),
        ("opening_hours_osm", "2026 Dec 24 off"),
        ("lat", "91"),
        ("step_free", "oui"),
        ("name", ""),
    ]:
        row = good | {column: value}
        report = validate(Resource(data=[header, [row[name] for name in header]], schema=_schema()))
        assert not report.valid, (column, value)


def test_the_daily_files_are_valid_and_describe_the_approved_partners(open_data_dir):
    paris, _noumea = _varied_partners()
    hidden_partners(paris.location)

    _export(open_data_dir)

    csv_path = open_data_dir / opendata.CSV_NAME
    # frictionless reads a path relative to its base path only.
    _valid(Resource(path=csv_path.name, basepath=str(open_data_dir), schema=_schema()))
    with csv_path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["name"] for row in rows] == [
        'Le "Refuge", bar; café',
        "Pharmacie de la Baie",
        "Sans horaires",
    ]
    assert rows[0]["opening_hours_osm"] == "Mo-Su 18:00-02:00"
    assert rows[0]["accessibility_note"] == "Rampe, côté cour\nsonnette à gauche"
    assert rows[0]["phone"] == "+33142000000"
    assert rows[0]["step_free"] == "true"
    assert rows[0]["url"].endswith(f"/lieux/{paris.pk}/")
    assert (rows[1]["territory"], rows[1]["time_zone"]) == ("988", "Pacific/Noumea")
    assert (rows[1]["opening_hours_osm"], rows[1]["phone"]) == ("24/7", "")
    assert rows[2]["opening_hours_osm"] == ""

    geojson = json.loads((open_data_dir / opendata.GEOJSON_NAME).read_text(encoding="utf-8"))
    features = geojson["features"]
    assert [f["id"] for f in features] == [int(row["id"]) for row in rows]
    assert features[1]["geometry"] == {"type": "Point", "coordinates": [166.458, -22.2758]}
    # The properties, with the id and the point, are the CSV's rows in JSON types.
    table = [
        {
            "id": f["id"],
            "lat": f["geometry"]["coordinates"][1],
            "lon": f["geometry"]["coordinates"][0],
        }
        | f["properties"]
        for f in features
    ]
    header = opendata.csv_header()
    _valid(
        Resource(
            data=[header, *([item[name] for name in header] for item in table)], schema=_schema()
        )
    )
    for name in (opendata.CSV_NAME, opendata.GEOJSON_NAME):
        plain = (open_data_dir / name).read_bytes()
        assert gzip.decompress((open_data_dir / f"{name}.gz").read_bytes()) == plain
    assert not [p.name for p in open_data_dir.iterdir() if p.name.startswith(".")]


def test_the_hours_carry_the_closures_not_over_in_the_venues_own_calendar(open_data_dir):
    # 9:00 UTC on Monday 2 November: 10:00 in Paris, still Sunday 1 November in Tahiti.
    paris = PartnerFactory(approved=True, name="Paris")
    papeete = PartnerFactory(
        approved=True,
        name="Papeete",
        department="987",
        postcode="98714",
        city="Papeete",
        location=Point(-149.5585, -17.5516, srid=4326),
    )
    for partner in (paris, papeete):
        for day in range(1, 6):
            OpeningIntervalFactory(partner=partner, weekday=day)
        # Over in both; over in Paris only; going on; across the year's end; one day.
        ClosureFactory(
            partner=partner, starts=datetime.date(2026, 10, 20), ends=datetime.date(2026, 10, 25)
        )
        ClosureFactory(
            partner=partner, starts=datetime.date(2026, 10, 31), ends=datetime.date(2026, 11, 1)
        )
        ClosureFactory(
            partner=partner, starts=datetime.date(2026, 11, 2), ends=datetime.date(2026, 11, 3)
        )
        ClosureFactory(
            partner=partner, starts=datetime.date(2026, 12, 28), ends=datetime.date(2027, 1, 2)
        )
        ClosureFactory(
            partner=partner, starts=datetime.date(2027, 5, 1), ends=datetime.date(2027, 5, 1)
        )

    with time_machine.travel(START, tick=False):
        _export(open_data_dir)

    csv_path = open_data_dir / opendata.CSV_NAME
    _valid(Resource(path=csv_path.name, basepath=str(open_data_dir), schema=_schema()))
    with csv_path.open(encoding="utf-8", newline="") as file:
        hours = {row["name"]: row["opening_hours_osm"] for row in csv.DictReader(file)}
    coming = "2026 Nov 02-2026 Nov 03 off; 2026 Dec 28-2027 Jan 02 off; 2027 May 01 off"
    assert hours == {
        "Paris": f"Mo-Fr 09:00-18:00; {coming}",
        "Papeete": f"Mo-Fr 09:00-18:00; 2026 Oct 31-2026 Nov 01 off; {coming}",
    }


def test_the_feed_reports_a_partner_whose_closures_changed(client):
    with time_machine.travel(START, tick=False):
        partner = PartnerFactory(approved=True)
        OpeningIntervalFactory(partner=partner)
    since = START + datetime.timedelta(hours=1)
    closure = (datetime.date(2026, 12, 24), datetime.date(2026, 12, 26), "congés")
    with time_machine.travel(since + datetime.timedelta(minutes=1), tick=False):
        selfservice.update_partner(partner=partner, changes={"closures": [closure]})
    with time_machine.travel(since + datetime.timedelta(minutes=1) + LATER, tick=False):
        page = _feed(client, since.isoformat())
    assert _changes(page) == [(partner.pk, "changed")]
    assert page["changes"][0]["partner"]["opening_hours_osm"] == (
        "Mo 09:00-18:00; 2026 Dec 24-2026 Dec 26 off"
    )

    # Its closure withdrawn: changed again, the hours alone.
    later = since + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        selfservice.update_partner(partner=partner, changes={"closures": []})
    with time_machine.travel(later + LATER, tick=False):
        page = _feed(client, (later - datetime.timedelta(seconds=1)).isoformat())
    assert _changes(page) == [(partner.pk, "changed")]
    assert page["changes"][0]["partner"]["opening_hours_osm"] == "Mo 09:00-18:00"


def test_no_private_data_in_any_open_data_output(client, open_data_dir):
    # Every private field of a public partner holds a marker, and so do its history's
    # reasons and its changes awaiting review; partners in every hidden status hold them too.
    with time_machine.travel(START, tick=False):
        partner = PartnerFactory(
            approved=True,
            siret="73282932000074",
            pending_changes={"name": "Nouveau nom secret"},
            **private_contact(),
        )
        every_day(partner, "09:00", "18:00")
        PartnerEvent.objects.create(partner=partner, reason="Raison secrète de la décision")
        hidden = hidden_partners(partner.location)
        for other in hidden:
            PartnerEvent.objects.create(partner=other, reason="Raison secrète de la décision")
    markers = (*PRIVATE_MARKERS, "73282932000074", "Nouveau nom secret", "Raison secrète")

    with time_machine.travel(START + LATER, tick=False):
        _export(open_data_dir)
        outputs = {
            name: (open_data_dir / name).read_bytes()
            for name in (opendata.CSV_NAME, opendata.GEOJSON_NAME)
        }
        outputs |= {
            f"{name}.gz": gzip.decompress((open_data_dir / f"{name}.gz").read_bytes())
            for name in (opendata.CSV_NAME, opendata.GEOJSON_NAME)
        }
        outputs["schema"] = client.get("/donnees/schema.json").content
        outputs["feed"] = client.get(CHANGES, {"since": "2026-01-01T00:00:00Z"}).content

    for name, content in outputs.items():
        text = content.decode()
        assert partner.name in text or name == "schema", name
        for marker in markers:
            assert marker not in text, (name, marker)
        assert "contact" not in text, name
        for other in hidden:
            assert other.name not in text, (name, other.status)


# Serving the files: a stable address, streamed, revalidated.


def test_before_the_first_export_the_files_answer_404_with_a_french_message(client, open_data_dir):
    response = client.get("/donnees/lieux-surs.csv")
    assert response.status_code == 404
    assert response["Retry-After"] == "3600"
    assert "en préparation" in response.content.decode()
    english = client.get("/donnees/lieux-surs.geojson", headers={"accept-language": "en"})
    assert "being prepared" in english.content.decode()


@pytest.mark.parametrize(
    ("url", "name", "content_type"),
    [
        ("/donnees/lieux-surs.csv", opendata.CSV_NAME, "text/csv; charset=utf-8"),
        ("/donnees/lieux-surs.geojson", opendata.GEOJSON_NAME, "application/geo+json"),
    ],
)
def test_the_files_are_streamed_with_etag_and_last_modified(
    client, open_data_dir, url, name, content_type
):
    _varied_partners()
    _export(open_data_dir)

    response = client.get(url, headers={"accept-encoding": "identity"})

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == (open_data_dir / name).read_bytes()
    assert response["Content-Type"] == content_type
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=3600"
    etag, modified = response["ETag"], response["Last-Modified"]

    unchanged = client.get(url, headers={"if-none-match": etag, "accept-encoding": "identity"})
    assert unchanged.status_code == 304
    since = client.get(url, headers={"if-modified-since": modified, "accept-encoding": "identity"})
    assert since.status_code == 304

    compressed = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["ETag"] != etag
    body = gzip.decompress(b"".join(compressed.streaming_content))
    assert body == (open_data_dir / name).read_bytes()
    assert "Accept-Encoding" in compressed["Vary"]

    PartnerFactory(approved=True, name="Nouveau lieu")
    _export(open_data_dir)
    renewed = client.get(url, headers={"if-none-match": etag, "accept-encoding": "identity"})
    assert renewed.status_code == 200
    assert renewed["ETag"] != etag
    assert "Nouveau lieu" in b"".join(renewed.streaming_content).decode()


def test_a_failed_export_leaves_the_previous_files(open_data_dir):
    PartnerFactory(approved=True, name="Premier")
    _export(open_data_dir)
    before = (open_data_dir / opendata.CSV_NAME).read_bytes()

    def broken():
        yield opendata.record  # not a record: the writer fails on it
        raise AssertionError("never reached")

    with pytest.raises(TypeError):
        opendata.write_files(open_data_dir, broken())

    assert (open_data_dir / opendata.CSV_NAME).read_bytes() == before
    assert sorted(p.name for p in open_data_dir.iterdir()) == [
        "lieux-surs.csv",
        "lieux-surs.csv.gz",
        "lieux-surs.geojson",
        "lieux-surs.geojson.gz",
    ]


# The change feed.


def _feed(client, since: str, **params) -> dict:
    response = client.get(CHANGES, {"since": since, **params})
    assert response.status_code == 200, response.content
    return response.json()


def _changes(page: dict) -> list[tuple[int, str]]:
    return [(entry["id"], entry["change"]) for entry in page["changes"]]


def test_the_feed_lists_added_changed_and_removed_partners_never_the_never_public(client):
    with time_machine.travel(START, tick=False):
        kept = PartnerFactory(approved=True, name="Inchangé")
        edited = PartnerFactory(approved=True, name="Modifié")
        leaving = PartnerFactory(approved=True, name="Suspendu")
        withdrawing = PartnerFactory(approved=True, name="Parti")
        applicant = PartnerFactory(name="Candidat")
    since = START + datetime.timedelta(hours=1)
    with time_machine.travel(since + datetime.timedelta(minutes=1), tick=False):
        decisions.approve_partner(partner=applicant)
        selfservice.update_partner(partner=edited, changes={"phone": "+33142000001"})
        decisions.suspend_partner(partner=leaving, by=None, reason="Raison à taire")
        selfservice.withdraw_partner(partner=withdrawing)
        # Never public: an application rejected, one withdrawn, one pending, one unconfirmed.
        decisions.reject_partner(partner=PartnerFactory(), by=None, reason="Hors charte")
        selfservice.withdraw_partner(partner=PartnerFactory())
        PartnerFactory(name="En attente")
        PartnerFactory(status=Status.UNCONFIRMED)

    with time_machine.travel(since + datetime.timedelta(minutes=1) + LATER, tick=False):
        page = _feed(client, since.isoformat())

    assert sorted(_changes(page)) == sorted(
        [
            (applicant.pk, "added"),
            (edited.pk, "changed"),
            (leaving.pk, "removed"),
            (withdrawing.pk, "removed"),
        ]
    )
    assert kept.pk not in [entry["id"] for entry in page["changes"]]
    by_id = {entry["id"]: entry for entry in page["changes"]}
    assert by_id[edited.pk]["partner"]["phone"] == "+33142000001"
    assert by_id[applicant.pk]["partner"]["sticker_number"]
    assert by_id[leaving.pk]["partner"] is None
    assert "Raison" not in json.dumps(page)
    assert page["more"] is False
    assert page["count"] == 4


def test_changes_show_once_settled_and_the_next_sync_starts_where_one_ended(client):
    with time_machine.travel(START, tick=False):
        first = PartnerFactory(approved=True)
        page = _feed(client, "2026-11-01T00:00:00Z")
        # Saved this very instant: its transaction may not have committed for a reader.
        assert page["changes"] == []
        assert page["until"] == "2026-11-02T08:59:30.000000Z"
        assert page["next"].endswith("?since=2026-11-02T08%3A59%3A30.000000Z")

    with time_machine.travel(START + LATER, tick=False):
        page = _feed(client, "2026-11-01T00:00:00Z")
        assert _changes(page) == [(first.pk, "added")]
        resume = page["next"].split("?", 1)[1]
        second = PartnerFactory(approved=True)

    with time_machine.travel(START + 3 * LATER, tick=False):
        page = client.get(f"{CHANGES}?{resume}").json()
    assert _changes(page) == [(second.pk, "added")]


def test_the_feed_pages_through_by_cursor_and_a_partner_changed_meanwhile_comes_again(client):
    with time_machine.travel(START, tick=False):
        partners = [PartnerFactory(approved=True) for _ in range(5)]
    with time_machine.travel(START + LATER, tick=False):
        page = _feed(client, "2026-11-01T00:00:00+01:00", limit=2)
        assert page["more"] is True
        assert [entry["id"] for entry in page["changes"]] == [p.pk for p in partners[:2]]
        # Changed while the client pages: it moves to the end.
        selfservice.update_partner(partner=partners[0], changes={"website": "https://a.example/"})
    seen = [entry["id"] for entry in page["changes"]]
    with time_machine.travel(START + 3 * LATER, tick=False):
        while page["more"]:
            page = client.get(page["next"].split("testserver", 1)[1]).json()
            assert page["since"] == "2026-11-01T00:00:00+01:00"
            seen += [entry["id"] for entry in page["changes"]]
    assert seen == [p.pk for p in partners] + [partners[0].pk]
    assert "limit=2" in page["next"]
    assert "cursor" not in page["next"]


def test_applying_the_feed_keeps_a_copy_equal_to_the_daily_file(client, open_data_dir):
    copy: dict[int, dict] = {}

    def sync(url: str) -> str:
        """Apply the feed from ``url`` to the copy; the next sync's address."""
        while True:
            page = client.get(url).json()
            for entry in page["changes"]:
                if entry["partner"] is None:
                    copy.pop(entry["id"], None)
                else:
                    copy[entry["id"]] = entry["partner"]
            url = page["next"].split("testserver", 1)[1]
            if not page["more"]:
                return url

    with time_machine.travel(START, tick=False) as traveller:
        partners = [PartnerFactory(approved=True) for _ in range(7)]
        traveller.shift(LATER)
        since = sync(f"{CHANGES}?since=2026-01-01T00:00:00Z&limit=3")
        decisions.suspend_partner(partner=partners[1], by=None, reason="Enquête")
        decisions.revoke_partner(partner=partners[2], by=None, reason="Manquement")
        selfservice.update_partner(partner=partners[3], changes={"website": "https://a.example/"})
        PartnerFactory(approved=True, name="Arrivé")
        traveller.shift(LATER)
        since = sync(since)
        decisions.reinstate_partner(partner=partners[1], by=None)
        traveller.shift(LATER)
        sync(since)
        _export(open_data_dir)

    with (open_data_dir / opendata.CSV_NAME).open(encoding="utf-8", newline="") as file:
        daily = {int(row["id"]): row for row in csv.DictReader(file)}
    assert sorted(copy) == sorted(daily)
    for pk, partner in copy.items():
        assert opendata.csv_row(partner) == list(daily[pk].values())


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({}, "since: Ce champ est obligatoire."),
        ({"since": ""}, "since: Ce champ est obligatoire."),
        ({"since": "2026-11-01"}, "since: indiquez"),
        ({"since": "2026-02-29T00:00:00Z"}, "since: indiquez"),
        ({"since": "2026-11-01T00:00:00"}, "since: indiquez"),
        ({"since": "2026-11-01T00:00:00Z", "limit": "0"}, "limit: "),
        ({"since": "2026-11-01T00:00:00Z", "limit": "1001"}, "limit: "),
        ({"since": "2026-11-01T00:00:00Z", "cursor": "abc"}, "cursor: indiquez"),
    ],
)
def test_a_bad_feed_request_gets_a_french_message(client, params, problem):
    response = client.get(CHANGES, params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(problem)


def test_the_feed_reads_every_instant_its_document_allows(client):
    for since in [
        "2028-02-29T23:59:59.5-10:00",
        "2000-02-29T00:00:00Z",
        "2999-12-31T23:59:59+23:59",
    ]:
        assert client.get(CHANGES, {"since": since}).status_code == 200
    assert client.get(CHANGES, {"since": "2100-02-29T00:00:00Z"}).status_code == 400


@pytest.mark.parametrize(
    ("url", "heading", "csv_label"),
    [
        ("/a-propos/", "Le réseau en données ouvertes", "fichier CSV (UTF-8, séparateur virgule)"),
        ("/en/a-propos/", "The network as open data", "CSV file (UTF-8, comma-separated)"),
    ],
)
def test_the_about_page_links_the_files_the_schema_and_the_feed(client, url, heading, csv_label):
    page = client.get(url).content.decode()
    assert heading in page
    assert csv_label in page
    for link in ("/donnees/lieux-surs.csv", "/donnees/lieux-surs.geojson", "/donnees/schema.json"):
        assert f'href="{link}"' in page
    assert 'href="/api/v1/openapi.json"' in page
