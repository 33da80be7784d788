"""Inviting candidates to apply, and following each invitation to a joined partner.

A candidate moves through: to contact → invited → opened → applied → joined, or declined
(it opted out, or told staff no) or no answer (two reminders went unanswered); every step
is an entry of its history (``CandidateEvent``). Only a candidate's generic address is
emailed (``domain.candidates.generic_email``), and never one that opted out
(``OptOut``), whichever candidate holds it, and however often it is imported again.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from partners.domain import links
from partners.models import (
    MAX_REMINDERS,
    Candidate,
    CandidateEvent,
    CandidateStatus,
    OptOut,
    Partner,
)
from partners.services import emails

# Waiting for an answer: reminded, and in the end "no answer".
AWAITING = (CandidateStatus.INVITED, CandidateStatus.OPENED)


def opted_out_q() -> Q:
    return Q(Exists(OptOut.objects.filter(email=OuterRef("email"))))


def invitable(candidates):
    """Those of ``candidates`` that may be invited now."""
    return (
        candidates.filter(status=CandidateStatus.TO_CONTACT)
        .exclude(email="")
        .exclude(opted_out_q())
    )


def _move(candidate: Candidate, to_status: str, *, by=None, actor="", note="") -> None:
    event = CandidateEvent.objects.create(
        candidate=candidate,
        by=by,
        actor=actor,
        from_status=candidate.status,
        to_status=to_status,
        note=note,
    )
    candidate.status = to_status
    candidate.status_changed_at = event.at


def _locked(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().get(pk=candidate.pk)


def _email(candidate: Candidate, template: str) -> None:
    emails.send(
        template=template,
        to=[candidate.email],
        context={
            "candidate": candidate,
            "url": links.url(candidate, links.INVITATION),
            "opt_out_url": links.url(candidate, links.OPT_OUT),
            "contact": settings.STAFF_CONTACT_EMAIL,
        },
    )
    candidate.last_emailed_at = timezone.now()


@transaction.atomic
def invite(*, candidate: Candidate, by) -> bool:
    """Email ``candidate`` its invitation; False (nothing sent) when it may not be invited:
    invited before, no address, or its address opted out."""
    candidate = _locked(candidate)
    if not invitable(Candidate.objects.filter(pk=candidate.pk)).exists():
        return False
    _move(candidate, CandidateStatus.INVITED, by=by)
    candidate.invited_at = candidate.status_changed_at
    _email(candidate, "invitation")
    candidate.save()
    return True


@transaction.atomic
def mark_opened(*, candidate: Candidate) -> Candidate:
    """The candidate followed its link (a mail scanner following it counts too)."""
    candidate = _locked(candidate)
    if candidate.status == CandidateStatus.INVITED:
        _move(candidate, CandidateStatus.OPENED, actor="candidate")
        candidate.save()
    return candidate


@transaction.atomic
def record_application(*, candidate: Candidate, partner: Partner) -> None:
    """The candidate applied through its invitation: ``partner`` is its application."""
    candidate = _locked(candidate)
    candidate.partner = partner
    if candidate.status in (CandidateStatus.TO_CONTACT, *AWAITING, CandidateStatus.NO_ANSWER):
        _move(candidate, CandidateStatus.APPLIED, actor="candidate", note=partner.reference)
    candidate.save()


def partner_approved(*, partner: Partner) -> None:
    """Staff approved ``partner``: the candidates that applied as it have joined (called
    inside the approval's transaction, ``services.decisions``)."""
    for candidate in partner.candidates.select_for_update().filter(status=CandidateStatus.APPLIED):
        _move(candidate, CandidateStatus.JOINED, actor="approval", note=partner.reference)
        candidate.save()


@transaction.atomic
def opt_out(*, candidate: Candidate) -> Candidate:
    """Never email this address again, whatever candidate holds it, for ever."""
    candidate = _locked(candidate)
    OptOut.objects.get_or_create(email=candidate.email.lower())
    if candidate.status not in (CandidateStatus.DECLINED, CandidateStatus.JOINED):
        _move(candidate, CandidateStatus.DECLINED, actor="candidate", note="opt-out")
        candidate.save()
    return candidate


@transaction.atomic
def mark_declined(*, candidate: Candidate, by) -> bool:
    """Staff record a no (given on the phone, by letter)."""
    candidate = _locked(candidate)
    if candidate.status in (CandidateStatus.DECLINED, CandidateStatus.JOINED):
        return False
    _move(candidate, CandidateStatus.DECLINED, by=by)
    candidate.save()
    return True


@transaction.atomic
def remind(*, candidate: Candidate, actor: str) -> str:
    """The next step of an unanswered invitation: a reminder while fewer than
    ``MAX_REMINDERS`` were sent, then "no answer". Returns what it did."""
    candidate = _locked(candidate)
    if candidate.status not in AWAITING:
        return ""
    if Candidate.objects.filter(opted_out_q(), pk=candidate.pk).exists():
        # Its address opted out through another candidate's email.
        _move(candidate, CandidateStatus.DECLINED, actor=actor, note="opt-out")
        candidate.save()
        return "declined"
    if candidate.reminders_sent >= MAX_REMINDERS:
        _move(candidate, CandidateStatus.NO_ANSWER, actor=actor)
        candidate.save()
        return "no_answer"
    candidate.reminders_sent += 1
    CandidateEvent.objects.create(
        candidate=candidate, actor=actor, note=f"reminder {candidate.reminders_sent}"
    )
    _email(candidate, "invitation_reminder")
    candidate.save()
    return "reminded"


def due_for_reminder(now: datetime.datetime | None = None):
    """Invitations unanswered ``INVITATION_REMINDER_DAYS`` after their last email."""
    since = (now or timezone.now()) - datetime.timedelta(days=settings.INVITATION_REMINDER_DAYS)
    return Candidate.objects.filter(status__in=AWAITING, last_emailed_at__lte=since)
