"""The emergency and help numbers that can be dialled in each territory: one table.

Every page's header shows the numbers of the territory it is about (``_emergency.html``,
through the ``helplines`` template tag), and the home map's script gets the whole table
in its JSON configuration (``as_config``). Each entry is sourced in the README
("Emergency and help numbers"); a number we could not confirm for a territory is left
out of it rather than guessed, and the README says which.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from partners.domain.territories import MAINLAND


@dataclass(frozen=True)
class Helpline:
    # As shown and dialled locally: "17", "116 006", "05 11 11".
    number: str
    label: str
    # Sent a text, not called.
    sms: bool = False
    # For immediate danger: shown first.
    urgent: bool = False
    # When not round the clock, in the territory's own time.
    hours: str = ""

    @property
    def href(self) -> str:
        digits = "".join(c for c in self.number if c.isdigit())
        return f"{'sms' if self.sms else 'tel'}:{digits}"


# Services whose opening hours no source we found gives: saying nothing would read as
# "round the clock".
HOURS_NOT_PUBLISHED = _("hours not published")

POLICE = Helpline("17", _("Police"), urgent=True)
# 112 is an emergency number on every mobile phone (3GPP TS 22.101, 10.1.1), whatever
# the territory's own numbering.
EMERGENCY = Helpline("112", _("All emergency services"), urgent=True)
SMS_114 = Helpline("114", _("Deaf, or unable to speak"), sms=True, urgent=True)
WOMEN = Helpline("3919", _("Violence against women"))
CHILDREN = Helpline("119", _("Children in danger"))
VICTIMS = Helpline("116 006", _("Victim support"), hours=_("9:00–19:00, every day"))

OVERSEAS_DEPARTMENTS = ("971", "972", "973", "974", "976")

_TABLE: dict[str, tuple[Helpline, ...]] = {
    MAINLAND: (POLICE, EMERGENCY, SMS_114, WOMEN, CHILDREN, VICTIMS),
    **{code: (POLICE, EMERGENCY, SMS_114, WOMEN, CHILDREN) for code in OVERSEAS_DEPARTMENTS},
    "975": (POLICE, EMERGENCY),
    "977": (POLICE, EMERGENCY),
    "978": (POLICE, EMERGENCY),
    # 17 is left out: no source we found says it is answered in Wallis-et-Futuna.
    "986": (
        EMERGENCY,
        Helpline("98 60", _("Violence or distress (Wallis)")),
    ),
    "987": (POLICE, EMERGENCY, CHILDREN),
    "988": (
        POLICE,
        EMERGENCY,
        Helpline(
            "50 00 67",
            _("Violence: alert the police"),
            sms=True,
            urgent=True,
            hours=_("9:00–21:00"),
        ),
        Helpline(
            "05 30 30",
            _("SOS Écoute: listening and shelter"),
            hours=_("Mon–Sat 9:00–1:00; Sun 9:00–13:00 and 17:00–1:00"),
        ),
        Helpline(
            "05 11 11", _("SOS Violences: legal support for victims"), hours=HOURS_NOT_PUBLISHED
        ),
        Helpline("05 44 44", _("Child protection"), hours=HOURS_NOT_PUBLISHED),
    ),
}

# Urgent numbers first, each group in the table's order.
TABLE = {
    code: tuple(sorted(lines, key=lambda line: not line.urgent)) for code, lines in _TABLE.items()
}


def for_territory(code: str) -> tuple[Helpline, ...]:
    """The numbers of one territory (a ``territories.TERRITORIES`` code), urgent first."""
    return TABLE[code]


def as_data(line: Helpline) -> dict:
    """One number as JSON (a page's script, the API), labels in the active language."""
    return {
        "number": line.number,
        "href": line.href,
        "label": str(line.label),
        "sms": line.sms,
        "urgent": line.urgent,
        "hours": str(line.hours),
    }


def as_config() -> dict[str, list[dict]]:
    """The whole table for a page's script, labels in the active language."""
    return {code: [as_data(line) for line in lines] for code, lines in TABLE.items()}


# National LGBT+ listening lines, for the "Once you are safe" page: mainland numbers,
# dialled as written wherever the French numbering plan runs (mainland, the overseas
# départements, Saint-Barthélemy and Saint-Martin); elsewhere they are international
# calls, so they are not offered there.
SOS_HOMOPHOBIE = Helpline(
    "01 48 06 42 41",
    _("SOS homophobie: anonymous listening line for LGBTphobia"),
    hours=_("evenings; times on sos-homophobie.org"),
)
LGBT_LINES = {code: (SOS_HOMOPHOBIE,) for code in (MAINLAND, *OVERSEAS_DEPARTMENTS, "977", "978")}
