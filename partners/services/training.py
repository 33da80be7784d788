"""The staff training: recording a pass (the quiz and its rules: ``partners.domain.training``)."""

from django.db import transaction
from django.utils import timezone

from partners.domain import training
from partners.models import Partner, TrainingCompletion
from partners.services.common import locked


@transaction.atomic
def record_pass(*, partner: Partner, name: str, score: int) -> TrainingCompletion:
    """Keep that ``name`` passed the quiz with ``score``, valid for a year from now.

    The same name (in any case) passing again renews its row: the same person counts once,
    and a form sent twice records one pass. The partner's row is locked so that two
    colleagues giving the same name at once get one row, not an error. No history entry:
    the history is never erased, and these names go when they expire.
    """
    partner = locked(partner)
    now = timezone.now()
    values = {"name": name, "passed_at": now, "score": score, "expires_at": training.expiry(now)}
    completion = partner.trainings.filter(name__iexact=name).first()
    if completion is None:
        return TrainingCompletion.objects.create(partner=partner, **values)
    for field, value in values.items():
        setattr(completion, field, value)
    completion.save()
    return completion
