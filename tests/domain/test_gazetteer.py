"""The gazetteer and the territories' boxes: one declaration for the app and the build."""

import subprocess
import sys
from pathlib import Path

from gazetteer import build, communes
from partners.domain import territories
from partners.domain.territories import containing

REPO = Path(__file__).resolve().parents[2]


def test_the_build_checks_points_against_the_apps_own_bounds():
    for department in territories.DEPARTMENTS:
        assert build.territory_bounds(department) is territories.territory_of(department).bounds


def test_every_commune_lies_in_its_own_territory_and_no_other():
    misplaced = [
        (commune.insee, commune.name, commune.lat, commune.lon)
        for commune in communes.all_communes()
        if containing(commune.lat, commune.lon) is not territories.territory_of(commune.department)
    ]
    assert misplaced == []


def test_no_two_territories_share_a_point():
    boxes = [t.bounds for t in territories.TERRITORIES.values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.north < b.south or b.north < a.south or a.east < b.west or b.east < a.west
            assert apart, (a, b)


def test_saint_martins_box_stops_short_of_anguilla():
    assert containing(18.171, -63.092) is None  # Blowing Point, Anguilla


def test_the_build_runs_without_django():
    script = (
        "import sys, gazetteer.build; "
        "sys.exit(any(name.startswith('django') for name in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)  # noqa: S603


def test_every_arrondissement_postcode_of_paris_lyon_and_marseille_has_its_arrondissement():
    expected = {
        **{f"750{n:02}": f"751{n:02}" for n in range(1, 21)},
        "75116": "75116",
        **{f"6900{n}": f"6938{n}" for n in range(1, 10)},
        **{f"130{n:02}": f"132{n:02}" for n in range(1, 17)},
    }
    found = {postcode: communes.arrondissement_by_postcode(postcode) for postcode in expected}
    assert {postcode: a.insee for postcode, a in found.items() if a} == expected
    for arrondissement in communes.all_arrondissements():
        city = communes.by_code(arrondissement.city)
        assert set(arrondissement.postcodes) <= set(city.postcodes)
        assert containing(arrondissement.lat, arrondissement.lon).code == territories.MAINLAND
