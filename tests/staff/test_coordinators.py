"""A région's coordinators: created by région on the one screen (its départements, overseas
ones included); a reviewer's work there plus its candidates, its coverage and its targets;
adding reviewers and checkers within the région only, and no other account; never a partner,
candidate, coverage row or target of another région."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail, signing
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.domain import territories
from partners.models import (
    CandidateStatus,
    CoverageRun,
    CoverageTarget,
    ReviewerScope,
)
from partners.staff.reviewers import MANAGER_PERMISSIONS
from partners.staff.scope import allowed_departments
from tests import signin
from tests.factories import CandidateFactory, PartnerFactory, commune_coverage

pytestmark = pytest.mark.django_db

ADD_COORDINATOR = reverse("admin:coordinator_add")
ADD_REVIEWER = reverse("admin:reviewer_add")
ADD_CHECKER = reverse("admin:checker_add")
ADD_READ_ONLY = reverse("admin:read_only_add")
COVERAGE = reverse("admin:partners_partner_coverage")
TARGETS = reverse("admin:partners_coveragetarget_changelist")
ADD_TARGET = reverse("admin:partners_coveragetarget_add")
CANDIDATES = reverse("admin:partners_candidate_changelist")
PASSWORD = "une phrase de passe assez longue"
BRETAGNE = ["22", "29", "35", "56"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The hashing is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _form(page: str, **changes) -> dict:
    signed = html.unescape(re.search(r'name="totp_key" value="([^"]+)"', page)[1])
    key = signing.loads(signed, salt="partners.staff.reviewers.totp-key")
    data = {
        "first_name": "Morgane",
        "last_name": "Le Goff",
        "email": "morgane@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "totp_key": signed,
        "otp_token": f"{TOTP(bytes.fromhex(key)).token():06d}",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _created():
    device = TOTPDevice.objects.filter(user__username="morgane@example.org").first()
    return device.user if device else None


# Created on the one screen, by région.


def test_an_administrator_creates_a_coordinator_by_region(admin_client):
    page = admin_client.get(ADD_COORDINATOR).text
    assert "Ajouter une personne coordinatrice de région" in page
    assert "Bretagne (22, 29, 35, 56)" in page
    assert "La Réunion (974)" in page
    assert 'name="departments"' not in page  # a région, not départements one by one
    assert ADD_COORDINATOR in admin_client.get(reverse("admin:index")).text

    response = admin_client.post(ADD_COORDINATOR, _form(page, region="Bretagne"))
    assert response.status_code == 302
    user = _created()
    assert list(user.groups.values_list("name", flat=True)) == ["Coordinator"]
    assert not user.is_superuser
    assert sorted(ReviewerScope.objects.get(user=user).departments) == BRETAGNE


def test_an_overseas_region_is_its_own_departement(admin_client):
    page = admin_client.get(ADD_COORDINATOR).text
    admin_client.post(ADD_COORDINATOR, _form(page, region="La Réunion"))
    assert ReviewerScope.objects.get(user=_created()).departments == ["974"]


@pytest.mark.parametrize(
    ("region", "message"),
    [(None, "Choisissez la région."), ("Bretagne-Nord", "Sélectionnez un choix valide")],
)
def test_a_coordinator_needs_a_region(admin_client, region, message):
    page = admin_client.get(ADD_COORDINATOR).text
    response = admin_client.post(
        ADD_COORDINATOR, _form(page, region=region, departments=["35"], every_department="on")
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["region"])
    assert _created() is None


def test_a_coordinator_may_do_whatever_a_reviewer_may(db):
    reviewer = set(Group.objects.get(name="Reviewer").permissions.all())
    coordinator = set(Group.objects.get(name="Coordinator").permissions.all())
    assert reviewer < coordinator
    extra = {p.codename for p in coordinator - reviewer}
    assert extra == {
        "add_coveragetarget",
        "change_coveragetarget",
        "delete_coveragetarget",
        "view_coveragetarget",
        "add_staff_in_scope",
    }
    # No user, no import, no deletion of partners.
    assert not any(p.content_type.app_label == "auth" for p in coordinator)
    assert not {"delete_partner", "add_candidate", "delete_candidate"} & {
        p.codename for p in coordinator
    }


def test_a_manager_limited_to_some_departements_gives_only_whole_regions(client, make_reviewer):
    manager = make_reviewer("manager", departments=[*BRETAGNE, "69"])
    manager.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["auth", "otp_totp", "partners"],
            codename__in=[p.split(".")[1] for p in MANAGER_PERMISSIONS],
        )
    )
    signin.verified_login(client, manager)
    page = client.get(ADD_COORDINATOR).text
    assert "Bretagne (22, 29, 35, 56)" in page
    assert "Auvergne-Rhône-Alpes" not in page  # 69 only, not the whole région
    refused = client.post(ADD_COORDINATOR, _form(page, region="Auvergne-Rhône-Alpes"))
    assert "Sélectionnez un choix valide" in refused.text
    assert _created() is None


# What a coordinator adds: reviewers and checkers of the région, nothing else.


def test_a_coordinator_adds_reviewers_and_checkers_within_the_region(client, make_coordinator):
    signin.verified_login(client, make_coordinator())
    home = client.get(reverse("admin:index")).text
    assert ADD_REVIEWER in home
    assert ADD_CHECKER in home
    assert ADD_COORDINATOR not in home
    assert ADD_READ_ONLY not in home

    page = client.get(ADD_REVIEWER).text
    assert "35 – Ille-et-Vilaine" in page
    assert "69 – Rhône" not in page
    assert "Tous les départements" not in page

    outside = client.post(ADD_REVIEWER, _form(page, departments=["35", "69"]))
    assert "Sélectionnez un choix valide" in outside.text  # 69 is not offered
    everywhere = client.post(ADD_REVIEWER, _form(page, every_department="on"))
    assert "Choisissez au moins un département." in everywhere.text
    assert _created() is None

    created = client.post(ADD_CHECKER, _form(page, departments=["35", "56"]))
    assert created.status_code == 302
    user = _created()
    assert list(user.groups.values_list("name", flat=True)) == ["Checker"]
    assert ReviewerScope.objects.get(user=user).departments == ["35", "56"]
    assert not user.is_superuser
    assert not user.user_permissions.exists()


def test_a_coordinator_adds_no_coordinator_read_only_account_nor_user(client, make_coordinator):
    signin.verified_login(client, make_coordinator())
    for url in (
        ADD_COORDINATOR,
        ADD_READ_ONLY,
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:partners_reviewerscope_add"),
        reverse("admin:partners_reviewerscope_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    page = _form(client.get(ADD_REVIEWER).text, region="Bretagne")
    for url in (ADD_COORDINATOR, ADD_READ_ONLY):
        assert client.post(url, page).status_code == 403
    response = client.post(reverse("admin:auth_user_add"), {"username": "x", "is_superuser": "on"})
    assert response.status_code == 403
    assert _created() is None


def test_a_coordinator_without_a_region_sees_nothing_and_adds_no_one(client, make_reviewer):
    coordinator = make_reviewer("coordinator", group="Coordinator")
    PartnerFactory(approved=True, name="Médiathèque de Lyon", department="69")
    assert allowed_departments(coordinator) == []
    signin.verified_login(client, coordinator)
    assert (
        "Médiathèque de Lyon"
        not in client.get(reverse("admin:partners_partner_changelist") + "?status=all").text
    )
    assert client.get(ADD_REVIEWER).status_code == 403


# Within the région only.


@pytest.fixture
def two_regions():
    """In Bretagne and in the Rhône: a partner and a candidate each."""
    return {
        "rennes": PartnerFactory(
            approved=True, name="Bibliothèque des Champs Libres", department="35"
        ),
        "lyon": PartnerFactory(approved=True, name="Bibliothèque de la Part-Dieu", department="69"),
        "quimper": CandidateFactory(
            name="Mairie - Quimper", department="29", city="Quimper", email="mairie@quimper.bzh"
        ),
        "villeurbanne": CandidateFactory(
            name="Mairie - Villeurbanne",
            department="69",
            city="Villeurbanne",
            email="mairie@villeurbanne.fr",
        ),
    }


def test_a_coordinator_sees_and_invites_within_the_region_only(
    client, make_coordinator, two_regions, django_capture_on_commit_callbacks
):
    signin.verified_login(client, make_coordinator())
    partners = client.get(reverse("admin:partners_partner_changelist") + "?status=all").text
    assert "Bibliothèque des Champs Libres" in partners
    assert "Bibliothèque de la Part-Dieu" not in partners
    candidates = client.get(CANDIDATES).text
    assert "Mairie - Quimper" in candidates
    assert "Mairie - Villeurbanne" not in candidates
    other = two_regions["villeurbanne"]
    response = client.get(reverse("admin:partners_candidate_change", args=[other.pk]))
    assert response.status_code == 302  # "does not exist", as for any id out of scope

    for candidate in (two_regions["quimper"], other):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                CANDIDATES,
                {"action": "invite", "_selected_action": [candidate.pk], "index": "0"},
            )
    assert [email.to for email in mail.outbox] == [["mairie@quimper.bzh"]]
    other.refresh_from_db()
    assert other.status == CandidateStatus.TO_CONTACT

    figures = client.get(reverse("admin:partners_candidate_figures")).text
    assert "Bretagne" in figures
    assert "Auvergne-Rhône-Alpes" not in figures


def _filter_choices(page: str, parameter: str) -> list[str]:
    """The labels of the list filter's choices that set ``parameter``."""
    return [
        html.unescape(label)
        for label in re.findall(rf'href="\?{re.escape(parameter)}=[^"]+"[^>]*>([^<]+)</a>', page)
    ]


def test_a_coordinators_filters_offer_their_region_only(client, make_coordinator, two_regions):
    signin.verified_login(client, make_coordinator())
    for changelist in (reverse("admin:partners_partner_changelist"), CANDIDATES):
        page = client.get(changelist).text
        assert _filter_choices(page, "region") == ["Bretagne"]
        assert _filter_choices(page, "department__exact") == [
            "22 – Côtes-d'Armor",
            "29 – Finistère",
            "35 – Ille-et-Vilaine",
            "56 – Morbihan",
        ]
    partners = client.get(reverse("admin:partners_partner_changelist")).text
    assert _filter_choices(partners, "territory") == ["France métropolitaine et Corse"]
    # The filter still filters, under the admin's own parameter name.
    page = client.get(CANDIDATES + "?department__exact=29").text
    assert "Mairie - Quimper" in page


def test_an_administrators_filters_offer_every_place(admin_client, two_regions):
    page = admin_client.get(CANDIDATES).text
    assert len(_filter_choices(page, "department__exact")) == len(territories.DEPARTMENTS)
    assert "Auvergne-Rhône-Alpes" in _filter_choices(page, "region")


# The coverage and its targets.


@pytest.fixture
def runs():
    """May's snapshot and June's run. Bretagne in May: Rennes (200,000) and Brest (150,000)
    with no partner within reach; in June, Rennes 300 m from a partner by day (57.1 %).
    Lyon (500,000): 500 m by day both months."""
    may = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 5, 31),
        weekday_night=datetime.date(2026, 6, 3),
        saturday_night=datetime.date(2026, 6, 6),
        partners=1,
    )
    commune_coverage(may, "35238", 200_000)
    commune_coverage(may, "29019", 150_000)
    commune_coverage(may, "69123", 500_000, day=500)
    june = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 6, 15),
        weekday_night=datetime.date(2026, 6, 17),
        saturday_night=datetime.date(2026, 6, 20),
        partners=2,
    )
    commune_coverage(june, "35238", 200_000, day=300)
    commune_coverage(june, "29019", 150_000, day=6000)
    commune_coverage(june, "69123", 500_000, day=500)


@pytest.fixture
def targets():
    return [
        CoverageTarget.objects.create(
            region="Bretagne", moment="day", share=60, by=datetime.date(2027, 12, 31)
        ),
        CoverageTarget.objects.create(
            region="Bretagne", moment="day", share=50, by=datetime.date(2026, 6, 1)
        ),
        CoverageTarget.objects.create(
            region="Bretagne", moment="saturday_03h", share=20, by=datetime.date(2026, 6, 1)
        ),
        CoverageTarget.objects.create(
            region="Auvergne-Rhône-Alpes", moment="day", share=90, by=datetime.date(2027, 1, 1)
        ),
    ]


WAITING = "Pas encore : 2,9 points à gagner d’ici le 31 décembre 2027"
MISSED = "Non atteint au 1 juin 2026 : il manque 20,0 points"


@time_machine.travel(datetime.datetime(2026, 6, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_the_coverage_page_shows_the_regions_targets_and_how_far(
    client, make_coordinator, runs, targets
):
    signin.verified_login(client, make_coordinator())
    response = client.get(COVERAGE)
    assert response.status_code == 200
    shown = {
        (p.target.region, p.target.moment, p.target.by.year): (
            round(p.now, 1),
            round(p.before, 1),
            p.reached,
            p.status,
        )
        for p in response.context["targets"]
    }
    assert shown == {
        ("Bretagne", "day", 2027): (
            57.1,
            0.0,
            False,
            "Pas encore : 2,9 points à gagner d’ici le 31 décembre 2027",
        ),
        ("Bretagne", "day", 2026): (57.1, 0.0, True, "Atteint"),
        ("Bretagne", "saturday_03h", 2026): (
            0.0,
            0.0,
            False,
            "Non atteint au 1 juin 2026 : il manque 20,0 points",
        ),
    }
    page = response.text
    assert "Objectifs" in page
    assert "En mai 2026 (%)" in page
    assert "57,1" in page
    assert WAITING in page
    assert reverse("admin:partners_coveragetarget_changelist") in page
    # Nothing of the Rhône: no row, no target.
    assert "69 – Rhône" not in page
    assert "Auvergne-Rhône-Alpes" not in page
    assert (
        "Lyon"
        not in client.get(reverse("admin:partners_partner_coverage_communes_csv")).content.decode()
    )


@time_machine.travel(datetime.datetime(2026, 6, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_administrators_see_every_regions_target(admin_client, runs, targets):
    response = admin_client.get(COVERAGE)
    regions = [p.target.region for p in response.context["targets"]]
    assert regions.count("Auvergne-Rhône-Alpes") == 1
    assert "Atteint" in response.text  # Lyon: 100 % against 90 %


def test_a_reviewer_of_part_of_a_region_sees_no_target(client, make_reviewer, runs, targets):
    signin.verified_login(client, make_reviewer(departments=["35"]))
    response = client.get(COVERAGE)
    assert response.context["targets"] == []
    assert "Aucun objectif de couverture n’a encore été fixé." in response.text
    assert client.get(TARGETS).status_code == 403


def test_a_coordinator_sets_their_regions_targets_only(client, make_coordinator, targets):
    coordinator = make_coordinator()
    signin.verified_login(client, coordinator)
    page = client.get(ADD_TARGET).text
    assert '<option value="Bretagne">Bretagne</option>' in page
    assert "Auvergne-Rhône-Alpes" not in page
    other = {"region": "Auvergne-Rhône-Alpes", "moment": "day", "share": "95", "by": "2030-01-01"}
    refused = client.post(ADD_TARGET, other)
    assert "Sélectionnez un choix valide" in refused.text
    response = client.post(ADD_TARGET, other | {"region": "Bretagne", "share": "75,5"})
    assert response.status_code == 302
    made = CoverageTarget.objects.get(region="Bretagne", by=datetime.date(2030, 1, 1))
    assert (made.share, made.set_by) == (75.5, coordinator)

    listed = client.get(TARGETS).text
    assert "Bretagne" in listed
    assert "Auvergne-Rhône-Alpes" not in listed
    rhone = targets[-1]
    change = reverse("admin:partners_coveragetarget_change", args=[rhone.pk])
    assert client.get(change).status_code == 302
    client.post(change, other | {"share": "10"})
    client.post(reverse("admin:partners_coveragetarget_delete", args=[rhone.pk]), {"post": "yes"})
    rhone.refresh_from_db()
    assert rhone.share == 90


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"share": "0"}, "Indiquez une part d’au moins 0,1 et d’au plus 100"),
        ({"share": "100,5"}, "Indiquez une part d’au moins 0,1 et d’au plus 100"),
        ({"share": "beaucoup"}, "Saisissez un nombre"),
        ({"by": "2020-01-01"}, "Cette date est passée"),
        ({"by": "2026-02-30"}, "Saisissez une date valide"),
    ],
)
def test_a_wrong_target_is_told_in_french(client, make_coordinator, changes, message):
    signin.verified_login(client, make_coordinator())
    data = {"region": "Bretagne", "moment": "day", "share": "60", "by": "2030-01-01"}
    response = client.post(ADD_TARGET, data | changes)
    assert response.status_code == 200
    assert message in response.text
    assert not CoverageTarget.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_coordinators_and_targets_in_english(admin_client, runs, targets):
    page = admin_client.get("/en" + ADD_COORDINATOR).text
    assert "Add a région&#x27;s coordinator" in page
    assert "Bretagne (22, 29, 35, 56)" in page
    page = admin_client.get("/en" + COVERAGE).text
    assert "Targets" in page
    assert "In May 2026 (%)" in page
    assert "Not yet: 2.9 points to go by 31 December 2027" in page
    assert "Not reached by 1 June 2026: 20.0 points short" in page
