import datetime

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction

from partners.models import Charter, Partner, Status
from partners.services import common, decisions
from tests.factories import PartnerFactory, every_day

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgres_refuses_an_unknown_status():
    partner = PartnerFactory()
    _refused("UPDATE partners_partner SET status = 'lost' WHERE id = %s", [partner.pk])


def test_postgres_refuses_an_unknown_kind():
    partner = PartnerFactory()
    _refused("UPDATE partners_partner SET kind = 'casino' WHERE id = %s", [partner.pk])


def test_postgres_refuses_an_approved_partner_without_sticker_number():
    partner = PartnerFactory()
    _refused("UPDATE partners_partner SET status = 'approved' WHERE id = %s", [partner.pk])


def test_postgres_refuses_an_approved_partner_without_location():
    partner = PartnerFactory(approved=True)
    _refused("UPDATE partners_partner SET location = NULL WHERE id = %s", [partner.pk])


def test_postgres_refuses_a_duplicate_sticker_number():
    PartnerFactory(approved=True, sticker_number="75-00001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(approved=True, sticker_number="75-00001")


def test_postgres_refuses_a_malformed_sticker_number():
    partner = PartnerFactory(approved=True)
    _refused("UPDATE partners_partner SET sticker_number = 'FAKE' WHERE id = %s", [partner.pk])


def test_postgres_refuses_an_empty_opening_interval():
    partner = PartnerFactory()
    _refused(
        "INSERT INTO partners_openinginterval (partner_id, weekday, opens, closes) "
        "VALUES (%s, 1, '09:00', '09:00')",
        [partner.pk],
    )


def test_approval_issues_distinct_sticker_numbers_with_the_departement():
    first = decisions.approve_partner(partner=PartnerFactory(department="971", postcode="97110"))
    second = decisions.approve_partner(partner=PartnerFactory())
    assert first.sticker_number.startswith("971-")
    assert second.sticker_number.startswith("75-")
    assert first.sticker_number.split("-")[1] != second.sticker_number.split("-")[1]
    assert first.events.get().to_status == Status.APPROVED


def test_reinstatement_keeps_the_sticker_number():
    # A suspended partner comes back through reinstatement (partners/domain/transitions.py).
    partner = decisions.approve_partner(partner=PartnerFactory())
    number = partner.sticker_number
    Partner.objects.filter(pk=partner.pk).update(status=Status.SUSPENDED)
    with pytest.raises(common.DecisionRefused):
        decisions.approve_partner(partner=partner)
    assert decisions.reinstate_partner(partner=partner, by=None).sticker_number == number


@pytest.mark.parametrize(
    ("department", "zone"),
    [
        ("75", "Europe/Paris"),
        ("2A", "Europe/Paris"),
        ("974", "Indian/Reunion"),
        ("988", "Pacific/Noumea"),
        ("975", "America/Miquelon"),
        ("987", "Pacific/Tahiti"),
    ],
)
def test_time_zone_is_derived_from_the_departement_by_postgres(department, zone):
    partner = PartnerFactory(department=department)
    partner.refresh_from_db()
    assert partner.time_zone == zone
    assert partner.territory.timezone == zone


def test_reunion_venue_is_open_at_0600_utc_while_paris_one_is_not():
    reunion = PartnerFactory(approved=True, department="974", postcode="97400", city="Saint-Denis")
    paris = PartnerFactory(approved=True)
    every_day(reunion, "09:00", "18:00")
    every_day(paris, "09:00", "18:00")
    six_utc = datetime.datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # 10:00 in Réunion, 08:00 in Paris

    assert reunion.is_open_at(six_utc)
    assert not paris.is_open_at(six_utc)
    assert list(Partner.objects.open_at(six_utc)) == [reunion]


def test_overnight_hours_run_past_midnight_into_the_next_day():
    bar = PartnerFactory()
    every_day(bar, "18:00", "02:00")
    # 01:00 on a Wednesday in Paris (summer time: UTC+2).
    one_am = datetime.datetime(2026, 6, 9, 23, 0, tzinfo=UTC)
    noon = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=UTC)

    assert bar.is_open_at(one_am)
    assert not bar.is_open_at(noon)
    assert list(Partner.objects.open_at(one_am)) == [bar]
    assert list(Partner.objects.open_at(noon)) == []


def test_open_now_in_sql_agrees_with_python_around_the_clock_in_every_zone():
    places = {dep: PartnerFactory(department=dep) for dep in ["75", "971", "974", "975", "988"]}
    for partner in places.values():
        every_day(partner, "08:00", "12:30")
        every_day(partner, "22:00", "01:00")
    start = datetime.datetime(2026, 3, 28, 0, 0, tzinfo=UTC)  # spans Europe's DST change
    for quarter_hour in range(0, 2 * 24 * 4, 3):
        when = start + datetime.timedelta(minutes=15 * quarter_hour)
        in_sql = set(Partner.objects.open_at(when).values_list("pk", flat=True))
        in_python = {p.pk for p in places.values() if p.is_open_at(when)}
        assert in_sql == in_python, when


def test_nearest_distance_is_geodesic_in_metres():
    paris = Point(2.3522, 48.8566, srid=4326)
    PartnerFactory(approved=True, location=Point(2.2945, 48.8584, srid=4326))  # Eiffel Tower
    nearest = Partner.objects.public().by_distance(paris).first()
    assert nearest.distance.m == pytest.approx(4_230, rel=0.01)


def test_nearest_comes_first_and_walks_the_spatial_index_without_sorting():
    lyon = Point(4.8357, 45.7640, srid=4326)
    far = PartnerFactory(approved=True, location=Point(5.3698, 43.2965, srid=4326))  # Marseille
    near = PartnerFactory(approved=True, location=Point(4.8320, 45.7578, srid=4326))
    PartnerFactory(location=Point(4.8358, 45.7641, srid=4326))  # pending: not public
    nearest = Partner.objects.public().by_distance(lyon)[:10]
    assert [p.pk for p in nearest] == [near.pk, far.pk]
    with connection.cursor() as cursor:
        # A handful of rows is cheaper to sort; what matters is that a plan ordering by
        # the index exists, as PostgreSQL picks at 100,000 partners (make bench).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = nearest.explain()
    assert "Index Scan using partners_partner_location" in plan
    assert "Sort" not in plan


def test_latest_change_to_any_partner_is_read_from_an_index():
    PartnerFactory.create_batch(3, approved=True)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Partner.objects.order_by("-updated_at").values("updated_at")[:1].explain()
    assert "Index Only Scan Backward using partner_updated_at_idx" in plan


def test_first_charter_is_published_by_the_migrations():
    charter = Charter.current()
    assert charter.version == 1
    assert "17" in charter.text
    assert "112" in charter.text
