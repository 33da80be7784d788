"""Staff review of a public venue's new name, address or location (``pending_changes``,
written by ``selfservice.update_partner``): applied, or refused with a reason.

Each locks the row, writes one history entry and emails the venue on commit. Applying
saves the partner, which moves ``updated_at`` and so the public data version: the
GeoJSON and the map's tiles show the new details within ``PUBLIC_VERSION_TTL``.

The history entry holds the fields' ``[before, after]`` as every edit does, plus
``pending_changes: [what was proposed, {}]``: what the review cleared, whether applied or
refused, so the entry says what was proposed even when nothing of it became public.
"""

import hashlib
import json

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from partners.domain import history
from partners.models import ACTIVE_STATUSES, Partner, PinSource
from partners.services.common import DecisionRefused, email_venue, locked, log_event
from partners.services.selfservice import REVIEWED_FIELDS, _json_value

# What the review clears, in the history entry's ``changes``.
REVIEWED = "pending_changes"


def proposed_value(field: str, stored):
    """A value of ``pending_changes`` (JSON, as stored) as the model's field takes it."""
    if field == "location":
        try:
            return GEOSGeometry(stored) if stored else None
        except (GEOSException, ValueError, TypeError) as error:
            raise ValidationError(str(error)) from error
    return stored


def reviewable(partner: Partner) -> dict:
    """The pending changes that staff may apply: the reviewed fields, in their order."""
    return {f: partner.pending_changes[f] for f in REVIEWED_FIELDS if f in partner.pending_changes}


def fingerprint(pending: dict) -> str:
    """Names one version of ``pending_changes``: the review page posts it back, so staff
    never apply or refuse a proposal the venue replaced after the page was shown."""
    text = json.dumps(pending, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check(partner: Partner, what: str, seen: str | None) -> None:
    if (
        seen is not None
        and partner.pending_changes
        and seen != fingerprint(partner.pending_changes)
    ):
        raise DecisionRefused(
            _(
                "The venue changed its proposal for “%(partner)s” after this page was shown: "
                "review it again."
            )
            % {"partner": partner}
        )
    if not partner.pending_changes:
        raise DecisionRefused(
            _("“%(partner)s” has no change awaiting review: %(what)s does not apply.")
            % {"partner": partner, "what": what}
        )
    if partner.status not in ACTIVE_STATUSES:
        raise DecisionRefused(
            _("%(what)s does not apply to “%(partner)s”, whose status is “%(status)s”.")
            % {"what": what, "partner": partner, "status": partner.get_status_display()}
        )


def _summary(partner: Partner, changes: dict) -> list[tuple[str, str, str]]:
    """The changes as the venue reads them in its email: (label, before, after)."""

    def shown(field, value):
        if field == "location" and value:
            point = GEOSGeometry(value)
            return f"{point.y:.6f}, {point.x:.6f}"
        if field == "pin_source":
            return str(dict(PinSource.choices).get(value, "–"))
        return value or "–"

    with translation.override("fr"):  # the emails are French
        return [
            (history.label(field), shown(field, before), shown(field, after))
            for field, (before, after) in changes.items()
        ]


@transaction.atomic
def apply_pending_changes(
    *, partner: Partner, by, reason: str = "", seen: str | None = None
) -> Partner:
    """Make the venue's proposed name, address or location public. ``seen``: the
    ``fingerprint`` of the proposal staff reviewed, when they reviewed it on a page."""
    partner = locked(partner)
    _check(partner, _("Applying the changes"), seen)
    proposed = dict(partner.pending_changes)
    changes = {}
    for field, stored in reviewable(partner).items():
        model_field = Partner._meta.get_field(field)
        try:
            after = model_field.clean(proposed_value(field, stored), partner)
        except ValidationError as error:
            raise DecisionRefused(
                _("The proposed %(field)s of “%(partner)s” is not valid: %(error)s")
                % {"field": model_field.verbose_name, "partner": partner, "error": error}
            ) from error
        before = getattr(partner, field)
        if _json_value(field, before) != _json_value(field, after):
            changes[field] = [_json_value(field, before), _json_value(field, after)]
        setattr(partner, field, after)
    partner.pending_changes = {}
    partner.save()
    log_event(
        partner=partner,
        by=by,
        reason=(reason or "").strip(),
        changes={**changes, REVIEWED: [proposed, {}]},
    )
    email_venue(
        partner,
        "changes_applied",
        changes=_summary(partner, changes),
        reason=(reason or "").strip(),
    )
    return partner


@transaction.atomic
def refuse_pending_changes(
    *, partner: Partner, by, reason: str, seen: str | None = None
) -> Partner:
    """Drop the venue's proposed changes; its public details stay as they are. The
    reason is kept in the history and sent to the venue."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Refusing changes needs a reason.")
    partner = locked(partner)
    _check(partner, _("Refusing the changes"), seen)
    proposed = dict(partner.pending_changes)
    refused = {
        field: [_json_value(field, getattr(partner, field)), stored]
        for field, stored in reviewable(partner).items()
    }
    partner.pending_changes = {}
    partner.save(update_fields=["pending_changes", "updated_at"])
    log_event(partner=partner, by=by, reason=reason, changes={REVIEWED: [proposed, {}]})
    email_venue(partner, "changes_refused", changes=_summary(partner, refused), reason=reason)
    return partner
