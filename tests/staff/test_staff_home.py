"""The admin's home shows the work waiting, within the user's départements, each count a
link to the list it counts; durations read in words."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.services import reports
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def marseille(**kwargs):
    return PartnerFactory(department="13", postcode="13001", city="Marseille", **kwargs)


@pytest.fixture
def work():
    """In Paris (75) and Marseille (13): applications, changes to review, overdue
    re-confirmations, stickers to send and reports."""
    PartnerFactory(name="Récente", confirmed_at=ago(hours=3, minutes=5))
    PartnerFactory(name="Ancienne", confirmed_at=ago(days=2, minutes=5))
    marseille(name="Très ancienne", confirmed_at=ago(days=5, hours=1))
    sent = datetime.date(2026, 1, 5)
    changed = PartnerFactory(
        approved=True, sticker_sent_on=sent, pending_changes={"name": "Nouveau nom"}
    )
    marseille(approved=True, sticker_sent_on=sent, pending_changes={"address": "2 rue X"})
    PartnerFactory(
        approved=True,
        sticker_sent_on=sent,
        approved_at=ago(days=420),
        reconfirmation_requested_at=ago(days=45),
    )
    PartnerFactory(approved=True)  # its sticker is still to send
    marseille(approved=True)
    marseille(approved=True)
    reports.report_problem(partner=changed, reason="closed")
    resolved = reports.report_problem(partner=changed, reason="moved")
    reports.resolve_report(report=resolved, by=None)
    reports.report_problem(partner=marseille(approved=True, sticker_sent_on=sent), reason="other")


def _items(response) -> dict[str, tuple[int, str, str]]:
    return {w.key: (w.count, w.url, w.note) for w in response.context["waiting_work"]}


def _listed(client, url) -> int:
    """How many the linked page lists: an admin list, the queue of changes to review, or
    the visits to make."""
    context = client.get(url).context
    if "cl" in context:
        return context["cl"].result_count
    return context["page"].paginator.count if "page" in context else context["total"]


def test_an_administrator_sees_all_the_work_and_each_link_lists_it(admin_client, work):
    response = admin_client.get(HOME)
    items = _items(response)
    assert {key: count for key, (count, _url, _note) in items.items()} == {
        "applications": 3,
        "changes": 2,
        "reports": 2,
        "overdue": 1,
        "stickers": 3,
        "coverage": 0,  # not computed yet (tests/staff/test_coverage.py)
        "suspensions": 0,
    }
    assert items["applications"][2] == "la plus ancienne attend depuis 5\xa0jours"
    for key, (count, url, _note) in items.items():
        if key != "coverage":
            assert _listed(admin_client, url) == count, key
    page = response.text
    assert "À traiter" in page
    assert "3 candidatures à examiner" in page
    assert "2 lieux avec des modifications à examiner" in page
    assert "2 signalements ouverts" in page
    assert "1 reconfirmation en retard" in page
    assert "3 autocollants à envoyer" in page


def test_a_reviewer_sees_the_work_of_their_departements_only(client, make_reviewer, work):
    signin.verified_login(client, make_reviewer(departments=["75"]))
    response = client.get(HOME)
    items = _items(response)
    assert {key: count for key, (count, _url, _note) in items.items()} == {
        "applications": 2,
        "changes": 1,
        "reports": 1,
        "overdue": 1,
        "stickers": 1,
        "coverage": 0,
        "suspensions": 0,
    }
    assert items["applications"][2] == "la plus ancienne attend depuis 2\xa0jours"
    for key, (count, url, _note) in items.items():
        if key != "coverage":
            assert _listed(client, url) == count, key
    # Creating reviewers is for administrators.
    assert reverse("admin:reviewer_add") not in response.text


def test_the_home_in_english(admin_client, work):
    page = admin_client.get("/en" + HOME).text
    assert "Waiting for you" in page
    assert "3 applications to review" in page
    assert "the oldest has waited 5\xa0days" in page


def test_nothing_waiting_reads_zero_and_no_age(admin_client):
    items = _items(admin_client.get(HOME))
    assert items["applications"] == (0, items["applications"][1], "")
    assert all(count == 0 for count, _url, _note in items.values())


def test_the_home_counts_in_a_few_queries(admin_client, work, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        admin_client.get(HOME)


def test_the_queue_shows_how_long_each_application_has_waited_in_words(admin_client, work):
    page = admin_client.get(reverse("admin:partners_partner_changelist")).text
    ages = re.findall(r'<td class="field-age">([^<]*)</td>', page)
    assert ages == ["5\xa0jours", "2\xa0jours", "3\xa0heures"]


def test_the_figures_give_the_median_review_time_in_words(admin_client):
    import time_machine

    from partners.services import decisions

    partner = PartnerFactory(confirmed_at=ago(days=10))
    later = partner.confirmed_at + datetime.timedelta(days=2, minutes=2, seconds=6)
    with time_machine.travel(later, tick=False):
        decisions.approve_partner(partner=partner)
    page = admin_client.get(reverse("admin:partners_partner_figures")).text
    assert "Délai médian" in page
    assert "2\xa0jours (1" in page
    assert "0:02:06" not in page


@pytest.mark.parametrize(
    ("delta", "french", "english"),
    [
        (datetime.timedelta(days=45, hours=23), "45\xa0jours", "45\xa0days"),
        (datetime.timedelta(days=1), "1\xa0jour", "1\xa0day"),
        (datetime.timedelta(hours=3, minutes=59), "3\xa0heures", "3\xa0hours"),
        (datetime.timedelta(minutes=2, seconds=6.831255), "2\xa0minutes", "2\xa0minutes"),
        (
            datetime.timedelta(seconds=20),
            "moins\xa0d’une\xa0minute",
            "less\xa0than\xa0a\xa0minute",
        ),
        (None, "–", "–"),
    ],
)
def test_durations_in_words(delta, french, english):
    from django.utils import translation

    from partners.staff.wording import duration

    assert duration(delta) == french
    with translation.override("en"):
        assert duration(delta) == english


def test_the_admin_home_names_every_app_in_french(admin_client):
    page = admin_client.get("/admin/").text
    for name in ("Double authentification : applications", "File des tâches (e-mails)"):
        assert name in page
    for english in (">Otp_Totp<", ">OTP_TOTP<", "Tasks Database Backend", "Task Results"):
        assert english not in page


def test_whoever_may_open_the_visits_finds_them_from_the_home(
    admin_client, client, make_reviewer, make_checker
):
    visits = reverse("admin:check_visits")
    link = f'<a href="{visits}">'
    PartnerFactory(approved=True)
    # An administrator, not counted the network's visits, has the link.
    response = admin_client.get(HOME)
    assert "visits" not in _items(response)
    assert response.context["visits_url"] == visits
    assert link in response.text
    assert "Visites à faire (vérifications mystère)" in response.text
    assert admin_client.get(visits).status_code == 200
    checks = admin_client.get(reverse("admin:partners_check_changelist")).text
    assert link in checks
    # A checker has their visits counted, once; a reviewer, who may not open them, nothing.
    signin.verified_login(client, make_checker(departments=["75"]))
    response = client.get(HOME)
    assert _items(response)["visits"][:2] == (1, visits)
    assert response.text.count(link) == 1
    reviewer = make_reviewer(departments=["75"])
    signin.verified_login(client, reviewer)
    response = client.get(HOME)
    assert response.context["visits_url"] == ""
    assert visits not in response.text
    assert visits not in client.get(reverse("admin:partners_check_changelist")).text
    assert client.get(visits).status_code == 403
