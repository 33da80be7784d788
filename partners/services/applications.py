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
    if partner.application_key:
        # The other sites of its application share its SIRET, and often its name.
        others = others.exclude(application_key=partner.application_key)
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


def submit_application(*, sites, charter, submission_key) -> tuple[Partner, bool]:
    """Record an application for one or more sites, unconfirmed until its contact follows
    the emailed link.

    ``sites`` is a list of (data, hours, closures): ``data`` holds a partner's fields (the
    shared organisation, kind, SIRET and contact person included), ``hours`` a list of
    (weekday, opens, closes), ``closures`` one of (starts, ends, reason). Each site becomes
    a partner; several share an ``application_key``. Returns the first site and ``True``;
    a retried submission (same ``submission_key``) returns the first site already
    recorded, and ``False``.
    """
    existing = Partner.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    # The geocoder is outside our control: every site is placed before the transaction.
    places = [
        geocoding.placed(
            location=data["location"], **{key: data.get(key, "") for key in geocoding.LOCATED_BY}
        )
        for data, _hours, _closures in sites
    ]
    return _record_application(
        sites=sites, places=places, charter=charter, submission_key=submission_key
    )


@transaction.atomic
def _record_application(*, sites, places, charter, submission_key) -> tuple[Partner, bool]:
    application_key = submission_key if len(sites) > 1 else None
    now = timezone.now()
    partners = []
    for (data, hours, closures), (location, pin_source) in zip(sites, places, strict=True):
        fields = {
            **data,
            "location": location,
            "pin_source": pin_source,
            "status": Status.UNCONFIRMED,
            "status_changed_at": now,
            "charter": charter,
            "charter_accepted_at": now,
            "application_key": application_key,
            # The first site carries the key that finds a retried submission.
            "submission_key": None if partners else submission_key,
        }
        try:
            with transaction.atomic():
                partner = Partner.objects.create(**fields)
        except IntegrityError:
            # The same form posted twice at once: the other request recorded it.
            existing = Partner.objects.filter(submission_key=submission_key).first()
            if existing:
                return existing, False
            raise
        set_hours(partner, hours)
        set_closures(partner, closures)
        PartnerEvent.objects.create(
            partner=partner, at=now, actor="venue", to_status=Status.UNCONFIRMED
        )
        partners.append(partner)
    for partner in partners:
        if looks_like_existing_partner(partner):
            partner.possible_duplicate = True
            partner.save(update_fields=["possible_duplicate"])
    send_confirmation_link(partner=partners[0])
    return partners[0], True


def send_confirmation_link(*, partner: Partner) -> None:
    """One link for the whole application: it confirms every site (``confirm_email``)."""
    emails.send(
        template="application_confirm_email",
        to=[partner.contact_email],
        context={
            "partner": partner,
            "sites": list(partner.application_sites()),
            "confirm_url": links.url(partner, links.CONFIRM),
        },
    )


@transaction.atomic
def confirm_email(*, partner: Partner) -> Partner:
    """The contact followed the link: the application, each of its sites with the same
    contact that is still unconfirmed, joins the staff queue; one email to the contact
    and one to staff list the sites."""
    sites = list(
        partner.application_sites()
        .filter(contact_email__iexact=partner.contact_email)
        .select_for_update()
    )
    confirmed = [site for site in sites if site.status == Status.UNCONFIRMED]
    for site in confirmed:
        record_status(partner=site, to_status=Status.PENDING, actor="venue")
        site.confirmed_at = site.status_changed_at
        site.save()
    partner = next(site for site in sites if site.pk == partner.pk)
    if not confirmed:
        return partner
    emails.send(
        template="application_confirmed",
        to=[partner.contact_email],
        context={
            "partner": partner,
            "sites": [
                {"partner": site, "selfservice_url": links.url(site, links.SELFSERVICE)}
                for site in confirmed
            ],
            "selfservice_url": links.url(partner, links.SELFSERVICE),
        },
    )
    emails.send(
        template="staff_new_application",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        context={
            "partner": partner,
            "sites": [
                {"partner": site, "admin_url": emails.admin_link(site)} for site in confirmed
            ],
            "admin_url": emails.admin_link(partner),
        },
    )
    return partner
