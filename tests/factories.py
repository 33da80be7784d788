import datetime

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from gazetteer import communes
from partners.models import (
    Candidate,
    CandidateSource,
    Charter,
    Closure,
    CommuneCoverage,
    Kind,
    OpeningInterval,
    Partner,
    Status,
)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Médiathèque n°{n}")
    kind = Kind.LIBRARY
    address = "1 place de la Mairie"
    postcode = "75004"
    city = "Paris"
    department = "75"
    location = factory.LazyFunction(lambda: Point(2.3522, 48.8566, srid=4326))
    status = Status.PENDING
    contact_name = "Camille Martin"
    contact_role = "Directrice"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    contact_phone = "+33612345678"
    charter = factory.LazyFunction(Charter.current)
    charter_accepted_at = factory.LazyFunction(timezone.now)

    class Params:
        approved = factory.Trait(
            status=Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            sticker_number=factory.Sequence(lambda n: f"75-{90000 + n:05d}"),
        )


class CandidateFactory(factory.django.DjangoModelFactory):
    """A town hall from the Annuaire, in Rennes unless told."""

    class Meta:
        model = Candidate

    source = CandidateSource.ANNUAIRE
    source_id = factory.Sequence(lambda n: f"candidat-{n}")
    name = factory.Sequence(lambda n: f"Mairie n°{n}")
    kind = Kind.TOWN_HALL
    address = "Place de la Mairie"
    postcode = "35000"
    city = "Rennes"
    insee_code = "35238"
    department = "35"
    location = factory.LazyFunction(lambda: Point(-1.6778, 48.1173, srid=4326))
    email = factory.Sequence(lambda n: f"mairie{n}@example.org")


class OpeningIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningInterval

    partner = factory.SubFactory(PartnerFactory)
    weekday = 1
    opens = datetime.time(9)
    closes = datetime.time(18)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    partner = factory.SubFactory(PartnerFactory)
    starts = datetime.date(2026, 12, 24)
    ends = datetime.date(2026, 12, 26)
    reason = ""


def every_day(partner, opens: str, closes: str) -> None:
    for day in range(1, 8):
        OpeningIntervalFactory(
            partner=partner,
            weekday=day,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )


# Public outputs: contact data no public page or API may show, and a partner in each
# status that must stay hidden (those once approved keep their sticker number).
PRIVATE_MARKERS = ("Zéphyrine Secret", "Responsable confidentielle", "secret-contact@", "699887766")
HIDDEN_STATUSES = (
    Status.UNCONFIRMED,
    Status.PENDING,
    Status.REJECTED,
    Status.SUSPENDED,
    Status.WITHDRAWN,
    Status.REVOKED,
)


def private_contact() -> dict:
    return {
        "contact_name": "Zéphyrine Secret",
        "contact_role": "Responsable confidentielle",
        "contact_email": "secret-contact@example.org",
        "contact_phone": "+33699887766",
    }


def hidden_partners(location: Point) -> list[Partner]:
    """One partner in every non-public status at ``location``, named after its status."""
    was_approved = {Status.SUSPENDED, Status.WITHDRAWN, Status.REVOKED}
    return [
        PartnerFactory(
            name=f"Caché {status}",
            status=status,
            location=location,
            sticker_number=f"75-{80000 + i:05d}" if status in was_approved else None,
            **private_contact(),
        )
        for i, status in enumerate(HIDDEN_STATUSES)
    ]


def commune_coverage(run, insee, population, **nearest):
    """A commune's row of a coverage run: ``nearest_<moment>=metres`` each."""
    return CommuneCoverage.objects.create(
        run=run,
        insee=insee,
        department=communes.by_code(insee).department,
        population=population,
        **{f"nearest_{key}": metres for key, metres in nearest.items()},
    )
