"""The links emailed to a venue's contact: confirming the email, self-service, re-confirmation,
and the training link the venue shares with its staff; and to a candidate's generic address:
the invitation to apply and the opt-out.

One scheme for every emailed link. A token is ``<partner id>.<timestamp>.<MAC>``: the id
and the time it was made are all it carries, so nothing in it reveals the contact's email
(tokens end up in browser histories and mail scanners). The MAC (Django's
``TimestampSigner``, keyed by ``SECRET_KEY``) covers, besides those two, what the link is
bound to, which never travels in the token:

- its purpose, so a link made for one page is refused by the others;
- the contact email: changing or erasing it kills every link sent before;
- the partner's state that matters to the purpose (``Purpose.state``):
  - confirming the email: the status and the confirmation time, both changed by the
    confirmation, so the link works once;
  - re-confirming for the year: the last re-confirmation time, so it works once; the view
    also refuses a venue that is not approved at the moment;
  - self-service: whether the venue is still active (``ACTIVE_STATUSES``). The link works
    any number of times until it expires, through the review of the application and a
    suspension, and dies when the venue leaves, is rejected or revoked. A link asked for
    after that (``/mon-lieu/``) shows the page, read-only.
  - training: the same state as self-service. The venue's page gives it to share with its
    staff; being another purpose, it never opens the venue's page itself.

Each purpose has its own lifetime (settings ``JOIN_CONFIRM_LINK_MAX_AGE``,
``SELFSERVICE_LINK_MAX_AGE``, ``RECONFIRMATION_LINK_DAYS``, ``TRAINING_LINK_DAYS``). Nothing
is stored server-side. The emails are French, so their links open the French pages.
"""

import dataclasses
import datetime
import json
import re
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from partners.models import ACTIVE_STATUSES, Candidate, CandidateStatus, Partner

_SEPARATOR = "."


def _instant(value: datetime.datetime | None) -> str:
    # The same instant reads the same whatever the time zone it was set in.
    return value.astimezone(datetime.UTC).isoformat() if value else ""


@dataclasses.dataclass(frozen=True)
class Purpose:
    salt: str
    url_name: str
    max_age: Callable[[], float | None]  # seconds (None: never); settings read at use
    state: Callable[[Partner], list[str]]
    model: type = Partner
    # The address the link is sent to, which it is bound to.
    email: Callable[[Partner], str] = lambda partner: partner.contact_email


CONFIRM = Purpose(
    salt="partners.links.confirm-email",
    url_name="partners:join_confirm",
    max_age=lambda: settings.JOIN_CONFIRM_LINK_MAX_AGE,
    state=lambda partner: [partner.status, _instant(partner.confirmed_at)],
)
SELFSERVICE = Purpose(
    salt="partners.links.selfservice",
    url_name="partners:selfservice",
    max_age=lambda: settings.SELFSERVICE_LINK_MAX_AGE,
    state=lambda partner: ["active" if partner.status in ACTIVE_STATUSES else partner.status],
)
TRAINING = Purpose(
    salt="partners.links.training",
    url_name="partners:training",
    max_age=lambda: datetime.timedelta(days=settings.TRAINING_LINK_DAYS).total_seconds(),
    state=SELFSERVICE.state,
)
RECONFIRM = Purpose(
    salt="partners.links.reconfirmation",
    url_name="partners:reconfirm",
    max_age=lambda: datetime.timedelta(days=settings.RECONFIRMATION_LINK_DAYS).total_seconds(),
    state=lambda partner: [_instant(partner.reconfirmed_at)],
)


INVITATION = Purpose(
    salt="partners.links.invitation",
    url_name="partners:invitation",
    max_age=lambda: datetime.timedelta(days=settings.INVITATION_LINK_DAYS).total_seconds(),
    state=lambda candidate: [str(candidate.status == CandidateStatus.DECLINED)],
    model=Candidate,
    email=lambda candidate: candidate.email,
)
OPT_OUT = Purpose(
    salt="partners.links.opt-out",
    url_name="partners:invitation_opt_out",
    max_age=lambda: None,
    state=lambda candidate: [],
    model=Candidate,
    email=lambda candidate: candidate.email,
)


def _signer(partner: Partner, purpose: Purpose) -> signing.TimestampSigner:
    binding = json.dumps([purpose.salt, purpose.email(partner).lower(), *purpose.state(partner)])
    return signing.TimestampSigner(salt=binding, sep=_SEPARATOR)


def make_token(partner: Partner, purpose: Purpose) -> str:
    return _signer(partner, purpose).sign(str(partner.pk))


def read_token(token: str, purpose: Purpose) -> Partner:
    """The partner a token names, if the token is still good for ``purpose``.

    Raises ``signing.SignatureExpired`` for a genuine but old link and
    ``signing.BadSignature`` for anything else (tampered, another purpose, unknown
    partner, contact email changed, already used, venue gone).
    """
    reference = token.partition(_SEPARATOR)[0]
    if not re.fullmatch(r"[1-9][0-9]{0,17}", reference):
        raise signing.BadSignature("invalid link")
    partner = purpose.model.objects.filter(pk=int(reference)).first()
    if partner is None or not purpose.email(partner):
        raise signing.BadSignature("invalid link")
    _signer(partner, purpose).unsign(token, max_age=purpose.max_age())
    return partner


def path(partner: Partner, purpose: Purpose, language: str = "fr") -> str:
    with translation.override(language):
        return reverse(purpose.url_name, args=[make_token(partner, purpose)])


def url(partner: Partner, purpose: Purpose, language: str = "fr") -> str:
    """The link, opening the page in ``language`` (the emails' French unless said)."""
    return settings.SITE_URL + path(partner, purpose, language)
