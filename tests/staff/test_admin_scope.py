"""A reviewer limited to some départements reaches nothing of the others through any admin
URL or action: every URL of every registered ModelAdmin (custom views included) and of the
admin site, and every action, walked as a reviewer limited to 75, and as a coordinator of
Île-de-France, with the ids of objects in 13 (partners, candidates, coverage rows) and of
Provence-Alpes-Côte d'Azur (coverage targets). A URL or action added later is walked without
being named here."""

import datetime
import itertools
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern

from partners.domain import territories
from partners.models import Candidate, CommuneCoverage, CoverageRun, CoverageTarget, Partner
from partners.services import decisions, reports
from partners.staff.decisions import DECISIONS
from tests import signin
from tests.factories import CandidateFactory, OpeningIntervalFactory, PartnerFactory

pytestmark = pytest.mark.django_db

# A POST that would confirm whatever a view or an action asks to confirm.
EVERY_CONFIRMATION = {
    "confirm": "yes",
    "post": "yes",
    "reason": "Décidé hors de mon périmètre",
    "note": "Résolu hors de mon périmètre",
    "sent_on": "2026-01-05",
}
SHARED_EMAIL = "meme-personne@example.org"
# Each URL: as it is, searching for the other partners' contact, and a POST that saves.
REQUESTS = [
    ("get", {}),
    ("get", {"q": SHARED_EMAIL, "status": "all", "department": "13"}),
    ("post", {**EVERY_CONFIRMATION, "_save": "Save"}),
]


@pytest.fixture(params=["reviewer", "coordinator"])
def scoped_staff(request, make_reviewer, make_coordinator):
    """A reviewer limited to 75, or a coordinator of Île-de-France."""
    if request.param == "coordinator":
        return make_coordinator(region="Île-de-France")
    return make_reviewer(departments=["75"])


@pytest.fixture
def world(scoped_staff):
    """The staff member's own partner in 75 and, in 13, two partners with their history,
    hours and reports: one of them has the same contact person as the partner in 75; a
    candidate in each; a coverage run with a commune in each; a coverage target in each
    région."""
    own = PartnerFactory(approved=True, name="Bibliothèque de Paris", contact_email=SHARED_EMAIL)
    others = [
        PartnerFactory(
            approved=True,
            name=name,
            department="13",
            postcode="13001",
            city="Marseille",
            sticker_number=number,
            contact_name=contact,
            contact_email=email,
            contact_phone=phone,
        )
        for name, number, contact, email, phone in [
            (
                "Refuge secret du Panier",
                "13-07001",
                "Dominique Marseillais",
                "secret-13@example.org",
                "+33611223344",
            ),
            (
                "Abri confidentiel de la Joliette",
                "13-07002",
                "Alix Phocéenne",
                SHARED_EMAIL,
                "+33655443322",
            ),
        ]
    ]
    for partner in [own, *others]:
        OpeningIntervalFactory(partner=partner)
        reports.report_problem(partner=partner, reason="closed", message="Porte close")
        decisions.mark_sticker_sent(partner=partner, by=None)
    CandidateFactory(name="Mairie de Paris", department="75", city="Paris")
    CandidateFactory(
        name="Mairie secrète de Marseille",
        department="13",
        city="Marseille",
        email="mairie-secrete@marseille.example.org",
    )
    run = CoverageRun.objects.create(
        computed_on=datetime.date(2026, 6, 15),
        weekday_night=datetime.date(2026, 6, 17),
        saturday_night=datetime.date(2026, 6, 20),
        partners=3,
    )
    CommuneCoverage.objects.create(run=run, insee="75056", department="75", population=2_100_000)
    CommuneCoverage.objects.create(run=run, insee="13055", department="13", population=870_000)
    for region, by in (("Île-de-France", 2030), ("Provence-Alpes-Côte d'Azur", 2031)):
        CoverageTarget.objects.create(region=region, share=80, by=datetime.date(by, 3, 3))
    secrets = [
        text
        for p in others
        for text in (p.name, p.sticker_number, p.contact_name, p.contact_phone.as_e164)
        if text
    ] + [
        "secret-13@example.org",
        "Mairie secrète de Marseille",
        "mairie-secrete@marseille.example.org",
        "Marseille (13)",  # the coverage's towns with no partner
        "13055",  # every commune's row
        "3 mars 2031",  # the other région's target
    ]
    return scoped_staff, own, others, secrets


def _belongs_to(model, partners):
    """The rows of ``model`` that belong to ``partners``, or to their départements or
    régions: theirs, or None for a model that is about none of them."""
    fields = {f.name: f for f in model._meta.fields}
    departments = {p.department for p in partners}
    if model is Partner:
        return model.objects.filter(pk__in=[p.pk for p in partners])
    if "department" in fields:
        return model.objects.filter(department__in=departments)
    if "region" in fields:
        return model.objects.filter(region__in={territories.region_of(d) for d in departments})
    if "partner" in fields and fields["partner"].related_model is Partner:
        return model.objects.filter(partner__in=partners)
    if "candidate" in fields and fields["candidate"].related_model is Candidate:
        return model.objects.filter(candidate__department__in=departments)
    return None


def _sample_id(model, partners) -> str:
    rows = _belongs_to(model, partners)
    if rows is None:
        rows = model._default_manager.all()
    row = rows.order_by("pk").first()
    return str(row.pk) if row else "1"


def _snapshot(partners) -> dict:
    """Every row about ``partners``, in every model of the partners app."""
    state = {}
    for model in apps.get_app_config("partners").get_models():
        rows = _belongs_to(model, partners)
        if rows is not None:
            state[model._meta.label] = list(rows.order_by("pk").values())
    return state


def _paths(pattern: URLPattern, prefix: str, values: dict) -> list[str]:
    names = list(pattern.pattern.regex.groupindex)
    unknown = [name for name in names if name not in values]
    assert not unknown, f"{pattern.pattern}: teach this test the values of {unknown}"
    paths = []
    for combination in itertools.product(*(values[name] for name in names)):
        given = dict(zip(names, combination, strict=True))
        text = str(pattern.pattern)
        if isinstance(pattern.pattern, RoutePattern):
            path = re.sub(r"<(?:[^>:]+:)?(\w+)>", lambda m, given=given: given[m[1]], text)
        else:
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m, given=given: given[m[1]], text)
            path = path.lstrip("^").rstrip("$").replace("\\", "")
        paths.append(prefix + path)
    return paths


def _every_admin_path(others) -> list[str]:
    index = reverse("admin:index")
    paths = []
    for pattern in admin.site.get_urls():
        # The site's own views (a model's views are walked below, with that model's ids).
        if isinstance(pattern, URLPattern):
            paths += _paths(
                pattern,
                index,
                {
                    "app_label": [c.label for c in apps.get_app_configs()],
                    "content_type_id": [str(ContentType.objects.get_for_model(Partner).pk)],
                    "object_id": [str(others[0].pk)],
                    "pk": [str(others[0].pk)],
                    "url": ["partners/partner/"],
                },
            )
    for model, model_admin in admin.site._registry.items():
        prefix = f"{index}{model._meta.app_label}/{model._meta.model_name}/"
        sample = [_sample_id(model, others)]
        values = {"object_id": sample, "id": sample, "pk": sample, "decision": list(DECISIONS)}
        for pattern in model_admin.get_urls():
            paths += _paths(pattern, prefix, values)
    return paths


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _assert_no_leak(response, secrets, what):
    assert response.status_code in (200, 302, 403, 404, 405), f"{what}: {response.status_code}"
    body = _body(response) + response.get("Location", "")
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{what} shows {leaked}"


def test_every_admin_url_refuses_another_departements_objects(client, world):
    reviewer, _own, others, secrets = world
    before = _snapshot(others)
    paths = _every_admin_path(others)
    assert len(paths) > 40  # the walk found the admin's URLs
    for path in paths:
        for method, query in REQUESTS:
            # Signing in again each time: one of the paths is the log-out.
            signin.verified_login(client, reviewer)
            response = getattr(client, method)(path, query)
            _assert_no_leak(response, secrets, f"{method.upper()} {path} {query}")
            assert _snapshot(others) == before, f"{method.upper()} {path} changed the data"


def test_every_admin_action_leaves_another_departements_objects_alone(client, world, admin_user):
    reviewer, own, others, secrets = world
    before = _snapshot(others)
    request = RequestFactory().get("/")
    request.user = admin_user  # every action there is, whoever may use it
    walked = 0
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        own_id, other_id = _sample_id(model, [own]), _sample_id(model, others)
        selections = [[other_id], [own_id], [own_id, other_id]]
        for action, selected in itertools.product(model_admin.get_actions(request), selections):
            for across in ("0", "1"):
                signin.verified_login(client, reviewer)
                response = client.post(
                    f"{changelist}?status=all",
                    {
                        "action": action,
                        ACTION_CHECKBOX_NAME: selected,
                        "select_across": across,
                        "index": "0",
                        **EVERY_CONFIRMATION,
                    },
                )
                what = f"{model._meta.label}.{action} on {selected} (across: {across})"
                _assert_no_leak(response, secrets, what)
                assert _snapshot(others) == before, f"{what} changed the data"
                walked += 1
    assert walked > 30  # the walk found the admin's actions


def test_a_limited_reviewer_erases_the_contact_in_their_departements_only(client, world):
    reviewer, own, others, _secrets = world
    signin.verified_login(client, reviewer)
    response = client.post(
        reverse("admin:partners_partner_changelist") + "?status=all",
        {"action": "erase_contact_data", ACTION_CHECKBOX_NAME: [own.pk], "confirm": "yes"},
        follow=True,
    )
    own.refresh_from_db()
    assert own.contact_email == ""
    assert Partner.objects.get(pk=others[1].pk).contact_email == SHARED_EMAIL
    # The reviewer is told that the request is not complete.
    assert "demandez à un administrateur" in response.text
