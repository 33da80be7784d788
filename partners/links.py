"""Signed, time-limited links sent to a venue's contact by email.

A token names the partner and its contact email: changing or erasing the contact
email invalidates every link sent before. Nothing is stored server-side.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from partners.models import Partner

CONFIRM = "partners.confirm-email"
SELFSERVICE = "partners.selfservice"


def make_token(partner: Partner, purpose: str) -> str:
    signer = signing.TimestampSigner(salt=purpose)
    return signer.sign_object({"p": partner.pk, "e": partner.contact_email.lower()})


def read_token(token: str, purpose: str) -> Partner:
    """The partner a token names.

    Raises ``signing.SignatureExpired`` for a genuine but old link and
    ``signing.BadSignature`` for anything else (tampered, unknown partner, contact
    email changed since).
    """
    max_age = (
        settings.JOIN_CONFIRM_LINK_MAX_AGE
        if purpose == CONFIRM
        else settings.SELFSERVICE_LINK_MAX_AGE
    )
    signer = signing.TimestampSigner(salt=purpose)
    try:
        payload = signer.unsign_object(token, max_age=max_age)
        partner = Partner.objects.get(pk=payload["p"])
    except signing.SignatureExpired:
        raise
    except (signing.BadSignature, Partner.DoesNotExist, KeyError, TypeError, ValueError):
        raise signing.BadSignature("invalid link") from None
    if not partner.contact_email or partner.contact_email.lower() != payload.get("e"):
        raise signing.BadSignature("contact email changed")
    return partner


def confirm_url(partner: Partner) -> str:
    return settings.SITE_URL + reverse("partners:join_confirm", args=[make_token(partner, CONFIRM)])


def selfservice_url(partner: Partner) -> str:
    return settings.SITE_URL + reverse(
        "partners:selfservice", args=[make_token(partner, SELFSERVICE)]
    )
