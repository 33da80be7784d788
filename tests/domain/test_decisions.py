"""The decisions allowed in each status are declared once (partners/domain/transitions.py): the
admin offers exactly the decisions that the services accept, in every status."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from partners.domain import transitions
from partners.models import Partner, Status
from partners.services import common
from partners.staff.decisions import DECISIONS
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

WAS_APPROVED = (Status.APPROVED, Status.SUSPENDED, Status.WITHDRAWN, Status.REVOKED)


class _Undo(Exception):
    pass


def _accepts(decision, partner) -> bool:
    """Whether the service carries the decision out (then undone): it neither refuses
    it nor leaves the partner as it was."""
    try:
        with transaction.atomic():
            decision.service(partner=partner, by=None, reason="Parce que")
            after = Partner.objects.get(pk=partner.pk)
            done = after.status != partner.status or after.events.exists()
            raise _Undo
    except common.DecisionRefused:
        return False
    except _Undo:
        return done


@pytest.mark.parametrize("status", Status.values)
def test_the_admin_offers_exactly_the_decisions_the_services_accept(admin_client, status):
    extra = {"sticker_number": "75-00421"} if status in WAS_APPROVED else {}
    partner = PartnerFactory(
        status=status, status_changed_at=datetime.datetime.now(datetime.UTC), **extra
    )
    page = admin_client.get(reverse("admin:partners_partner_change", args=[partner.pk]))
    offered = {d.slug for d in page.context["decisions"]}
    accepted = {slug for slug, decision in DECISIONS.items() if _accepts(decision, partner)}
    assert offered == accepted


@pytest.mark.parametrize("slug", DECISIONS)
def test_the_admin_asks_for_a_reason_exactly_where_the_service_needs_one(slug):
    decision = DECISIONS[slug]
    status = transitions.APPLIES_IN[slug][0]
    extra = {"sticker_number": "75-00422"} if status in WAS_APPROVED else {}
    partner = PartnerFactory(
        status=status, status_changed_at=datetime.datetime.now(datetime.UTC), **extra
    )
    try:
        with transaction.atomic():
            decision.service(partner=partner, by=None, reason="  ")
            raise _Undo
    except ValueError:
        refused = True
    except _Undo:
        refused = False
    assert refused is decision.reason_required
