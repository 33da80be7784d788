"""What happened after each welcome, as the venue records it: nothing about the person."""

import datetime

from django.db import transaction
from django.utils import timezone

from partners.models import Answer, Partner, Welcome


@transaction.atomic
def record_welcome(
    *,
    partner: Partner,
    on: datetime.date,
    kind: str,
    police_called: str,
    police_delay: str,
    stayed: str,
) -> Welcome:
    """The form (``partners/venue/forms.py`` ``WelcomeForm``) has checked the date and
    that the venue may record; how long the police took goes only with a call."""
    return Welcome.objects.create(
        partner=partner,
        on=on,
        kind=kind,
        police_called=police_called,
        police_delay=police_delay if police_called == Answer.YES else "",
        stayed=stayed,
    )


class TooLate(Exception):
    """The week to delete a record has passed."""


@transaction.atomic
def delete_welcome(*, welcome: Welcome, now: datetime.datetime | None = None) -> None:
    """A venue's mistake, deleted within ``WELCOME_DELETE_DAYS`` of recording it."""
    deleted, _ = Welcome.objects.filter(pk=welcome.pk).deletable(now or timezone.now()).delete()
    if not deleted:
        raise TooLate
