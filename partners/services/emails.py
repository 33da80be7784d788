"""Emails to venues and staff: French templates (text and HTML), queued once the change
that causes them commits, sent by the task worker (``manage.py db_worker``).

Each message has ``templates/partners/email/<name>.txt`` (the first line is the
subject) and ``<name>.html``; both get the same context.

A message is rendered when it is queued, not when it is sent: it says what was true at
the time of the event (the decision, the partner's name and status), and the task holds
only strings, never a model that may have changed or been erased since. A request never
talks to the mail server, so it never fails because the mail server does.

django-tasks-db retries nothing by itself: a send that fails (connection refused or
timed out, an SMTP error) queues the same message again, after a delay that doubles from
``EMAIL_RETRY_DELAY`` (a minute) up to an hour, for about a day (``MAX_ATTEMPTS``). Each
failed attempt stays in the admin's task results with its error, the last one without a
``DeliveryDeferred``.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from partners.domain.validators import single_line

MAX_ATTEMPTS = 30
MAX_RETRY_DELAY = datetime.timedelta(hours=1)


class DeliveryDeferred(Exception):
    """This attempt failed and the next one is queued; the cause is the mail error."""


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long after failed attempt number ``attempt`` the next one runs."""
    first = datetime.timedelta(seconds=settings.EMAIL_RETRY_DELAY)
    return min(first * 2 ** min(attempt - 1, 20), MAX_RETRY_DELAY)


@task
def deliver(*, subject: str, text: str, html: str, to: list[str], attempt: int = 1) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError as error:  # refused, timed out, or an SMTP error (smtplib's are OSErrors)
        if attempt >= MAX_ATTEMPTS:
            raise
        run_after = timezone.now() + retry_delay(attempt)
        deliver.using(run_after=run_after).enqueue(
            subject=subject, text=text, html=html, to=to, attempt=attempt + 1
        )
        raise DeliveryDeferred(
            f"Attempt {attempt} of {MAX_ATTEMPTS} failed; the next runs after {run_after:%c}."
        ) from error


def send(*, template: str, to: list[str], context: dict) -> None:
    """Render now and queue on commit: a rolled-back change never emails anybody."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"SITE_URL": settings.SITE_URL, **context}
    with translation.override("fr"):
        subject, _, text = render_to_string(f"partners/email/{template}.txt", context).partition(
            "\n"
        )
        html = render_to_string(f"partners/email/{template}.html", context)
    # A partner's name in the subject may hold a line separator (Python's email refuses
    # any in a header): the subject is one line whatever the values in it.
    message = {"subject": single_line(subject), "text": text.lstrip(), "html": html}
    transaction.on_commit(lambda: deliver.enqueue(**message, to=recipients))


def admin_link(partner, view: str = "change") -> str:
    """The partner's page in the admin (or another of its admin ``view``s: "changes_review"),
    wherever ``ADMIN_URL`` puts it (staff emails)."""
    with translation.override("fr"):
        return settings.SITE_URL + reverse(f"admin:partners_partner_{view}", args=[partner.pk])
