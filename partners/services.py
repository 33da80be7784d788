"""Every change of a partner's status goes through here, with its history entry.

Admin actions, views and commands call these functions; nothing else writes
``Partner.status``.
"""

import datetime
import difflib

from django.conf import settings
from django.contrib.gis.measure import D
from django.db import IntegrityError, connection, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from gazetteer.communes import normalise
from partners import decisions, emails, links
from partners.models import (
    ACTIVE_STATUSES,
    Charter,
    OpeningInterval,
    Partner,
    PartnerEvent,
    Report,
    Status,
)


def next_sticker_number(department: str) -> str:
    """The next sticker number: the département, then a serial unique network-wide."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('partners_sticker_serial')")
        (serial,) = cursor.fetchone()
    return f"{department}-{serial:05d}"


def _record(*, partner, to_status, by=None, actor="", reason="", changes=None):
    event = PartnerEvent.objects.create(
        partner=partner,
        by=by,
        actor=actor,
        from_status=partner.status,
        to_status=to_status,
        reason=reason,
        changes=changes or {},
    )
    partner.status = to_status
    partner.status_changed_at = event.at
    return event


# Staff decisions (called by the admin). Each locks the partner row, so two staff
# deciding at once are serialised; each emails the venue once the transaction commits.


class DecisionRefused(Exception):
    """The decision does not apply to the partner in its current status."""


def _locked(partner: Partner) -> Partner:
    return Partner.objects.select_for_update().get(pk=partner.pk)


def _allow(partner: Partner, decision: str, label) -> None:
    """Refuse ``decision`` (a key of ``decisions.APPLIES_IN``) in any other status."""
    if not decisions.applies(decision, partner.status):
        raise DecisionRefused(
            _("%(decision)s does not apply to “%(partner)s”, whose status is “%(status)s”.")
            % {"decision": label, "partner": partner, "status": partner.get_status_display()}
        )


def _require(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("This decision needs a reason.")
    return reason


def _log(*, partner, by=None, actor="", reason="", changes) -> PartnerEvent:
    """A history entry that changes no status: an edit, a request, a re-confirmation."""
    return PartnerEvent.objects.create(
        partner=partner, by=by, actor=actor, reason=reason, changes=changes
    )


def _email_venue(partner: Partner, template: str, **context) -> None:
    emails.send(
        template=template,
        to=[partner.contact_email],
        context={"partner": partner, "contact": settings.STAFF_CONTACT_EMAIL, **context},
    )


@transaction.atomic
def approve_partner(*, partner: Partner, by=None, actor: str = "", reason: str = "") -> Partner:
    """Approve a partner, issuing its sticker number on first approval.

    Approving an approved partner changes nothing: two staff approving at once get
    the same partner and the same number, and neither request fails.
    """
    partner = _locked(partner)
    if partner.status == Status.APPROVED:
        return partner
    _allow(partner, "approve", _("Approval"))
    if partner.location is None:
        raise DecisionRefused(
            _("“%(partner)s” has no location yet: place its pin on the map before approving it.")
            % {"partner": partner}
        )
    now = timezone.now()
    _record(partner=partner, to_status=Status.APPROVED, by=by, actor=actor, reason=reason)
    if not partner.sticker_number:
        partner.sticker_number = next_sticker_number(partner.department)
    partner.approved_at = partner.approved_at or now
    partner.save()
    _email_venue(partner, "decision_approved", reason=reason)
    return partner


@transaction.atomic
def reject_partner(*, partner: Partner, by, reason: str) -> Partner:
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, "reject", _("Rejection"))
    _record(partner=partner, to_status=Status.REJECTED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_rejected", reason=reason)
    return partner


@transaction.atomic
def request_information(*, partner: Partner, by, reason: str) -> Partner:
    """Ask the venue a question; the application stays in the queue."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, "request_information", _("A request for information"))
    PartnerEvent.objects.create(
        partner=partner,
        by=by,
        from_status=partner.status,
        to_status=partner.status,
        reason=reason,
    )
    _email_venue(partner, "decision_information_requested", reason=reason)
    return partner


@transaction.atomic
def suspend_partner(*, partner: Partner, by, reason: str) -> Partner:
    """Off the public map for now; the sticker number is kept for reinstatement."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, "suspend", _("Suspension"))
    _record(partner=partner, to_status=Status.SUSPENDED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_suspended", reason=reason)
    return partner


@transaction.atomic
def reinstate_partner(*, partner: Partner, by, reason: str = "") -> Partner:
    partner = _locked(partner)
    _allow(partner, "reinstate", _("Reinstatement"))
    _record(partner=partner, to_status=Status.APPROVED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_reinstated", reason=reason)
    return partner


@transaction.atomic
def revoke_partner(*, partner: Partner, by, reason: str) -> Partner:
    """For good: the sticker number stays on record, so /verif says it is revoked and
    it is never issued again."""
    reason = _require(reason)
    partner = _locked(partner)
    _allow(partner, "revoke", _("Revocation"))
    _record(partner=partner, to_status=Status.REVOKED, by=by, reason=reason)
    partner.save()
    _email_venue(partner, "decision_revoked", reason=reason)
    return partner


@transaction.atomic
def mark_sticker_sent(
    *, partner: Partner, by, sent_on: datetime.date | None = None, reason: str = ""
) -> Partner:
    partner = _locked(partner)
    _allow(partner, "mark_sticker_sent", _("Sending the sticker"))
    sent_on = sent_on or timezone.localdate()
    before = partner.sticker_sent_on
    partner.sticker_sent_on = sent_on
    partner.save(update_fields=["sticker_sent_on", "updated_at"])
    _log(
        partner=partner,
        by=by,
        reason=reason,
        changes={"sticker_sent_on": [before and before.isoformat(), sent_on.isoformat()]},
    )
    _email_venue(partner, "decision_sticker_sent")
    return partner


@transaction.atomic
def record_edit(*, partner: Partner, by, changes: dict, reason: str = "") -> PartnerEvent | None:
    """Record a staff edit, already saved by the admin form: {"field": [before, after]}."""
    if not changes:
        return None
    return _log(partner=partner, by=by, reason=reason, changes=changes)


# Yearly re-confirmation that the venue still honours the charter.


@transaction.atomic
def request_reconfirmation(*, partner: Partner, actor: str) -> Partner:
    partner = _locked(partner)
    now = timezone.now()
    before = partner.reconfirmation_requested_at
    partner.reconfirmation_requested_at = now
    partner.save(update_fields=["reconfirmation_requested_at", "updated_at"])
    _log(
        partner=partner,
        actor=actor,
        changes={"reconfirmation_requested_at": [before and before.isoformat(), now.isoformat()]},
    )
    _email_venue(
        partner,
        "reconfirmation_request",
        url=links.url(partner, links.RECONFIRM),
        grace_days=settings.RECONFIRMATION_GRACE_DAYS,
    )
    return partner


@transaction.atomic
def reconfirm_partner(*, partner: Partner, charter: Charter) -> Partner:
    """The venue confirms it still honours the charter, in the version it was shown."""
    partner = _locked(partner)
    _allow(partner, "reconfirm", _("Re-confirmation"))
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
    _log(partner=partner, actor="venue", changes=changes)
    _email_venue(partner, "reconfirmation_thanks")
    return partner


# Reports from the public.


@transaction.atomic
def report_problem(*, partner: Partner, reason: str, message: str = "") -> Report:
    return Report.objects.create(partner=partner, reason=reason, message=message.strip())


@transaction.atomic
def resolve_report(*, report: Report, by, note: str = "") -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.resolution_note = note.strip()
        report.save()
    return report


# The venue's journey: application, email confirmation, self-service updates, leaving.


# Within this distance, a partner with a similar name is probably the same venue. Similar
# names: one holds the other once normalised ("Le Central", "Bar Le Central"), or difflib's
# ratio is at least 0.8, which takes accents, articles and typos ("Librairie des Oiseaux",
# "Librairie Les Oiseaux": 0.95) but not two neighbours of the same kind: "Banque
# Populaire" and "Banque Postale" (0.73), "Pharmacie du Marais" and "Pharmacie de la
# Gare" (0.72) stand side by side in many towns, and a lower ratio (the admin had 0.6)
# flagged them.
DUPLICATE_RADIUS_M = 50
DUPLICATE_NAME_SIMILARITY = 0.8
# An approved venue's identity and place wait for staff review; the rest applies at once.
REVIEWED_FIELDS = ("name", "address", "postcode", "city", "department", "insee_code", "location")
# The reason recorded on an edit event whose changes wait for review.
AWAITING_REVIEW = "awaiting review"


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


def _set_hours(partner: Partner, hours) -> None:
    partner.opening_intervals.all().delete()
    OpeningInterval.objects.bulk_create(
        OpeningInterval(partner=partner, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in hours
    )


@transaction.atomic
def submit_application(*, data: dict, hours, charter, submission_key) -> tuple[Partner, bool]:
    """Record an application, unconfirmed until its contact follows the emailed link.

    ``data`` holds the partner's fields; ``hours`` is a list of (weekday, opens,
    closes). A retried submission (same ``submission_key``) returns the application
    already recorded, and ``False``.
    """
    existing = Partner.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
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
    _set_hours(partner, hours)
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
    for partner in Partner.objects.filter(contact_email__iexact=email):
        if partner.status == Status.UNCONFIRMED:
            send_confirmation_link(partner=partner)
        else:
            send_selfservice_link(partner=partner)


@transaction.atomic
def confirm_email(*, partner: Partner) -> Partner:
    """The contact followed the link: the application joins the staff queue."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status != Status.UNCONFIRMED:
        return partner
    _record(partner=partner, to_status=Status.PENDING, actor="venue")
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


def _json_value(field: str, value):
    """A value as the history and ``pending_changes`` record it (JSON)."""
    if field == "hours":
        return [f"{day} {opens:%H:%M}-{closes:%H:%M}" for day, opens, closes in value]
    if field == "location":
        return value.ewkt if value else None
    if field == "languages" or isinstance(value, bool | int | float | None):
        return value
    return str(value)


@transaction.atomic
def update_partner(*, partner: Partner, changes: dict, by="venue") -> Partner:
    """Change a partner's details; ``changes`` maps field names (and "hours") to new values.

    For a partner that is or was on the map, changes of name, address or location wait
    in ``pending_changes`` for staff review, the old details staying public.
    """
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status not in ACTIVE_STATUSES:
        raise ValueError(f"A {partner.status} partner cannot be edited.")
    user, actor = (None, by) if isinstance(by, str) else (by, "")
    reviewed = partner.status in (Status.APPROVED, Status.SUSPENDED)
    current_hours = [(i.weekday, i.opens, i.closes) for i in partner.opening_intervals.all()]

    applied, to_review = {}, {}
    for field, after in changes.items():
        before = current_hours if field == "hours" else getattr(partner, field)
        if field == "hours":
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
            _set_hours(partner, after)
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
                "admin_url": emails.admin_link(partner),
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
    _record(partner=partner, to_status=Status.WITHDRAWN, actor="venue", reason=reason)
    partner.pending_changes = {}
    partner.save()
    emails.send(
        template="selfservice_withdrawn",
        to=[partner.contact_email],
        context={"partner": partner},
    )
    return partner
