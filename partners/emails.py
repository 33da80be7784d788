"""Emails to venues and staff: French templates (text and HTML), sent after commit.

Each message has ``templates/partners/email/<name>.txt`` (the first line is the
subject) and ``<name>.html``; both get the same context.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send(*, template: str, to: list[str], context: dict) -> None:
    """Render and send on commit: a rolled-back change never emails anybody."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"SITE_URL": settings.SITE_URL, **context}

    def _send():
        with translation.override("fr"):
            subject, _, text = render_to_string(
                f"partners/email/{template}.txt", context
            ).partition("\n")
            html = render_to_string(f"partners/email/{template}.html", context)
        message = EmailMultiAlternatives(subject=subject.strip(), body=text.lstrip(), to=recipients)
        message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(_send)
