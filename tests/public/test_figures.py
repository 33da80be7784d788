"""/chiffres/: the welcomes of the last twelve complete months, every count shown at least
5, and no hidden one recoverable from the totals."""

import datetime
import re

import pytest
import time_machine

from partners.models import Welcome
from partners.services import decisions
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def record(partner, n, *, on, kind="lgbt_phobic", called="no", delay="", stayed="yes"):
    Welcome.objects.bulk_create(
        Welcome(
            partner=partner,
            on=on,
            kind=kind,
            police_called=called,
            police_delay=delay,
            stayed=stayed,
            recorded_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        )
        for _ in range(n)
    )


def table(page: str, slug: str) -> dict[str, str]:
    """A public table's rows: label → the cell's text."""
    body = page.split(f'id="caption-{slug}"')[1].split("</table>")[0]
    cell = r'<th scope="row">([^<]+)</th><td>(?:<span class="hidden-count">)?([^<]+)'
    rows = re.findall(cell, body)
    return dict(rows)


@pytest.fixture
def venues():
    with time_machine.travel(NOW - datetime.timedelta(days=500), tick=False):
        paris = decisions.approve_partner(partner=PartnerFactory())
        lyon = decisions.approve_partner(
            partner=PartnerFactory(department="69", postcode="69001", city="Lyon")
        )
    return paris, lyon


@time_machine.travel(NOW, tick=False)
def test_counts_under_five_are_hidden_with_one_more_so_totals_reveal_nothing(client, venues):
    paris, lyon = venues
    record(paris, 12, on=datetime.date(2026, 9, 3))
    record(paris, 6, on=datetime.date(2026, 10, 3), kind="racist")
    record(lyon, 3, on=datetime.date(2026, 10, 5), kind="sexist")
    # This month is not published yet.
    record(lyon, 40, on=datetime.date(2026, 11, 2))

    page = client.get("/chiffres/").text

    assert "21 accueils enregistrés." in page
    regions = table(page, "regions")
    assert regions["Île-de-France"] == "18"
    # Auvergne-Rhône-Alpes (3) hidden, and the smallest other région (0) with it: the
    # total minus Île-de-France no longer gives it.
    assert regions["Auvergne-Rhône-Alpes"] == "masqué"
    assert list(regions.values()).count("masqué") >= 2
    months = table(page, "months")
    assert months["septembre 2026"] == "12"
    assert months["octobre 2026"] == "9"
    assert "novembre 2026" not in months
    assert months["décembre 2025"] == "masqué"
    kinds = table(page, "kinds")
    assert kinds["LGBT+phobe"] == "12"
    assert kinds["Raciste"] == "6"
    assert kinds["Sexiste"] == "masqué"
    police = table(page, "police")
    assert police["Non"] == "21"
    assert police["Oui"] == police["Non précisé"] == "masqué"
    # Every number shown is 5 or more.
    for slug in ("regions", "months", "kinds", "police", "delays", "stayed"):
        for text in table(page, slug).values():
            assert text == "masqué" or int(text) >= 5, (slug, text)
    # The rule is explained.
    assert "Pourquoi certains chiffres sont masqués" in page


@time_machine.travel(NOW, tick=False)
def test_a_single_small_kind_is_hidden_with_the_next_smallest(client, venues):
    paris, _ = venues
    record(paris, 20, on=datetime.date(2026, 9, 3), kind="lgbt_phobic")
    record(paris, 9, on=datetime.date(2026, 9, 4), kind="domestic")
    record(paris, 7, on=datetime.date(2026, 9, 5), kind="racist")
    record(paris, 4, on=datetime.date(2026, 9, 6), kind="sexist")
    for kind in ("other", "not_said"):
        record(paris, 6, on=datetime.date(2026, 9, 7), kind=kind)

    kinds = table(client.get("/chiffres/").text, "kinds")

    assert kinds == {
        "LGBT+phobe": "20",
        "Violences conjugales ou intrafamiliales": "9",
        "Sexiste": "masqué",
        "Raciste": "7",
        # 6, the smallest other (the first of two): 52 − 20 − 9 − 7 − 6 no longer gives 4.
        "Autre": "masqué",
        "Non précisé": "6",
        "Total": "52",
    }


@time_machine.travel(NOW, tick=False)
def test_the_page_is_a_snapshot_of_the_first_day_of_the_month(client, venues):
    paris, _ = venues
    record(paris, 8, on=datetime.date(2026, 10, 3))
    # Recorded this month for last month: counted from next month's snapshot only.
    Welcome.objects.create(
        partner=paris, on=datetime.date(2026, 10, 30), kind="other", police_called="no",
        stayed="no", recorded_at=NOW,
    )  # fmt: skip
    assert table(client.get("/chiffres/").text, "months")["octobre 2026"] == "8"
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert table(client.get("/chiffres/").text, "months")["octobre 2026"] == "9"


@time_machine.travel(NOW, tick=False)
def test_the_delays_add_up_to_the_police_called_and_are_protected_alike(client, venues):
    paris, _ = venues
    record(paris, 9, on=datetime.date(2026, 9, 3), called="yes", delay="under_10")
    record(paris, 2, on=datetime.date(2026, 9, 3), called="yes", delay="did_not_come")
    record(paris, 30, on=datetime.date(2026, 9, 3), called="no")
    record(paris, 5, on=datetime.date(2026, 9, 3), called="not_said")
    delays = table(client.get("/chiffres/").text, "delays")
    assert delays["Police appelée"] == "11"
    assert delays["Moins de 10 minutes"] == "9"
    assert delays["Elle n’est pas venue"] == "masqué"
    assert list(delays.values()).count("masqué") >= 2


def test_reached_from_the_about_page_in_french_and_english(client):
    assert 'href="/chiffres/"' in client.get("/a-propos/").text
    english = client.get("/en/chiffres/").text
    assert "The network in figures" in english
    assert "Why some figures are hidden" in english
