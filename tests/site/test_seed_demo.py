import pytest
from django.core.management import call_command

from partners.domain import territories
from partners.models import OpeningInterval, Partner, Status

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(
        Partner.objects.order_by("sticker_number").values_list(
            "name", "kind", "city", "department", "sticker_number", "location"
        )
    )


def test_seed_demo_creates_approved_partners_with_hours_in_every_territory():
    call_command("seed_demo", count=300, seed=7)

    partners = Partner.objects.all()
    assert partners.count() == 300
    assert set(partners.values_list("status", flat=True)) == {Status.APPROVED}
    assert not partners.filter(sticker_number__isnull=True).exists()
    assert not partners.filter(location__isnull=True).exists()
    overseas = {code for code in territories.TERRITORIES if code != territories.MAINLAND}
    assert overseas <= set(partners.values_list("department", flat=True))
    assert partners.filter(department="75").count() > partners.filter(department="23").count()
    assert OpeningInterval.objects.count() > 300


def test_seed_demo_points_stay_within_their_territory():
    call_command("seed_demo", count=300, seed=3)
    for partner in Partner.objects.all():
        south, west, north, east = partner.territory.bounds
        assert south <= partner.location.y <= north, partner
        assert west <= partner.location.x <= east, partner


def test_seed_demo_is_deterministic_for_a_seed():
    call_command("seed_demo", count=120, seed=5)
    first = _snapshot()
    call_command("seed_demo", count=0, seed=5)
    call_command("seed_demo", count=120, seed=5)
    assert _snapshot() == first
    call_command("seed_demo", count=0, seed=6)
    call_command("seed_demo", count=120, seed=6)
    assert _snapshot() != first


def test_seed_demo_twice_does_not_duplicate():
    call_command("seed_demo", count=50, seed=1)
    ids = set(Partner.objects.values_list("pk", flat=True))
    call_command("seed_demo", count=50, seed=1)
    assert set(Partner.objects.values_list("pk", flat=True)) == ids


def test_seed_demo_leaves_real_partners_alone():
    from tests.factories import PartnerFactory

    real = PartnerFactory()
    call_command("seed_demo", count=20, seed=1)
    call_command("seed_demo", count=10, seed=1)
    assert Partner.objects.filter(pk=real.pk).exists()
    assert Partner.objects.filter(is_demo=True).count() == 10


def test_seed_demo_shows_its_steps_with_counts_on_a_terminal_only(capsys, monkeypatch):
    # Under pytest standard error is not a terminal: the command says only its last line.
    call_command("seed_demo", count=50, seed=2)
    assert "%|" not in capsys.readouterr().err

    monkeypatch.setenv("ENLIEUSUR_PROGRESS", "1")  # as on a terminal
    call_command("seed_demo", count=60, seed=2)
    steps = capsys.readouterr().err
    for step in ("Drawing partners: 100%", "60/60", "Copying partners: 100%"):
        assert step in steps
    assert "Copying opening hours: 100%" in steps
