"""What a person can do once safe, for one territory (the "Once you are safe" page,
``/apres/``). Each fact is sourced in the README ("Once you are safe"); what no source
confirms for a territory is left out there rather than guessed.
"""

from django.urls import reverse
from django.utils.http import urlencode

from partners.domain import helplines
from partners.domain.territories import MAINLAND

OVERSEAS_DEPARTMENTS = ("971", "972", "973", "974", "976")

# The online pre-complaint, for theft, damage and discrimination, discriminatory insults
# or incitement to hatred by an unknown author. New Caledonia has it for property
# offences only, which an aggression is not: it is not offered there.
PRE_COMPLAINT = {MAINLAND, *OVERSEAS_DEPARTMENTS}


def for_territory(code: str) -> dict:
    """The page's context for one territory: its listening lines, non-urgent ones first
    from the one table of numbers, and whether the online pre-complaint exists there."""
    return {
        "listening_lines": [line for line in helplines.for_territory(code) if not line.urgent]
        + list(helplines.LGBT_LINES.get(code, ())),
        "pre_complaint": code in PRE_COMPLAINT,
    }


def for_counter(code: str) -> dict:
    """The numbers a venue's staff need, for one territory (the training and the counter
    card): whom to call, where to text, and the listening lines for afterwards, with the
    "Once you are safe" page of the territory; the page's safety bar shows them too."""
    lines = helplines.for_territory(code)
    return {
        "territory": code,
        "calls": [line for line in lines if line.urgent and not line.sms],
        "texts": [line for line in lines if line.urgent and line.sms],
        "listening_lines": for_territory(code)["listening_lines"],
        "after_url": f"{reverse('partners:after')}?{urlencode({'territoire': code})}",
    }
