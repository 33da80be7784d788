"""Yearly re-confirmation: which partners are due or overdue, and their signed links.

A partner approved or re-confirmed more than ``RECONFIRMATION_INTERVAL_DAYS`` ago is
asked once (``send_reconfirmations``, daily); one that has not answered within
``RECONFIRMATION_GRACE_DAYS`` is overdue and flagged in the admin.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from partners.models import Partner, Status

_SALT = "partners.reconfirmation"


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


def token_for(partner: Partner) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(partner.pk))


def partner_pk_from(token: str) -> int:
    """The partner's id, or ``signing.BadSignature`` (``SignatureExpired`` when too old)."""
    max_age = datetime.timedelta(days=settings.RECONFIRMATION_LINK_DAYS)
    value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=max_age)
    return int(value)


def url_path(partner: Partner) -> str:
    # The email is French: its link opens the French page.
    with translation.override("fr"):
        return reverse("partners:reconfirm", args=[token_for(partner)])
