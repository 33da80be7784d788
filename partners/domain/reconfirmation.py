"""Yearly re-confirmation: which partners are due or overdue (their links: ``partners.links``).

A partner approved or re-confirmed more than ``RECONFIRMATION_INTERVAL_DAYS`` ago is
asked once (``send_reconfirmations``, daily); one that has not answered within
``RECONFIRMATION_GRACE_DAYS`` is overdue and flagged in the admin.
"""

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.models import Partner, Status


def _last_confirmed(queryset):
    return queryset.annotate(last_confirmed=Coalesce("reconfirmed_at", "approved_at"))


def due(now: datetime.datetime | None = None):
    """Approved partners to ask now: confirmed long ago and not yet asked since."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RECONFIRMATION_INTERVAL_DAYS)
    return (
        _last_confirmed(Partner.objects.filter(status=Status.APPROVED))
        .filter(last_confirmed__lte=cutoff)
        .filter(
            Q(reconfirmation_requested_at__isnull=True)
            | Q(reconfirmation_requested_at__lt=F("last_confirmed"))
        )
    )


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Asked more than the grace period ago and not re-confirmed since."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RECONFIRMATION_GRACE_DAYS)
    return Q(status=Status.APPROVED, reconfirmation_requested_at__lte=cutoff) & (
        Q(reconfirmed_at__isnull=True) | Q(reconfirmed_at__lt=F("reconfirmation_requested_at"))
    )
