import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.urls import reverse

from partners.models import Report, ReportReason, Status
from partners.services import reports
from tests import signin
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def report_url(partner):
    return reverse("partners:report", args=[partner.pk])


def test_the_public_reports_a_problem_with_a_partner(client):
    partner = PartnerFactory(approved=True)
    page = client.get(report_url(partner))
    assert page.status_code == 200
    assert partner.sticker_number in page.text

    response = client.post(
        report_url(partner), {"reason": ReportReason.STICKER_MISSING, "message": "Plus de vitrine"}
    )

    assert response["Location"] == reverse("partners:report_thanks", args=[partner.pk])
    report = Report.objects.get()
    assert (report.partner, report.reason, report.message) == (
        partner,
        ReportReason.STICKER_MISSING,
        "Plus de vitrine",
    )
    assert report.resolved_at is None


def test_report_page_exists_only_for_approved_partners(client):
    for status in (Status.PENDING, Status.REVOKED, Status.SUSPENDED):
        partner = PartnerFactory(status=status, sticker_number=None)
        assert client.get(report_url(partner)).status_code == 404
        assert client.post(report_url(partner), {"reason": "closed"}).status_code == 404
    assert not Report.objects.exists()


def test_other_needs_a_message_and_nothing_typed_is_lost(client):
    partner = PartnerFactory(approved=True)
    response = client.post(report_url(partner), {"reason": ReportReason.OTHER, "message": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert response.context["form"]["reason"].value() == "other"
    response = client.post(report_url(partner), {"reason": "nonsense"})
    assert response.context["form"].errors["reason"]
    assert not Report.objects.exists()


def test_reports_are_rate_limited_per_address(client, settings):
    settings.REPORT_RATE_LIMIT = 3
    partner = PartnerFactory(approved=True)
    for _ in range(3):
        assert client.post(report_url(partner), {"reason": "closed"}).status_code == 302
    refused = client.post(report_url(partner), {"reason": "moved", "message": "Rue voisine"})
    assert refused.status_code == 429
    assert "Rue voisine" in refused.text  # what was typed is kept
    assert Report.objects.count() == 3
    # Another address is not affected.
    other = client.post(report_url(partner), {"reason": "closed"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_staff_resolve_reports_from_the_admin(admin_client, admin_user):
    partner = PartnerFactory(approved=True)
    report = reports.report_problem(partner=partner, reason="closed")
    changelist = reverse("admin:partners_report_changelist")
    assert partner.name in admin_client.get(changelist).text

    confirmation = admin_client.post(
        changelist, {"action": "resolve", ACTION_CHECKBOX_NAME: [report.pk]}
    )
    assert confirmation.status_code == 200
    report.refresh_from_db()
    assert report.resolved_at is None

    admin_client.post(
        changelist,
        {
            "action": "resolve",
            ACTION_CHECKBOX_NAME: [report.pk],
            "confirm": "yes",
            "note": "Appelé : fermé pour travaux",
        },
    )
    report.refresh_from_db()
    assert report.resolved_by == admin_user
    assert report.resolution_note == "Appelé : fermé pour travaux"
    assert report.resolved_at is not None


def test_reviewers_resolve_but_cannot_add_or_delete_reports(client, make_reviewer):
    signin.verified_login(client, make_reviewer())
    report = reports.report_problem(partner=PartnerFactory(approved=True), reason="moved")
    assert client.get(reverse("admin:partners_report_add")).status_code == 403
    delete = reverse("admin:partners_report_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:partners_report_changelist"),
        {"action": "resolve", ACTION_CHECKBOX_NAME: [report.pk], "confirm": "yes", "note": ""},
    )
    report.refresh_from_db()
    assert report.resolved_at is not None
