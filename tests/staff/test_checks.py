"""Mystery checks: the visits in their order, a checker limited to their départements and
to public details, the checklist recorded with its history, a fail's retraining email and
new visit, a second fail's suspension proposal in the staff home, and the month of the
latest check on the sticker's page."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from partners.domain import checks
from partners.models import Check, CheckOutcome, CheckWelcome, Partner, PartnerEvent, Status
from partners.services import reports
from partners.services.checks import record_check
from tests import signin
from tests.factories import PartnerFactory
from tests.venue.test_selfservice import page_url

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=PARIS)
TODAY = NOW.date()
VISITS = reverse("admin:check_visits")
HOME = reverse("admin:index")


@pytest.fixture(autouse=True)
def _clock():
    # Ticking: a check is recorded after the partner's approval, staff decide after it.
    with time_machine.travel(NOW):
        yield


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _check(partner, days: int, outcome=CheckOutcome.PASS, **kwargs) -> Check:
    return Check.objects.create(
        partner=partner,
        visited_on=days_ago(days),
        sticker_visible=True,
        staff_knew=outcome != CheckOutcome.FAIL,
        welcome=CheckWelcome.WARM,
        outcome=outcome,
        **kwargs,
    )


def _lyon(**kwargs):
    return PartnerFactory(approved=True, department="69", postcode="69001", city="Lyon", **kwargs)


def _answers(**changes) -> dict:
    data = {
        "visited_on": TODAY.isoformat(),
        "sticker_visible": "yes",
        "staff_knew": "no",
        "welcome": CheckWelcome.POOR,
        "outcome": CheckOutcome.FAIL,
        "notes": "Personne ne savait quoi faire ; l'autocollant est derrière la caisse.",
    }
    data.update(changes)
    return data


def test_the_visits_come_never_checked_then_revisits_then_oldest_checks_then_reports():
    ago = datetime.timedelta
    never_old = PartnerFactory(approved=True, name="Jamais, ancien", approved_at=NOW - ago(700))
    never_new = PartnerFactory(approved=True, name="Jamais, récent", approved_at=NOW - ago(3))
    revisit = PartnerFactory(approved=True, name="Échec il y a 40 jours")
    _check(revisit, 200)
    _check(revisit, 40, CheckOutcome.FAIL)
    retraining = PartnerFactory(approved=True, name="Échec il y a 10 jours")
    _check(retraining, 10, CheckOutcome.FAIL)
    reports.report_problem(partner=retraining, reason="charter_breached")
    due = PartnerFactory(approved=True, name="Vérifié il y a 400 jours")
    _check(due, 400, CheckOutcome.PARTIAL)
    older = PartnerFactory(approved=True, name="Vérifié il y a 500 jours")
    _check(older, 500)
    reported = PartnerFactory(approved=True, name="Signalé depuis")
    _check(reported, 100)
    with time_machine.travel(NOW - ago(20), tick=False):
        reports.report_problem(partner=reported, reason="sticker_missing")
    quiet = PartnerFactory(approved=True, name="Signalé avant, résolu depuis")
    with time_machine.travel(NOW - ago(200), tick=False):
        reports.report_problem(partner=quiet, reason="other")
    _check(quiet, 100)
    resolved = reports.report_problem(partner=quiet, reason="moved")
    reports.resolve_report(report=resolved, by=None)
    _check(PartnerFactory(approved=True, name="Vérifié il y a 10 jours"), 10)
    PartnerFactory(name="Candidature, jamais vérifiée")  # pending: not a partner yet

    visits = list(checks.visits(Partner.objects.all(), TODAY))
    assert [p.name for p in visits] == [
        never_old.name,
        never_new.name,
        revisit.name,
        older.name,
        due.name,
        reported.name,
    ]
    assert [p.visit for p in visits] == [1, 1, 2, 3, 3, 4]
    assert visits[2].last_visit == days_ago(40)


def test_the_checker_sees_their_visits_in_order_with_why_and_public_details_only(
    client, make_checker
):
    first = _lyon(name="Bibliothèque de la Part-Dieu", approved_at=NOW - datetime.timedelta(9))
    second = _lyon(name="Piscine du Rhône")
    _check(second, 400)
    signin.verified_login(client, make_checker(departments=["69"]))
    visits = client.get(VISITS).text
    assert visits.index(first.name) < visits.index(second.name)
    assert "2 visites à faire dans vos départements" in visits
    assert "Jamais vérifié" in visits
    assert "Vérifié il y a plus d’un an – dernière vérification en octobre 2025" in visits
    assert reverse("admin:check_form", args=[first.pk]) in visits
    checklist = client.get(reverse("admin:check_form", args=[first.pk])).text
    for page in (visits, checklist):
        for private in (first.contact_name, first.contact_email, "06 12 34 56 78", "+33612345678"):
            assert private not in page
    assert first.sticker_number in checklist
    assert "Autocollant visible depuis l’entrée ?" in checklist


def test_a_checker_of_69_sees_nothing_of_75(client, make_checker):
    paris = PartnerFactory(approved=True, name="Médiathèque de Paris")
    _lyon(name="Médiathèque de Lyon")
    signin.verified_login(client, make_checker(departments=["69"]))
    page = client.get(VISITS).text
    assert "Médiathèque de Lyon" in page
    assert "Médiathèque de Paris" not in page
    url = reverse("admin:check_form", args=[paris.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _answers()).status_code == 404
    assert not Check.objects.exists()
    assert "1 visite à faire" in client.get(HOME).text


def test_a_checker_cannot_read_partners_or_checks_nor_decide(client, make_checker):
    partner = _lyon()
    signin.verified_login(client, make_checker(departments=["69"]))
    for url in (
        reverse("admin:partners_partner_changelist"),
        reverse("admin:partners_partner_change", args=[partner.pk]),
        reverse("admin:partners_check_changelist"),
        reverse("admin:partners_partnerevent_changelist"),
        reverse("admin:checker_add"),
    ):
        assert client.get(url).status_code == 403, url
    for decision in ("suspend", "approve", "revoke"):
        url = reverse("admin:partners_partner_decide", args=[partner.pk, decision])
        response = client.post(url, {"reason": "Je décide"})
        assert response.status_code == 403, decision
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED
    assert not partner.events.exists()


def test_a_pending_or_suspended_partner_has_no_checklist(client, make_checker):
    signin.verified_login(client, make_checker())
    for status in (Status.PENDING, Status.SUSPENDED):
        partner = PartnerFactory(status=status)
        assert client.get(reverse("admin:check_form", args=[partner.pk])).status_code == 404


def test_a_pass_is_recorded_with_its_history_and_no_email(client, make_checker):
    partner = _lyon()
    checker = make_checker(departments=["69"])
    signin.verified_login(client, checker)
    response = client.post(
        reverse("admin:check_form", args=[partner.pk]),
        _answers(staff_knew="yes", welcome=CheckWelcome.WARM, outcome=CheckOutcome.PASS, notes=""),
    )
    assert response.status_code == 302
    assert response["Location"] == VISITS
    check = Check.objects.get()
    assert (check.checker, check.visited_on, check.sticker_visible, check.staff_knew) == (
        checker,
        TODAY,
        True,
        True,
    )
    assert not check.proposes_suspension
    assert mail.outbox == []
    (event,) = partner.events.all()
    assert (event.by, event.changes) == (checker, {"check": [None, "pass"]})
    assert "est enregistrée" in client.get(VISITS).text
    assert "Aucune visite à faire" in client.get(VISITS).text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"visited_on": "2026-11-21"}, "visited_on", "La visite ne peut pas être dans le futur"),
        ({"visited_on": "2026-08-01"}, "visited_on", "Enregistrez une visite dans les 60 jours"),
        ({"visited_on": "hier"}, "visited_on", "Saisissez une date valide."),
        ({"outcome": None}, "outcome", "Ce champ est obligatoire."),
        ({"welcome": "parfait"}, "welcome", "Sélectionnez un choix valide."),
        ({"sticker_visible": "peut-être"}, "sticker_visible", "Sélectionnez un choix valide."),
        ({"notes": "x" * 2001}, "notes", "au plus 2000 caractères"),
    ],
)
def test_bad_answers_are_refused_in_french_beside_their_question(
    client, make_checker, changes, field, message
):
    partner = _lyon()
    signin.verified_login(client, make_checker())
    data = {k: v for k, v in _answers(**changes).items() if v is not None}
    response = client.post(reverse("admin:check_form", args=[partner.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.text
    assert not Check.objects.exists()


def test_a_fail_emails_the_venue_and_schedules_a_new_visit(
    client, make_checker, django_capture_on_commit_callbacks
):
    partner = _lyon()
    checker = make_checker(departments=["69"])
    signin.verified_login(client, checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:check_form", args=[partner.pk]), _answers())
    check = Check.objects.get()
    assert check.outcome == CheckOutcome.FAIL
    assert not check.proposes_suspension
    (email,) = mail.outbox
    assert email.to == [partner.contact_email]
    assert email.subject == (
        f"En lieu sûr : reprendre l'accueil avec votre équipe à « {partner.name} »"
    )
    assert "à partir du 20 décembre 2026" in email.body
    assert "/mon-lieu/" in email.body
    # The checker's notes and name stay with staff.
    assert "caisse" not in email.body
    assert "checker" not in email.body
    events = [e.changes for e in partner.events.order_by("pk")]
    assert events == [
        {"check": [None, "fail"]},
        {"retraining_revisit_from": [None, "2026-12-20"]},
    ]
    # Not visited again while the venue retrains; due from the day the email said.
    assert partner not in checks.visits(Partner.objects.all(), TODAY)
    later = datetime.date(2026, 12, 20)
    (visit,) = checks.visits(Partner.objects.all(), later)
    assert (visit, visit.visit) == (partner, checks.Visit.REVISIT)


def _fail(partner, days: int, checker=None) -> Check:
    return record_check(
        partner=partner,
        checker=checker,
        visited_on=days_ago(days),
        sticker_visible=False,
        staff_knew=False,
        welcome=CheckWelcome.POOR,
        outcome=CheckOutcome.FAIL,
    )


def test_a_second_fail_within_a_year_proposes_a_suspension_to_staff(
    admin_client, make_reviewer, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(approved=True, name="Bar du Marais")
    _fail(partner, 300)
    record_check(
        partner=partner,
        checker=None,
        visited_on=days_ago(200),
        sticker_visible=True,
        staff_knew=True,
        welcome=CheckWelcome.WARM,
        outcome=CheckOutcome.PASS,
    )
    assert _fail(partner, 0).proposes_suspension
    assert partner.events.filter(changes={"suspension_proposed": [None, True]}).count() == 1

    items = {w.key: w for w in admin_client.get(HOME).context["waiting_work"]}
    assert items["suspensions"].count == 1
    page = admin_client.get(HOME).text
    assert "1 proposition de suspension" in page
    listed = admin_client.get(items["suspensions"].url).context["cl"].result_list
    assert list(listed) == [partner]
    change = admin_client.get(reverse("admin:partners_partner_change", args=[partner.pk])).text
    assert "suspension proposée" in change
    assert "vérification mystère: ∅ → Échec" in change

    # A reviewer of another département is not asked.
    other = Client()
    signin.verified_login(other, make_reviewer(departments=["13"]))
    assert {w.key: w.count for w in other.get(HOME).context["waiting_work"]}["suspensions"] == 0

    # Staff suspend through the usual decision: the proposal is done with.
    url = reverse("admin:partners_partner_decide", args=[partner.pk, "suspend"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"reason": "Deux vérifications échouées en un an."})
    partner.refresh_from_db()
    assert partner.status == Status.SUSPENDED
    assert mail.outbox[-1].subject.endswith("suspendu du réseau En lieu sûr")
    assert {w.key: w.count for w in admin_client.get(HOME).context["waiting_work"]}[
        "suspensions"
    ] == 0
    # Reinstated later, it is not proposed again for the same fail.
    admin_client.post(reverse("admin:partners_partner_decide", args=[partner.pk, "reinstate"]))
    assert not Partner.objects.filter(checks.suspension_proposed_q()).exists()


def test_fails_more_than_a_year_apart_propose_nothing():
    partner = PartnerFactory(approved=True)
    _fail(partner, 400)
    assert not _fail(partner, 0).proposes_suspension
    assert not Partner.objects.filter(checks.suspension_proposed_q()).exists()


def test_a_pass_after_a_second_fail_withdraws_the_proposal():
    partner = PartnerFactory(approved=True)
    _fail(partner, 60)
    assert _fail(partner, 20).proposes_suspension
    assert Partner.objects.filter(checks.suspension_proposed_q()).exists()
    _check(partner, 0)
    assert not Partner.objects.filter(checks.suspension_proposed_q()).exists()


def test_a_partner_no_longer_approved_cannot_be_checked():
    from partners.services.common import DecisionRefused

    partner = PartnerFactory(approved=True)
    Partner.objects.filter(pk=partner.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(DecisionRefused):
        _fail(partner, 0)
    assert not Check.objects.exists()


def test_the_venue_never_sees_its_checks_in_its_history(client):
    partner = PartnerFactory(approved=True)
    _fail(partner, 60)
    _fail(partner, 0)
    page = client.get(page_url(partner)).text
    for staff_only in ("vérification", "suspension", "Détails mis à jour"):
        assert staff_only not in page


def test_the_sticker_page_says_the_month_of_the_latest_check_only(client):
    partner = PartnerFactory(approved=True)
    url = reverse("partners:sticker_check", args=[partner.sticker_number])
    assert "Vérifié en" not in client.get(url).text
    _check(partner, 400, notes="Notes réservées à l'équipe")
    _check(partner, 5, CheckOutcome.FAIL, notes="Accueil glacial")
    page = client.get(url).text
    assert "Vérifié en novembre 2026" in page
    assert "octobre 2025" not in page
    for hidden in ("Accueil glacial", "Notes réservées", "Échec", "échec"):
        assert hidden not in page
    assert "Checked in November 2026" in client.get("/en" + url).text
    # A suspended venue's sticker says nothing of its checks.
    Partner.objects.filter(pk=partner.pk).update(status=Status.SUSPENDED)
    assert "Vérifié en" not in client.get(url).text


def test_staff_read_every_check_and_its_notes_in_their_departements(client, make_reviewer):
    _check(PartnerFactory(approved=True, name="À Paris"), 3, notes="Très bon accueil")
    _check(_lyon(name="À Lyon"), 3, notes="Autocollant absent")
    signin.verified_login(client, make_reviewer(departments=["75"]))
    page = client.get(reverse("admin:partners_check_changelist")).text
    assert "À Paris" in page
    assert "À Lyon" not in page
    check = Check.objects.get(partner__name="À Paris")
    detail = client.get(reverse("admin:partners_check_change", args=[check.pk])).text
    assert "Très bon accueil" in detail
    # Checks are records: nobody adds, changes or deletes them in the admin.
    assert client.get(reverse("admin:partners_check_add")).status_code == 403
    assert PartnerEvent.objects.count() == 0


def _proposed(**kwargs) -> Partner:
    partner = PartnerFactory(approved=True, **kwargs)
    _fail(partner, 60)
    assert _fail(partner, 20).proposes_suspension
    return partner


def _suspensions(client) -> int:
    return {w.key: w.count for w in client.get(HOME).context["waiting_work"]}["suspensions"]


def test_staff_set_a_suspension_proposal_aside_with_a_reason_until_a_new_fail(
    client, make_reviewer, django_capture_on_commit_callbacks
):
    partner = _proposed(name="Bar du Marais")
    reviewer = make_reviewer(departments=["75"])
    signin.verified_login(client, reviewer)
    change_url = reverse("admin:partners_partner_change", args=[partner.pk])
    url = reverse("admin:partners_partner_decide", args=[partner.pk, "dismiss_suspension_proposal"])
    change = client.get(change_url).text
    assert "Écarter la proposition" in change
    assert f'href="{url}"' in change
    confirmation = client.get(url).text
    assert "Pourquoi garder le lieu" in confirmation
    assert "Le lieu n’est pas prévenu" in confirmation

    # Without a reason: refused beside the field, the proposal still waits.
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Ce champ est obligatoire."]
    assert _suspensions(client) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Équipe reformée, vue sur place la semaine passée."})
    assert response.status_code == 302
    assert response["Location"] == change_url
    assert _suspensions(client) == 0
    filtered = (
        reverse("admin:partners_partner_changelist") + "?status=approved&check=suspension_proposed"
    )
    assert list(client.get(filtered).context["cl"].result_list) == []
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED
    event = partner.events.order_by("pk").last()
    assert (event.by, event.reason, event.changes) == (
        reviewer,
        "Équipe reformée, vue sur place la semaine passée.",
        {"suspension_proposal_dismissed": [None, True]},
    )
    assert partner.suspension_proposal_dismissed_at == event.at
    # The checks stay as recorded; the venue hears nothing, and its page shows nothing.
    assert list(partner.checks.values_list("outcome", "proposes_suspension")) == [
        ("fail", True),
        ("fail", False),
    ]
    assert mail.outbox == []
    change = client.get(change_url).text
    assert "proposition de suspension écartée (lieu conservé)" in change
    assert "Écarter la proposition" not in change
    assert "Le lieu n’est pas prévenu" not in change
    assert "écartée" not in Client().get(page_url(partner)).text

    # Set aside once: a second time is refused, and recorded nowhere.
    client.post(url, {"reason": "Encore."})
    assert partner.events.filter(changes__has_key="suspension_proposal_dismissed").count() == 1
    assert "Aucune proposition de suspension n’attend" in client.get(change_url).text

    # A pass changes nothing; a new fail within the year proposes the suspension again.
    _check(partner, 10)
    assert _suspensions(client) == 0
    assert _fail(partner, 0).proposes_suspension
    assert _suspensions(client) == 1
    assert "Écarter la proposition" in client.get(change_url).text


def test_only_staff_deciding_on_the_partner_may_set_a_proposal_aside(
    client, make_reviewer, make_checker
):
    partner = _proposed()
    url = reverse("admin:partners_partner_decide", args=[partner.pk, "dismiss_suspension_proposal"])
    change_url = reverse("admin:partners_partner_change", args=[partner.pk])
    for user, refused in (
        (make_checker(departments=["75"]), 403),
        (make_reviewer("police@prefecture.example", ["75"], group="Read-only"), 403),
        (make_reviewer("reviewer-13", ["13"]), 404),
    ):
        other = Client()
        signin.verified_login(other, user)
        assert other.post(url, {"reason": "Je garde ce lieu."}).status_code == refused, user
        assert other.get(url).status_code == refused, user
        page = other.get(change_url)
        assert "Écarter la proposition" not in page.text
    assert not partner.events.filter(changes__has_key="suspension_proposal_dismissed").exists()
    assert Partner.objects.filter(checks.suspension_proposed_q()).get() == partner


def test_a_partner_with_no_proposal_is_offered_nothing_to_set_aside(admin_client):
    partner = PartnerFactory(approved=True)
    _fail(partner, 0)
    change_url = reverse("admin:partners_partner_change", args=[partner.pk])
    assert "Écarter la proposition" not in admin_client.get(change_url).text
    url = reverse("admin:partners_partner_decide", args=[partner.pk, "dismiss_suspension_proposal"])
    admin_client.post(url, {"reason": "Rien à écarter."})
    assert "Aucune proposition de suspension n’attend" in admin_client.get(change_url).text
    partner.refresh_from_db()
    assert partner.suspension_proposal_dismissed_at is None
