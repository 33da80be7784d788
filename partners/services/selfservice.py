"""The venue's self-service through its signed link: its links sent again, updates (an
approved venue's identity and place wait for staff review), and leaving the network."""

from django.conf import settings
from django.db import transaction
from django.tasks import task

from partners.domain import links
from partners.models import (
    ACTIVE_STATUSES,
    Partner,
    PartnerEvent,
    Status,
)
from partners.services import applications, emails, geocoding
from partners.services.common import (
    record_status,
    set_closures,
    set_hours,
)

# An approved venue's identity and place wait for staff review; the rest applies at once,
# opening hours and closures included. Who placed the pin travels with it.
REVIEWED_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "department",
    "insee_code",
    "location",
    "pin_source",
)


# The reason recorded on an edit event whose changes wait for review.
AWAITING_REVIEW = "awaiting review"


def send_selfservice_link(*, partner: Partner) -> None:
    emails.send(
        template="selfservice_link",
        to=[partner.contact_email],
        context={"partner": partner, "selfservice_url": links.url(partner, links.SELFSERVICE)},
    )


def send_links_to_contact(*, email: str) -> None:
    """Queue the links of every venue whose contact is ``email``: the confirmation link
    before the address is confirmed, the self-service link after. Queued for every valid
    request, known address or not, so the request takes as long and says nothing of it."""
    transaction.on_commit(lambda: _send_links_to_contact.enqueue(email=email))


@task
def _send_links_to_contact(*, email: str) -> None:
    applied = set()
    for partner in Partner.objects.filter(contact_email__iexact=email).order_by("pk"):
        if partner.status == Status.UNCONFIRMED:
            # One link confirms every site of a multi-site application.
            if partner.application_key is None or partner.application_key not in applied:
                applied.add(partner.application_key)
                applications.send_confirmation_link(partner=partner)
        else:
            send_selfservice_link(partner=partner)


def _json_value(field: str, value):
    """A value as the history and ``pending_changes`` record it (JSON)."""
    if field == "hours":
        return [f"{day} {opens:%H:%M}-{closes:%H:%M}" for day, opens, closes in value]
    if field == "closures":
        return [f"{starts}/{ends} {reason}".rstrip() for starts, ends, reason in value]
    if field == "location":
        return value.ewkt if value else None
    if field == "languages" or isinstance(value, bool | int | float | None):
        return value
    return str(value)


def update_partner(*, partner: Partner, changes: dict, by="venue") -> Partner:
    """Change a partner's details; ``changes`` maps field names (and "hours", "closures")
    to new values.

    For a partner that is or was on the map, changes of name, address or location wait
    in ``pending_changes`` for staff review, the old details staying public. A new address
    without a pin (``location`` None) is placed first, outside the transaction.
    """
    if "location" in changes and (
        changes["location"] is None
        or _json_value("location", changes["location"])
        != (_json_value("location", partner.location))
    ):
        where = {key: changes.get(key, getattr(partner, key)) for key in geocoding.LOCATED_BY}
        location, pin_source = geocoding.placed(location=changes["location"], **where)
        changes = {**changes, "location": location, "pin_source": pin_source}
    return _update_partner(partner=partner, changes=changes, by=by)


@transaction.atomic
def _update_partner(*, partner: Partner, changes: dict, by) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status not in ACTIVE_STATUSES:
        raise ValueError(f"A {partner.status} partner cannot be edited.")
    user, actor = (None, by) if isinstance(by, str) else (by, "")
    reviewed = partner.status in (Status.APPROVED, Status.SUSPENDED)
    current = {
        "hours": [(i.weekday, i.opens, i.closes) for i in partner.opening_intervals.all()],
        # Past closures change nothing: only the coming ones are compared, and replaced.
        "closures": sorted((c.starts, c.ends, c.reason) for c in partner.upcoming_closures()),
    }

    applied, to_review = {}, {}
    for field, after in changes.items():
        before = current[field] if field in current else getattr(partner, field)
        if field in current:
            after = sorted(after)
        if _json_value(field, before) == _json_value(field, after):
            if field in partner.pending_changes:
                to_review[field] = None  # back to the public value: nothing left to review
            continue
        if field in partner.pending_changes and (
            partner.pending_changes[field] == _json_value(field, after)
        ):
            continue  # already awaiting review
        record = [_json_value(field, before), _json_value(field, after)]
        (to_review if reviewed and field in REVIEWED_FIELDS else applied)[field] = (after, record)

    for field, (after, _change) in applied.items():
        if field == "hours":
            set_hours(partner, after)
        elif field == "closures":
            set_closures(partner, after)
        else:
            setattr(partner, field, after)
    pending = dict(partner.pending_changes)
    for field, change in to_review.items():
        if change is None:
            pending.pop(field, None)
        else:
            pending[field] = _json_value(field, change[0])
    partner.pending_changes = pending
    partner.save()

    if applied:
        PartnerEvent.objects.create(
            partner=partner,
            by=user,
            actor=actor,
            changes={field: record for field, (_after, record) in applied.items()},
        )
    reviewed_now = {field: change[1] for field, change in to_review.items() if change}
    if reviewed_now:
        PartnerEvent.objects.create(
            partner=partner, by=user, actor=actor, reason=AWAITING_REVIEW, changes=reviewed_now
        )
        emails.send(
            template="selfservice_changes_to_review",
            to=settings.STAFF_NOTIFICATION_EMAILS,
            context={
                "partner": partner,
                "changes": reviewed_now,
                "admin_url": emails.admin_link(partner, "changes_review"),
            },
        )
    return partner


@transaction.atomic
def withdraw_partner(*, partner: Partner, reason: str = "") -> Partner:
    """The venue leaves: off the public map at once. Its sticker number stays on the
    row, so it is never issued again, and ``/verif`` reports it withdrawn."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status not in ACTIVE_STATUSES:
        raise ValueError(f"A {partner.status} partner cannot withdraw.")
    record_status(partner=partner, to_status=Status.WITHDRAWN, actor="venue", reason=reason)
    partner.pending_changes = {}
    partner.save()
    emails.send(
        template="selfservice_withdrawn",
        to=[partner.contact_email],
        context={"partner": partner},
    )
    return partner
