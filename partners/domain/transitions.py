"""The statuses in which each decision applies: declared once, here. The services refuse a
decision in any other status (``DecisionRefused``); the admin offers exactly these.

A suspended partner comes back through "reinstate", never "approve": approval is the
welcome of a new partner (its email says so) and issues the sticker number.
"""

from partners.models import Status

APPLIES_IN = {
    "approve": (Status.PENDING, Status.REJECTED),
    "request_information": (Status.PENDING,),
    "reject": (Status.PENDING,),
    "suspend": (Status.APPROVED,),
    "reinstate": (Status.SUSPENDED,),
    "revoke": (Status.APPROVED, Status.SUSPENDED),
    "mark_sticker_sent": (Status.APPROVED,),
    # Keeping a venue a mystery check proposed to suspend (only while a proposal waits).
    "dismiss_suspension_proposal": (Status.APPROVED,),
    # The venue's yearly re-confirmation, not a staff decision.
    "reconfirm": (Status.APPROVED,),
}

# The decisions that need a reason (kept in the history, and sent to the venue but for
# setting a suspension proposal aside); the others take an optional note.
NEEDS_REASON = frozenset(
    {"request_information", "reject", "suspend", "revoke", "dismiss_suspension_proposal"}
)


def applies(decision: str, status: str) -> bool:
    return status in APPLIES_IN[decision]
