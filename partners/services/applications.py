"""Applications: a venue applies, confirms its email, and joins the staff queue; likely
duplicates of existing partners are flagged."""

import difflib

from django.conf import settings
from django.contrib.gis.measure import D
from django.db import IntegrityError, transaction
from django.utils import timezone

from gazetteer.communes import normalise
from partners.domain import links
from partners.models import (
    Partner,
    PartnerEvent,
    Status,
)
from partners.services import emails, geocoding
from partners.services.common import (
    record_status,
    set_closures,
    set_hours,
)

# Within this distance, a partner with a similar name is probably the same venue. Similar
# names: one holds the other once normalised ("Le Central", "Bar Le Central"), or difflib's
# ratio is at least 0.8, which takes accents, articles and typos ("Librairie des Oiseaux",
# "Librairie Les Oiseaux": 0.95) but not two neighbours of the same kind: "Banque
# Populaire" and "Banque Postale" (0.73), "Pharmacie du Marais" and "Pharmacie de la
# Gare" (0.72) stand side by side in many towns, and a lower ratio (the admin had 0.6)
# flagged them.
DUPLICATE_RADIUS_M = 50


DUPLICATE_NAME_SIMILARITY = 0.8


def _similar_names(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= DUPLICATE_NAME_SIMILARITY


def likely_duplicates(*, partner: Partner, among=None) -> list[Partner]:
    """The partners of ``among`` (every partner by default; the admin passes the staff
    user's scope) that are probably ``partner``: the same SIRET anywhere, or a similar
    name within ``DUPLICATE_RADIUS_M``."""
    others = (Partner.objects.all() if among is None else among).exclude(pk=partner.pk)
    same_siret = list(others.filter(siret=partner.siret)) if partner.siret else []
    close_and_alike = []
    if partner.location is not None:
        nearby = others.filter(
            location__dwithin=(partner.location, D(m=DUPLICATE_RADIUS_M))
        ).by_distance(partner.location)
        close_and_alike = [other for other in nearby if _similar_names(partner.name, other.name)]
    seen = {p.pk for p in same_siret}
    return same_siret + [p for p in close_and_alike if p.pk not in seen]


def looks_like_existing_partner(partner: Partner) -> bool:
    return bool(likely_duplicates(partner=partner))


@transaction.atomic
def submit_application(
    *, data: dict, hours, charter, submission_key, closures=()
) -> tuple[Partner, bool]:
    """Record an application, unconfirmed until its contact follows the emailed link.

    ``data`` holds the partner's fields; ``hours`` is a list of (weekday, opens,
    closes), ``closures`` one of (starts, ends, reason). A retried submission (same
    ``submission_key``) returns the application already recorded, and ``False``.
    """
    existing = Partner.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    where = {key: data.get(key, "") for key in geocoding.LOCATED_BY}
    location, pin_source = geocoding.placed(location=data["location"], **where)
    data = {**data, "location": location, "pin_source": pin_source}
    now = timezone.now()
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                **data,
                status=Status.UNCONFIRMED,
                status_changed_at=now,
                charter=charter,
                charter_accepted_at=now,
                submission_key=submission_key,
            )
    except IntegrityError:
        # The same form posted twice at once: the other request recorded it.
        existing = Partner.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
        raise
    set_hours(partner, hours)
    set_closures(partner, closures)
    if looks_like_existing_partner(partner):
        partner.possible_duplicate = True
        partner.save(update_fields=["possible_duplicate"])
    PartnerEvent.objects.create(
        partner=partner, at=now, actor="venue", to_status=Status.UNCONFIRMED
    )
    send_confirmation_link(partner=partner)
    return partner, True


def send_confirmation_link(*, partner: Partner) -> None:
    emails.send(
        template="application_confirm_email",
        to=[partner.contact_email],
        context={"partner": partner, "confirm_url": links.url(partner, links.CONFIRM)},
    )


@transaction.atomic
def confirm_email(*, partner: Partner) -> Partner:
    """The contact followed the link: the application joins the staff queue."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status != Status.UNCONFIRMED:
        return partner
    record_status(partner=partner, to_status=Status.PENDING, actor="venue")
    partner.confirmed_at = partner.status_changed_at
    partner.save()
    emails.send(
        template="application_confirmed",
        to=[partner.contact_email],
        context={"partner": partner, "selfservice_url": links.url(partner, links.SELFSERVICE)},
    )
    emails.send(
        template="staff_new_application",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        context={"partner": partner, "admin_url": emails.admin_link(partner)},
    )
    return partner
