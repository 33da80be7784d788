"""What a person can do once safe, for one territory (the "Once you are safe" page,
``/apres/``). Each fact is sourced in the README ("Once you are safe"); what no source
confirms for a territory is left out there rather than guessed.
"""

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
