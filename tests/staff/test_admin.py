import csv
import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partners.domain import links
from partners.models import OpeningInterval, Partner, PartnerEvent, PinSource, Status
from partners.services import decisions, reports
from tests import signin
from tests.factories import OpeningIntervalFactory, PartnerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:partners_partner_changelist")


def change_url(partner):
    return reverse("admin:partners_partner_change", args=[partner.pk])


def decide_url(partner, decision):
    return reverse("admin:partners_partner_decide", args=[partner.pk, decision])


def run_action(client, action, partners, data=None, query=""):
    return client.post(
        CHANGELIST + query,
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [p.pk for p in partners],
            "confirm": "yes",
            **(data or {}),
        },
    )


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


# The queue.


def test_queue_lists_confirmed_pending_applications_oldest_first_with_their_age(admin_client):
    recent = PartnerFactory(name="Récente", confirmed_at=ago(hours=2))
    old = PartnerFactory(name="Ancienne", confirmed_at=ago(days=9))
    PartnerFactory(name="Pas confirmée", status=Status.UNCONFIRMED)
    PartnerFactory(name="Déjà approuvée", approved=True)

    response = admin_client.get(CHANGELIST)

    assert list(response.context["cl"].result_list) == [old, recent]
    assert '<td class="field-age">9' in response.text
    assert "Pas confirmée" not in response.text
    assert "Déjà approuvée" not in response.text


def test_status_filter_all_lists_every_status(admin_client):
    PartnerFactory(name="En attente")
    PartnerFactory(name="Approuvée", approved=True)
    response = admin_client.get(CHANGELIST, {"status": "all"})
    assert {p.name for p in response.context["cl"].result_list} == {"En attente", "Approuvée"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "Guadeloupe"}, {"Pointe-à-Pitre"}),
        ({"region": "Île-de-France"}, {"Paris"}),
        ({"territory": "metropole"}, {"Paris", "Lyon"}),
        ({"territory": "971"}, {"Pointe-à-Pitre"}),
        ({"department": "69"}, {"Lyon"}),
        ({"kind": "pharmacy"}, {"Lyon"}),
        ({"possible_duplicate__exact": "1"}, {"Lyon"}),
        ({"q": "97110"}, {"Pointe-à-Pitre"}),
        ({"q": "lyon-contact@example.org"}, {"Lyon"}),
        ({"q": "12345678200010"}, {"Lyon"}),
    ],
)
def test_queue_filters_and_search(admin_client, query, expected):
    PartnerFactory(city="Paris")
    PartnerFactory(
        city="Lyon",
        department="69",
        postcode="69001",
        kind="pharmacy",
        possible_duplicate=True,
        contact_email="lyon-contact@example.org",
        siret="12345678200010",
    )
    PartnerFactory(
        city="Pointe-à-Pitre",
        department="971",
        postcode="97110",
        location=Point(-61.53, 16.24, srid=4326),
    )
    response = admin_client.get(CHANGELIST, query)
    assert {p.city for p in response.context["cl"].result_list} == expected


def test_a_search_without_a_status_choice_looks_at_every_status(admin_client):
    PartnerFactory(contact_email="camille@example.org")
    partner = PartnerFactory(approved=True, contact_email="camille@example.org")
    PartnerFactory(approved=True)
    response = admin_client.get(CHANGELIST, {"q": "camille@example.org"})
    assert len(response.context["cl"].result_list) == 2
    assert partner in response.context["cl"].result_list
    pending_only = admin_client.get(CHANGELIST, {"q": "camille@example.org", "status": "pending"})
    assert partner not in pending_only.context["cl"].result_list


def test_search_finds_a_sticker_number_in_every_status(admin_client):
    partner = PartnerFactory(approved=True, sticker_number="75-04242")
    response = admin_client.get(CHANGELIST, {"status": "all", "q": "75-04242"})
    assert list(response.context["cl"].result_list) == [partner]


def test_reconfirmation_overdue_filter(admin_client, settings):
    settings.RECONFIRMATION_GRACE_DAYS = 30
    overdue = PartnerFactory(approved=True, reconfirmation_requested_at=ago(days=31))
    PartnerFactory(approved=True, reconfirmation_requested_at=ago(days=10))
    PartnerFactory(
        approved=True, reconfirmation_requested_at=ago(days=60), reconfirmed_at=ago(days=50)
    )
    response = admin_client.get(CHANGELIST, {"status": "approved", "reconfirmation": "overdue"})
    assert list(response.context["cl"].result_list) == [overdue]


# The application on a map beside its neighbours.


def test_change_page_lists_neighbours_within_1_km_and_likely_duplicates(admin_client):
    paris = Point(2.3522, 48.8566, srid=4326)
    application = PartnerFactory(name="Bibliothèque Forney", location=paris, siret="")
    twin = PartnerFactory(
        name="Bibliotheque Forney", approved=True, location=Point(2.3525, 48.8567, srid=4326)
    )
    # ~300 m away: a neighbour, not a duplicate.
    neighbour = PartnerFactory(
        name="Pharmacie du Marais", approved=True, location=Point(2.3560, 48.8580, srid=4326)
    )
    # Same SIRET far away: a duplicate, not a neighbour.
    application.siret = "73282932000074"
    application.save()
    same_siret = PartnerFactory(
        name="Autre nom", siret="73282932000074", location=Point(5.37, 43.30, srid=4326)
    )
    far = PartnerFactory(name="Loin", approved=True, location=Point(2.40, 48.90, srid=4326))

    response = admin_client.get(change_url(application))

    assert set(response.context["likely_duplicates"]) == {twin, same_siret}
    assert [p.name for p in response.context["nearby"]] == [twin.name, neighbour.name]
    assert far.name not in response.text
    markers = response.context["nearby_markers"]
    assert markers[1]["name"] == "Pharmacie du Marais"
    assert markers[1]["lat"] == pytest.approx(48.8580)
    assert 'id="nearby-partners"' in response.text
    # The pin is the editable Leaflet widget.
    assert 'name="location"' in response.text


def test_staff_can_move_the_pin_and_the_move_is_in_the_history(admin_client, admin_user):
    partner = PartnerFactory()
    OpeningIntervalFactory(partner=partner)
    response = admin_client.get(change_url(partner))
    data = _form_data(response)
    data["location"] = '{"type": "Point", "coordinates": [2.36, 48.86]}'
    data["edit_reason"] = "Pin on the wrong side of the street"

    response = admin_client.post(change_url(partner), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    partner.refresh_from_db()
    assert partner.location.x == pytest.approx(2.36)
    event = partner.events.get()
    assert event.by == admin_user
    assert event.reason == "Pin on the wrong side of the street"
    # Staff moving the pin confirm it (tests/venue/test_pin.py).
    assert event.changes == {
        "location": ["48.856600, 2.352200", "48.860000, 2.360000"],
        "pin_source": ["", "staff"],
    }


def test_the_venues_history_names_a_pin_staff_moved_in_its_own_words(admin_client, client):
    partner = PartnerFactory(pin_source=PinSource.TOWN)
    OpeningIntervalFactory(partner=partner)
    data = _form_data(admin_client.get(change_url(partner)))
    data["location"] = '{"type": "Point", "coordinates": [2.36, 48.86]}'
    assert admin_client.post(change_url(partner), data).status_code == 302
    assert set(partner.events.get().changes) == {"location", "pin_source"}

    page = client.get(f"/mon-lieu/{links.make_token(partner, links.SELFSERVICE)}/").text
    history = re.search(r'<ol class="history">(.*?)</ol>', page, re.S)[1]
    # Once, not "position, repère placé par": the staff's word reads cut short without
    # its values, which the venue's history does not show.
    assert re.search(r"Informations modifiées\s*: position sur la carte\s*</li>", history)


def test_an_edit_records_each_field_and_the_hours_before_and_after(admin_client):
    partner = PartnerFactory(name="Avant")
    OpeningIntervalFactory(partner=partner)
    data = _form_data(admin_client.get(change_url(partner)))
    data["name"] = "Après"
    data["opening_intervals-0-closes"] = "19:00"

    admin_client.post(change_url(partner), data)

    changes = partner.events.get().changes
    assert changes["name"] == ["Avant", "Après"]
    monday = OpeningInterval.Weekday.MONDAY.label
    assert changes["hours"] == [f"{monday} 09:00–18:00", f"{monday} 09:00–19:00"]


def _form_data(response):
    """The change form's current values, as a browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if name == "location":
            data[name] = value.geojson if hasattr(value, "geojson") else value
        elif isinstance(value, list):
            data[name] = ",".join(value)
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for subform in formset.formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[subform.add_prefix(name)] = value
    return data


# Decisions from the change page, each with a confirmation step.


def test_change_page_offers_the_decisions_that_apply(admin_client):
    pending = PartnerFactory()
    response = admin_client.get(change_url(pending))
    offered = [d.slug for d in response.context["decisions"]]
    assert offered == ["approve", "request_information", "reject"]
    approved = PartnerFactory(approved=True)
    response = admin_client.get(change_url(approved))
    assert [d.slug for d in response.context["decisions"]] == [
        "suspend",
        "revoke",
        "mark_sticker_sent",
    ]
    assert reverse("admin:partners_partner_certificate", args=[approved.pk]) in response.text


def test_approve_from_the_change_page_after_confirmation(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(contact_email="lieu@example.org")
    confirmation = admin_client.get(decide_url(partner, "approve"))
    assert confirmation.status_code == 200
    partner.refresh_from_db()
    assert partner.status == Status.PENDING  # nothing happens before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(decide_url(partner, "approve"), {"reason": ""})

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED
    assert partner.sticker_number.startswith("75-")
    event = partner.events.get()
    assert (event.by, event.from_status, event.to_status) == (
        admin_user,
        Status.PENDING,
        Status.APPROVED,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lieu@example.org"]
    assert partner.sticker_number in mail.outbox[0].body
    assert "approuvé" in mail.outbox[0].subject


@pytest.mark.parametrize("decision", ["reject", "request_information"])
def test_reject_and_request_information_require_a_reason(admin_client, decision):
    partner = PartnerFactory()
    response = admin_client.post(decide_url(partner, decision), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not partner.events.exists()
    assert not mail.outbox


def test_reject_with_a_reason_emails_it_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(decide_url(partner, "reject"), {"reason": "Hors du territoire couvert"})
    partner.refresh_from_db()
    assert partner.status == Status.REJECTED
    assert partner.events.get().reason == "Hors du territoire couvert"
    assert "Hors du territoire couvert" in mail.outbox[0].body


def test_request_information_keeps_the_application_in_the_queue(
    admin_client, django_capture_on_commit_callbacks
):
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(decide_url(partner, "request_information"), {"reason": "Vos horaires ?"})
    partner.refresh_from_db()
    assert partner.status == Status.PENDING
    event = partner.events.get()
    assert (event.from_status, event.to_status, event.reason) == (
        Status.PENDING,
        Status.PENDING,
        "Vos horaires ?",
    )
    assert "Vos horaires ?" in mail.outbox[0].body


def test_suspend_reinstate_then_revoke_keep_the_sticker_number(
    admin_client, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(approved=True)
    number = partner.sticker_number
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(decide_url(partner, "suspend"), {"reason": "Signalements répétés"})
        partner.refresh_from_db()
        assert partner.status == Status.SUSPENDED
        assert not Partner.objects.public().filter(pk=partner.pk).exists()
        admin_client.post(decide_url(partner, "reinstate"), {"reason": ""})
        partner.refresh_from_db()
        assert partner.status == Status.APPROVED
        admin_client.post(decide_url(partner, "revoke"), {"reason": "Charte non respectée"})
    partner.refresh_from_db()
    assert partner.status == Status.REVOKED
    assert partner.sticker_number == number
    assert [e.to_status for e in partner.events.order_by("at", "pk")] == [
        Status.SUSPENDED,
        Status.APPROVED,
        Status.REVOKED,
    ]
    assert [m.subject.split()[-1] for m in mail.outbox][-1] == "sûr"
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("decision", ["suspend", "revoke"])
def test_suspend_and_revoke_require_a_reason(admin_client, decision):
    partner = PartnerFactory(approved=True)
    response = admin_client.post(decide_url(partner, decision), {"reason": ""})
    assert response.context["form"].errors["reason"]
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED


def test_a_decision_that_does_not_apply_is_refused_with_a_message(admin_client):
    partner = PartnerFactory(status=Status.REJECTED)
    response = admin_client.post(decide_url(partner, "suspend"), {"reason": "x"}, follow=True)
    partner.refresh_from_db()
    assert partner.status == Status.REJECTED
    assert "“Suspend”" not in response.text
    assert str(Status.REJECTED.label) in response.text


def test_mark_sticker_sent_records_the_date(admin_client, django_capture_on_commit_callbacks):
    partner = PartnerFactory(approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(decide_url(partner, "mark_sticker_sent"), {"sent_on": "2026-11-20"})
    partner.refresh_from_db()
    assert partner.sticker_sent_on == datetime.date(2026, 11, 20)
    assert partner.events.get().changes == {"sticker_sent_on": [None, "2026-11-20"]}
    assert partner.sticker_number in mail.outbox[0].body


def test_an_application_without_a_pin_is_not_approved_and_says_why(admin_client):
    partner = PartnerFactory(location=None)
    response = admin_client.post(decide_url(partner, "approve"), {"reason": ""}, follow=True)
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.status == Status.PENDING
    assert partner.sticker_number is None
    assert str(partner) in response.text
    assert not mail.outbox


def test_approving_an_unconfirmed_pin_says_why_before_the_confirmation_page(admin_client):
    partner = PartnerFactory(pin_source=PinSource.TOWN)
    assert partner.pin_unconfirmed
    response = admin_client.get(decide_url(partner, "approve"), follow=True)
    assert response.redirect_chain == [(change_url(partner), 302)]
    assert "repère non confirmé" in response.text
    assert 'name="confirm"' not in response.text
    partner.refresh_from_db()
    assert partner.status == Status.PENDING


def test_unknown_decision_is_404(admin_client):
    assert admin_client.get(decide_url(PartnerFactory(), "delete")).status_code == 404


# Decisions as admin actions.


def test_bulk_approval_of_200_applications_in_one_request(
    admin_client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    partners = PartnerFactory.create_batch(200)
    confirmation = admin_client.post(
        CHANGELIST, {"action": "approve", ACTION_CHECKBOX_NAME: [p.pk for p in partners]}
    )
    assert confirmation.status_code == 200
    assert len(confirmation.context["partners"]) == 200
    assert not Partner.objects.filter(status=Status.APPROVED).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "approve", partners, {"reason": ""})

    assert response.status_code == 302
    numbers = list(Partner.objects.values_list("sticker_number", flat=True))
    assert len(numbers) == 200
    assert None not in numbers
    assert len(set(numbers)) == 200
    assert PartnerEvent.objects.filter(to_status=Status.APPROVED).count() == 200
    assert len(mail.outbox) == 200


def test_bulk_rejection_needs_a_reason_and_keeps_the_selection(admin_client):
    partners = PartnerFactory.create_batch(3)
    response = run_action(admin_client, "reject", partners, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert response.text.count(f'name="{ACTION_CHECKBOX_NAME}"') == 3
    assert not Partner.objects.filter(status=Status.REJECTED).exists()


def test_bulk_decision_skips_partners_it_does_not_apply_to(admin_client):
    approved = PartnerFactory(approved=True)
    pending = PartnerFactory()
    response = run_action(
        admin_client, "suspend", [approved, pending], {"reason": "Fermé"}, query="?status=all"
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert (approved.status, pending.status) == (Status.SUSPENDED, Status.PENDING)


def test_print_sheet_action_returns_a_pdf_of_the_approved_ones(admin_client):
    partners = PartnerFactory.create_batch(7, approved=True)
    response = run_action(admin_client, "print_sticker_sheet", partners, query="?status=approved")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# History is read-only for everyone.


def test_history_cannot_be_added_changed_or_deleted_even_by_a_superuser(admin_client):
    partner = PartnerFactory()
    admin_client.post(decide_url(partner, "reject"), {"reason": "Doublon"})
    event = partner.events.get()
    change = reverse("admin:partners_partnerevent_change", args=[event.pk])

    assert admin_client.get(reverse("admin:partners_partnerevent_changelist")).status_code == 200
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.post(change, {"reason": "Rien"}).status_code == 403
    delete = reverse("admin:partners_partnerevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:partners_partnerevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.reason == "Doublon"
    # Nor through the partner's inline.
    data = _form_data(admin_client.get(change_url(partner)))
    assert not any(key.startswith("events-") and key.endswith("DELETE") for key in data)


def test_history_is_shown_on_the_partner_with_who_what_and_why(admin_client, admin_user):
    partner = PartnerFactory()
    admin_client.post(decide_url(partner, "reject"), {"reason": "Adresse introuvable"})
    response = admin_client.get(change_url(partner))
    assert "Adresse introuvable" in response.text
    assert admin_user.username in response.text
    # The labels are HTML-escaped ("En cours d&#x27;examen").
    assert escape(f"{Status.PENDING.label} → {Status.REJECTED.label}") in response.text


# Roles.


def test_reviewer_group_is_created_with_its_permissions():
    codenames = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    assert {"view_partner", "change_partner", "view_partnerevent", "change_report"} <= codenames
    assert not any(c.startswith("delete_partner") for c in codenames)
    assert not any(c.endswith(("_user", "_group", "_permission")) for c in codenames)


def test_reviewer_can_approve_but_not_delete(client, make_reviewer):
    reviewer = make_reviewer()
    # The admin's own sign-in: user name, password and the current code, on one form.
    device = reviewer.totpdevice_set.get()
    signed_in = signin.log_in(
        client, username=reviewer.username, token=signin.current_token(device)
    )
    assert signed_in.status_code == 302
    partner = PartnerFactory()
    response = client.get(CHANGELIST)
    assert "delete_selected" not in response.text
    delete = reverse("admin:partners_partner_delete", args=[partner.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(decide_url(partner, "approve"), {"reason": ""})
    partner.refresh_from_db()
    assert partner.status == Status.APPROVED


def test_reviewer_cannot_manage_users_or_groups(client, make_reviewer):
    signin.verified_login(client, make_reviewer())
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:partners_reviewerscope_changelist")).status_code == 403


def test_limited_reviewer_sees_only_their_departements(client, make_reviewer):
    signin.verified_login(client, make_reviewer(departments=["69", "971"]))
    lyon = PartnerFactory(department="69", postcode="69001", city="Lyon")
    paris = PartnerFactory(city="Paris")

    response = client.get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [lyon]
    assert client.get(change_url(paris)).status_code == 302  # "does not exist" redirect
    assert client.get(change_url(lyon)).status_code == 200
    export = client.get(reverse("admin:partners_partner_export"), {"status": "all"})
    assert "Paris" not in b"".join(export.streaming_content).decode()


def test_limited_reviewer_cannot_act_on_other_departements(client, make_reviewer):
    signin.verified_login(client, make_reviewer(departments=["69"]))
    paris = PartnerFactory(city="Paris")

    assert client.post(decide_url(paris, "approve"), {"reason": ""}).status_code == 404
    run_action(client, "approve", [paris], {"reason": ""})
    sticker = reverse("admin:partners_partner_sticker_svg", args=[paris.pk])
    assert client.get(sticker).status_code == 404
    paris.refresh_from_db()
    assert paris.status == Status.PENDING
    assert not paris.events.exists()


def test_limited_reviewer_cannot_move_a_partner_out_of_their_departements(client, make_reviewer):
    signin.verified_login(client, make_reviewer(departments=["69"]))
    lyon = PartnerFactory(department="69", postcode="69001", city="Lyon")
    data = _form_data(client.get(change_url(lyon)))
    data["department"] = "75"
    response = client.post(change_url(lyon), data)
    assert response.status_code == 200
    assert "department" in response.context["adminform"].form.errors
    lyon.refresh_from_db()
    assert lyon.department == "69"


def test_limited_reviewer_sees_only_their_history_and_reports(client, make_reviewer):
    signin.verified_login(client, make_reviewer(departments=["69"]))
    lyon = PartnerFactory(department="69", postcode="69001", approved=True)
    paris = PartnerFactory(approved=True)
    for partner in (lyon, paris):
        reports.report_problem(partner=partner, reason="closed")
        decisions.suspend_partner(partner=partner, by=None, reason="Fermé")
    events = client.get(reverse("admin:partners_partnerevent_changelist"))
    assert {e.partner for e in events.context["cl"].result_list} == {lyon}
    listed = client.get(reverse("admin:partners_report_changelist"))
    assert {r.partner for r in listed.context["cl"].result_list} == {lyon}


def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    partner = PartnerFactory(approved=True)
    urls = [
        CHANGELIST,
        reverse("admin:partners_partner_figures"),
        reverse("admin:partners_partner_export"),
        decide_url(partner, "approve"),
        reverse("admin:partners_partner_certificate", args=[partner.pk]),
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(django_user_model.objects.create_user("visitor", password="x" * 14))
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("admin:login"))


# Export and figures.


def exported_partners():
    hostile = PartnerFactory(
        name="=HYPERLINK(evil)",
        organisation="Ville de Paris",
        approved=True,
        phone="+33149278621",
        step_free=True,
        contact_email="secret@example.org",
        contact_name="Camille Secret",
    )
    PartnerFactory(name="En attente")
    return hostile


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_export_of_the_filtered_list_opens_in_french_excel(admin_client):
    partner = exported_partners()
    response = admin_client.get(reverse("admin:partners_partner_export"), {"status": "approved"})
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(response)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["nom public"] == "'=HYPERLINK(evil)"  # never run as a formula
    assert row["organisation"] == "Ville de Paris"
    assert row["statut"] == str(Status.APPROVED.label)
    assert row["téléphone public"] == "01 49 27 86 21"
    assert row["accès de plain-pied"] == "oui"
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", row["première acceptation le"])
    assert row["latitude"] == f"{partner.location.y:.6f}".replace(".", ",")
    body = ";".join(header + rows[0])
    assert "secret@example.org" not in body
    assert "Camille Secret" not in body


def test_xlsx_export_has_typed_cells_and_no_formula(admin_client):
    partner = exported_partners()
    response = admin_client.get(
        reverse("admin:partners_partner_export_xlsx"), {"status": "approved"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="partenaires.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    assert len(rows) == 1
    row = {title.value: cell for title, cell in zip(header, rows[0], strict=True)}
    assert row["nom public"].value == "=HYPERLINK(evil)"
    assert row["nom public"].data_type == "s"
    assert row["téléphone public"].value == "01 49 27 86 21"
    assert row["accès de plain-pied"].value == "oui"
    assert isinstance(row["première acceptation le"].value, datetime.datetime)
    assert row["latitude"].value == round(partner.location.y, 6)
    values = [str(cell.value) for cell in rows[0]]
    assert not any("secret" in value.lower() for value in values)


def test_both_exports_as_actions_on_the_selected_partners(admin_client):
    partner = exported_partners()
    for action in ("export_csv", "export_xlsx"):
        response = admin_client.post(
            CHANGELIST, {"action": action, "_selected_action": [partner.pk]}
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]


def test_changelist_links_to_the_export_of_its_own_filters(admin_client):
    response = admin_client.get(CHANGELIST, {"status": "approved", "kind": "library"})
    assert reverse("admin:partners_partner_export") + "?" in response.text
    assert "kind=library" in response.text


def test_figures_page_counts_partners_and_the_median_review_time(admin_client):
    partners = [PartnerFactory(confirmed_at=ago(days=d)) for d in (10, 6, 2)]
    for partner, hours in zip(partners, (24, 48, 72), strict=True):
        # History entries are never changed (the database refuses): decide at that time.
        with time_machine.travel(
            partner.confirmed_at + datetime.timedelta(hours=hours), tick=False
        ):
            decisions.approve_partner(partner=partner)
    PartnerFactory(department="971", postcode="97110", confirmed_at=ago(days=1))

    response = admin_client.get(reverse("admin:partners_partner_figures"))

    context = response.context
    assert dict(context["by_status"])[Status.APPROVED.label] == 3
    assert dict(context["by_status"])[Status.PENDING.label] == 1
    assert context["median_delay"] == datetime.timedelta(hours=48)
    assert context["stickers_to_send"] == 3
    assert dict(context["by_region"]) == {"Île-de-France": 3}
    assert sum(n for _month, n in context["per_month"]) == 4


# Stickers and certificates.


def test_sticker_svg_pdf_and_certificate_for_an_approved_partner(admin_client):
    partner = PartnerFactory(approved=True, name="Piscine Pontoise")
    svg = admin_client.get(reverse("admin:partners_partner_sticker_svg", args=[partner.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert partner.sticker_number in svg.content.decode()
    pdf = admin_client.get(reverse("admin:partners_partner_sticker_pdf", args=[partner.pk]))
    assert pdf.content.startswith(b"%PDF")
    certificate = admin_client.get(reverse("admin:partners_partner_certificate", args=[partner.pk]))
    assert "Piscine Pontoise" in certificate.text
    assert f"/verif/{partner.sticker_number}/" in certificate.text
    assert "<svg" in certificate.text


def test_a_certificate_gives_its_own_territory_s_numbers(admin_client):
    paris = PartnerFactory(approved=True)
    noumea = PartnerFactory(
        approved=True,
        department="988",
        postcode="98800",
        city="Nouméa",
        location=Point(166.45, -22.27, srid=4326),
    )

    def footer(partner):
        url = reverse("admin:partners_partner_certificate", args=[partner.pk])
        return admin_client.get(url).text.split("<footer>")[1]

    assert "3919 (Violences faites aux femmes)" in footer(paris)
    assert "SMS 114" in footer(paris)
    assert "3919" not in footer(noumea)
    assert "05 30 30" in footer(noumea)


def test_no_sticker_for_a_partner_that_is_not_approved(admin_client):
    partner = PartnerFactory()
    url = reverse("admin:partners_partner_sticker_pdf", args=[partner.pk])
    assert admin_client.get(url).status_code == 404


# No N+1 queries in the lists.


@pytest.mark.parametrize(
    "url", [CHANGELIST + "?status=all", reverse("admin:partners_partnerevent_changelist")]
)
def test_lists_run_the_same_number_of_queries_for_5_or_50_partners(admin_client, url):
    def queries_with(count):
        for partner in PartnerFactory.create_batch(count - Partner.objects.count()):
            decisions.reject_partner(partner=partner, by=None, reason="Doublon")
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    assert queries_with(5) == queries_with(50)


def test_a_closure_staff_change_alone_puts_the_partner_in_the_open_data_feed(admin_client, client):
    partner = PartnerFactory(approved=True)
    OpeningIntervalFactory(partner=partner)
    before = Partner.objects.get(pk=partner.pk).updated_at
    today = partner.local_time().date()
    starts = today + datetime.timedelta(days=10)
    data = _form_data(admin_client.get(change_url(partner)))
    data |= {
        "closures-TOTAL_FORMS": "1",
        "closures-0-starts": starts.isoformat(),
        "closures-0-ends": starts.isoformat(),
    }

    assert admin_client.post(change_url(partner), data).status_code == 302

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        page = client.get("/api/v1/partners/changes", {"since": before.isoformat()}).json()
    assert [(entry["id"], entry["change"]) for entry in page["changes"]] == [
        (partner.pk, "changed")
    ]
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert page["changes"][0]["partner"]["opening_hours_osm"] == (
        f"Mo 09:00-18:00; {starts.year} {month[starts.month - 1]} {starts.day:02d} off"
    )


def test_staff_add_a_closure_inline_it_is_in_the_history_and_a_bad_one_is_refused_in_french(
    admin_client,
):
    # Dates from today: the staff's session lives on the real clock.
    partner = PartnerFactory(approved=True)
    OpeningIntervalFactory(partner=partner)
    today = partner.local_time().date()
    starts, ends = today + datetime.timedelta(days=10), today + datetime.timedelta(days=12)
    data = _form_data(admin_client.get(change_url(partner)))
    data |= {
        "closures-TOTAL_FORMS": "1",
        "closures-0-starts": starts.isoformat(),
        "closures-0-ends": ends.isoformat(),
        "closures-0-reason": "congés",
    }

    response = admin_client.post(change_url(partner), data)

    assert response.status_code == 302
    closure = partner.closures.get()
    assert (closure.starts, closure.ends, closure.reason) == (starts, ends, "congés")
    assert partner.events.get().changes["closures"] == ["", f"{starts}–{ends} (congés)"]
    # Closed in the middle of it at noon, for the rule.
    middle = datetime.datetime.combine(starts + datetime.timedelta(days=1), datetime.time(12))
    assert (
        not Partner.objects.open_at(middle.replace(tzinfo=partner.zone))
        .filter(pk=partner.pk)
        .exists()
    )

    data = _form_data(admin_client.get(change_url(partner)))
    data |= {
        "closures-TOTAL_FORMS": "2",
        "closures-1-starts": (today + datetime.timedelta(days=40)).isoformat(),
        "closures-1-ends": (today + datetime.timedelta(days=30)).isoformat(),
    }
    response = admin_client.post(change_url(partner), data)
    assert response.status_code == 200
    assert "Le dernier jour d’une fermeture ne peut pas précéder le premier." in response.text
    data["closures-1-ends"] = (today + datetime.timedelta(days=400)).isoformat()
    response = admin_client.post(change_url(partner), data)
    assert "Indiquez les fermetures de l’année à venir" in response.text
    assert partner.closures.count() == 1
