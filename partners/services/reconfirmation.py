"""The yearly re-confirmation: asking a partner, and its answer."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.domain import links
from partners.models import (
    Charter,
    Partner,
)
from partners.services.common import (
    allow,
    email_venue,
    locked,
    log_event,
)


@transaction.atomic
def request_reconfirmation(*, partner: Partner, actor: str) -> Partner:
    partner = locked(partner)
    now = timezone.now()
    before = partner.reconfirmation_requested_at
    partner.reconfirmation_requested_at = now
    partner.save(update_fields=["reconfirmation_requested_at", "updated_at"])
    log_event(
        partner=partner,
        actor=actor,
        changes={"reconfirmation_requested_at": [before and before.isoformat(), now.isoformat()]},
    )
    email_venue(
        partner,
        "reconfirmation_request",
        url=links.url(partner, links.RECONFIRM),
        grace_days=settings.RECONFIRMATION_GRACE_DAYS,
        # The training is renewed with the re-confirmation, every year.
        trained=partner.trainings.valid().count(),
        trained_required=settings.TRAINED_PEOPLE_FOR_APPROVAL,
        training_url=links.url(partner, links.TRAINING),
    )
    return partner


@transaction.atomic
def reconfirm_partner(*, partner: Partner, charter: Charter) -> Partner:
    """The venue confirms it still honours the charter, in the version it was shown."""
    partner = locked(partner)
    allow(partner, "reconfirm", _("Re-confirmation"))
    now = timezone.now()
    changes = {
        "reconfirmed_at": [
            partner.reconfirmed_at and partner.reconfirmed_at.isoformat(),
            now.isoformat(),
        ]
    }
    partner.reconfirmed_at = now
    if partner.charter_id != charter.pk:
        changes["charter"] = [partner.charter and partner.charter.version, charter.version]
        changes["charter_accepted_at"] = [
            partner.charter_accepted_at and partner.charter_accepted_at.isoformat(),
            now.isoformat(),
        ]
        partner.charter = charter
        partner.charter_accepted_at = now
    partner.save()
    log_event(partner=partner, actor="venue", changes=changes)
    email_venue(partner, "reconfirmation_thanks")
    return partner
