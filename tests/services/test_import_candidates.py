"""import_candidates on small files in each dataset's published format
(tests/fixtures/annuaire.json, annuaire_api.json, bpe.csv, bpe_xy.csv)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partners.domain.candidates import generic_email, is_personal
from partners.models import Candidate, CandidateStatus, Kind

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(source: str, name: str | Path) -> str:
    out = io.StringIO()
    call_command("import_candidates", "--source", source, str(FIXTURES / name), stdout=out)
    return out.getvalue()


def test_the_annuaire_gives_town_halls_and_public_offices_with_generic_addresses():
    output = run("annuaire", "annuaire.json")

    assert "4 candidate(s) added, 0 updated, 2 skipped, 1 of other types" in output
    assert "skipped service 5: no id" in output
    assert (
        "skipped service 6 (5fbf06ea-9e8b-4f5d-8fb8-bc5f9b7fce66): no known commune "
        "(INSEE code 99999, postcode 00000)" in output
    )
    assert "not a candidate: 1 row(s) of type gendarmerie" in output
    ahun = Candidate.objects.get(source_id="0a6ab1b5-4f3c-4f0e-9a63-6d0a4c2b7f11")
    assert (ahun.name, ahun.kind, ahun.source_type) == ("Mairie - Ahun", Kind.TOWN_HALL, "mairie")
    assert (ahun.address, ahun.postcode, ahun.city) == ("2 place de la Mairie", "23150", "Ahun")
    assert (ahun.insee_code, ahun.department) == ("23001", "23")
    assert ahun.location.coords == (2.04468, 46.08613)
    assert (ahun.email, ahun.phone) == ("mairie.ahun@wanadoo.fr", "05 55 62 40 24")
    assert ahun.status == CandidateStatus.TO_CONTACT
    # The street address, not the postal box; a person's address is never kept.
    trappes = Candidate.objects.get(name="Mairie - Trappes")
    assert (trappes.address, trappes.postcode, trappes.email) == (
        "1 place de la République",
        "78190",
        "",
    )
    abymes = Candidate.objects.get(department="971")
    assert abymes.kind == Kind.PUBLIC_OTHER
    assert abymes.location.coords == (-61.50412, 16.27203)
    assert Candidate.objects.get(source_type="msap").location is None


def test_the_annuaire_api_export_reads_as_the_data_gouv_file():
    # The DILA's API portal exports the same records as a list, each nested field a JSON
    # text: the same services read the same.
    output = run("annuaire", "annuaire_api.json")

    assert "3 row(s) read: 2 candidate(s) added, 0 updated, 0 skipped, 1 of other types" in output
    assert "not a candidate: 1 row(s) of type gendarmerie" in output
    ahun = Candidate.objects.get(source_id="0a6ab1b5-4f3c-4f0e-9a63-6d0a4c2b7f11")
    assert (ahun.name, ahun.kind, ahun.source_type) == ("Mairie - Ahun", Kind.TOWN_HALL, "mairie")
    assert (ahun.address, ahun.postcode, ahun.city) == ("2 place de la Mairie", "23150", "Ahun")
    assert ahun.location.coords == (2.04468, 46.08613)
    assert (ahun.email, ahun.phone) == ("mairie.ahun@wanadoo.fr", "05 55 62 40 24")
    abymes = Candidate.objects.get(department="971")
    assert (abymes.kind, abymes.email) == (Kind.PUBLIC_OTHER, "accueil.ccas@ville-abymes.fr")

    # The same services by the same ids in both exports.
    assert "2 candidate(s) added, 2 updated" in run("annuaire", "annuaire.json")


def test_a_second_import_changes_what_the_source_says_and_never_what_we_did(tmp_path):
    run("annuaire", "annuaire.json")
    ahun = Candidate.objects.get(name="Mairie - Ahun")
    Candidate.objects.filter(pk=ahun.pk).update(status=CandidateStatus.DECLINED)

    data = json.loads((FIXTURES / "annuaire.json").read_text())
    data["service"][0]["nom"] = "Mairie d'Ahun"
    edited = tmp_path / "annuaire.json"
    edited.write_text(json.dumps(data))
    output = run("annuaire", edited)

    assert "0 candidate(s) added, 4 updated" in output
    assert Candidate.objects.count() == 4
    ahun.refresh_from_db()
    assert (ahun.name, ahun.status) == ("Mairie d'Ahun", CandidateStatus.DECLINED)


def test_the_bpe_gives_libraries_pools_sports_halls_and_schools():
    output = run("bpe", "bpe.csv")

    assert "8 row(s) read: 5 candidate(s) added, 0 updated, 2 skipped, 1 of other types" in output
    assert "skipped line 5: no known commune (DEPCOM 99999)" in output
    assert "skipped line 6: the same equipment as line 2" in output
    assert "not a candidate: 1 row(s) of type D307" in output
    library = Candidate.objects.get(source_type="F307")
    # The commune's name from the gazetteer, not the file's capitals ("TRAPPES").
    assert (library.name, library.kind, library.city) == (
        "MEDIATHEQUE ANATOLE FRANCE",
        Kind.LIBRARY,
        "Trappes",
    )
    assert (library.address, library.postcode, library.department) == (
        "1 PL DE LA REPUBLIQUE",
        "78190",
        "78",
    )
    assert library.location.coords == (1.9985, 48.7771)
    assert library.source_id.startswith("F307-78621-")
    # No name of its own: its type and town; badly placed by INSEE (QUALITE_XY "M"): no
    # location.
    school = Candidate.objects.get(source_type="C109")
    assert (school.name, school.kind, school.location) == (
        "École élémentaire – Brest",
        Kind.SCHOOL,
        None,
    )
    # No longitude and latitude, a quality "_Z": placed from its Lambert-93 coordinates.
    primary = Candidate.objects.get(source_type="C108")
    assert (primary.kind, primary.city) == (Kind.SCHOOL, "Ahun")
    assert primary.location.coords == pytest.approx((2.04681, 46.08808), abs=1e-5)
    gym = Candidate.objects.get(source_type="F121")
    assert (gym.department, gym.kind) == ("971", Kind.PUBLIC_OTHER)
    assert run("bpe", "bpe.csv").startswith("skipped line 5")
    assert Candidate.objects.count() == 5


def test_the_older_bpe_layout_is_placed_from_its_lambert_93_coordinates():
    run("bpe", "bpe_xy.csv")

    library = Candidate.objects.get(source_type="F307")
    lon, lat = library.location.coords
    assert lon == pytest.approx(1.9985, abs=1e-5)
    assert lat == pytest.approx(48.7771, abs=1e-5)
    assert library.name == "Bibliothèque – Trappes"
    assert Candidate.objects.get(source_type="F101").department == "29"


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        ("annuaire", "not json", "not a JSON file"),
        ("annuaire", '{"service": [{"a": 1}]}', 'no "nom" and "pivot"'),
        ("bpe", "DEPCOM,TYPEQU\n78621,F307\n", "expected the BPE's ;-separated columns"),
        ("bpe", "DEPCOM;TYPEQU\n78621;F307\n", "expected LONGITUDE and LATITUDE"),
        ("bpe", b"DEPCOM;TYPEQU;LAMBERT_X;LAMBERT_Y\n\xe9", "not UTF-8"),
    ],
)
def test_a_file_in_another_format_is_refused_and_nothing_imported(
    tmp_path, source, content, message
):
    path = tmp_path / "file"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        run(source, path)
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    ("address", "personal"),
    [
        ("jean.dupont@ville.fr", True),
        ("j.dupont@ville.fr", True),
        ("marie-claire.durand@ville.fr", True),
        ("jean_dupont@ville.fr", True),
        ("mairie.ahun@wanadoo.fr", False),
        ("accueil-piscine@ville.fr", False),
        ("ville-de-trappes@ville.fr", False),
        ("contact@ville.fr", False),
        ("mairie@ville.fr", False),
    ],
)
def test_a_persons_address_is_told_from_an_organisations(address, personal):
    assert is_personal(address) is personal


def test_the_first_generic_address_is_kept():
    assert generic_email(["Jean.Dupont@ville.fr", "Accueil@Ville.fr"]) == "accueil@ville.fr"
    assert generic_email("jean.dupont@ville.fr") == ""
    assert generic_email(None) == ""
