"""Realistic approved demo partners, spread over mainland France and every territory.

Places are drawn from the offline gazetteer, weighted by population so that cities
get most venues, with at least one venue in every territory. A point lies in the
commune's own area, on the side of one of its neighbours (``place_point``), which
spreads a city's venues over the city and keeps them on land even in coastal towns
and islands.

Deterministic for a given --seed. Demo partners are flagged ``is_demo``; a second
run with the same count keeps them, another count replaces them. Rows go in
through PostgreSQL's COPY, so 100,000 partners take seconds.
"""

import datetime
import itertools
import math
import random

import numpy as np
import phonenumbers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from enlieusur import progress
from gazetteer.communes import Commune, all_communes
from partners.domain import territories
from partners.models import Charter, Kind, Partner, Status

NAME_PATTERNS = {
    Kind.LIBRARY: [
        "Médiathèque de {town}",
        "Bibliothèque municipale de {town}",
        "Médiathèque {street}",
    ],
    Kind.SWIMMING_POOL: ["Piscine municipale de {town}", "Centre aquatique {street}"],
    Kind.TOWN_HALL: ["Mairie de {town}", "Mairie annexe {street}"],
    Kind.COMMUNITY_CENTRE: [
        "Maison des associations de {town}",
        "Centre social {street}",
        "Maison de quartier {street}",
    ],
    Kind.PUBLIC_OTHER: ["Maison France Services de {town}", "Point Info Jeunesse de {town}"],
    Kind.SHOP: [
        "Librairie {street}",
        "Boulangerie {street}",
        "Fleuriste de {town}",
        "Épicerie {street}",
        "Boutique {name}",
    ],
    Kind.BAR_RESTAURANT: [
        "Café {street}",
        "Le Bistrot de {town}",
        "Restaurant {name}",
        "Bar {name}",
    ],
    Kind.PHARMACY: ["Pharmacie {street}", "Pharmacie de {town}", "Grande Pharmacie {name}"],
    Kind.BANK: ["Agence bancaire {street}", "Caisse locale de {town}"],
    Kind.COMPANY: ["{name} & Associés", "Atelier {name}", "Agence {name}"],
    Kind.MEDICAL_OFFICE: [
        "Cabinet médical {street}",
        "Maison de santé de {town}",
        "Centre de santé {street}",
    ],
    Kind.BUSINESS_OTHER: ["Salon {name}", "Laverie {street}", "Auto-école {name}"],
    Kind.ASSOCIATION: [
        "Centre LGBTI+ de {town}",
        "Association {name}",
        "Local associatif {street}",
    ],
    Kind.SCHOOL: ["Lycée {name}", "Collège {name}", "Université de {town} – campus {street}"],
    Kind.OTHER: ["Tiers-lieu {street}", "Espace {name}"],
}
KIND_WEIGHTS = {
    Kind.LIBRARY: 8,
    Kind.SWIMMING_POOL: 3,
    Kind.TOWN_HALL: 8,
    Kind.COMMUNITY_CENTRE: 5,
    Kind.PUBLIC_OTHER: 2,
    Kind.SHOP: 18,
    Kind.BAR_RESTAURANT: 16,
    Kind.PHARMACY: 12,
    Kind.BANK: 5,
    Kind.COMPANY: 4,
    Kind.MEDICAL_OFFICE: 6,
    Kind.BUSINESS_OTHER: 4,
    Kind.ASSOCIATION: 4,
    Kind.SCHOOL: 4,
    Kind.OTHER: 1,
}
STREETS = [
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "du Marché",
    "de la Gare",
    "des Lilas",
    "Pasteur",
    "Gambetta",
    "de la Liberté",
    "Simone Veil",
    "des Écoles",
    "du Port",
    "Aimé Césaire",
    "Louise Michel",
    "de la Paix",
    "Jules Ferry",
]
NAMES = [
    "Arc-en-ciel",
    "Les Tilleuls",
    "Horizon",
    "Marianne",
    "Le Phare",
    "Solidaire",
    "Les Alizés",
    "Lumière",
    "Condorcet",
    "Olympe de Gouges",
    "Harvey Milk",
    "Colibri",
    "Le Flamboyant",
    "Ma Bulle",
    "L'Escale",
    "Joséphine Baker",
]
LANGUAGES = [
    "français",
    "anglais",
    "espagnol",
    "arabe",
    "créole",
    "portugais",
    "allemand",
    "langue des signes française",
    "tahitien",
    "shimaoré",
]
# (weekdays, intervals) per kind; times are venue-local.
WEEK = (1, 2, 3, 4, 5)
HOURS = {
    Kind.TOWN_HALL: [
        (WEEK, [("08:30", "12:00"), ("13:30", "17:30")]),
        ((6,), [("09:00", "12:00")]),
    ],
    Kind.LIBRARY: [((2, 3, 4, 5, 6), [("10:00", "19:00")])],
    Kind.SWIMMING_POOL: [((1, 2, 3, 4, 5, 6, 7), [("07:00", "21:00")])],
    Kind.BAR_RESTAURANT: [((2, 3, 4, 5, 6, 7), [("11:00", "02:00")])],
    Kind.PHARMACY: [((1, 2, 3, 4, 5, 6), [("08:30", "19:30")])],
    Kind.BANK: [((2, 3, 4, 5, 6), [("09:00", "12:30"), ("14:00", "17:30")])],
    Kind.MEDICAL_OFFICE: [(WEEK, [("08:00", "19:00")])],
    Kind.SCHOOL: [(WEEK, [("07:45", "18:00")])],
}
DEFAULT_HOURS = [((1, 2, 3, 4, 5, 6), [("09:30", "19:00")])]
PARTNER_COLUMNS = [
    "name",
    "kind",
    "siret",
    "address",
    "postcode",
    "city",
    "insee_code",
    "department",
    "location",
    "phone",
    "website",
    "email",
    "step_free",
    "accessibility_note",
    "languages",
    "welcome_note",
    "status",
    "status_changed_at",
    "confirmed_at",
    "approved_at",
    "sticker_number",
    "sticker_sent_on",
    "charter_id",
    "charter_accepted_at",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "possible_duplicate",
    "pending_changes",
    "is_demo",
    "created_at",
    "updated_at",
]
EARTH_RADIUS_M = 6_371_000
# Demo phone numbers: territory prefix, then random digits up to the national length.
PHONE_PLAN = {
    "971": ("+590590", 6),
    "972": ("+596596", 6),
    "973": ("+594594", 6),
    "974": ("+262262", 6),
    "975": ("+50841", 4),
    "976": ("+262269", 6),
    "977": ("+590590", 6),
    "978": ("+590590", 6),
    "986": ("+68172", 4),
    "987": ("+68940", 6),
    "988": ("+68728", 4),
}
# Mainland landlines start 01 to 05 by area (ARCEP's plan): 01 Île-de-France, 02 north-west,
# 03 north-east, 04 south-east and Corsica, 05 south-west.
MAINLAND_AREA = {
    "Île-de-France": "1",
    "Bretagne": "2",
    "Normandie": "2",
    "Pays de la Loire": "2",
    "Centre-Val de Loire": "2",
    "Hauts-de-France": "3",
    "Grand Est": "3",
    "Bourgogne-Franche-Comté": "3",
    "Auvergne-Rhône-Alpes": "4",
    "Provence-Alpes-Côte d'Azur": "4",
    "Corse": "4",
    "Nouvelle-Aquitaine": "5",
}
# Occitanie's east (Languedoc-Roussillon) dials 04, its west (Midi-Pyrénées) 05.
OCCITANIE_EAST = {"11", "30", "34", "48", "66"}


class Command(BaseCommand):
    help = "Create realistic approved demo partners (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        if count < 0:
            raise CommandError("--count must be positive.")
        existing = Partner.objects.filter(is_demo=True).count()
        if existing == count:
            self.stdout.write(f"{count} demo partners already present: nothing to do.")
            return
        charter = Charter.current()
        if charter is None:
            raise CommandError("No published charter: run the migrations first.")
        rows, hours = build_demo(count, seed, charter.pk)
        with transaction.atomic():
            Partner.objects.filter(is_demo=True).delete()
            copy_rows(rows, hours)
        self.stdout.write(self.style.SUCCESS(f"Created {count} demo partners (seed {seed})."))


def pick_places(communes: tuple[Commune, ...], count: int, rng: random.Random) -> list[Commune]:
    """One commune per partner: one in every territory, the rest by population."""
    territory_codes = [code for code in territories.TERRITORIES if code != territories.MAINLAND]
    guaranteed = []
    for code in territory_codes[: max(0, count - 1)]:
        local = [c for c in communes if c.department == code]
        if local:
            guaranteed.append(max(local, key=lambda c: c.population))
    weights = [max(c.population, 50) for c in communes]
    rest = rng.choices(communes, weights=weights, k=max(0, count - len(guaranteed)))
    return [*guaranteed, *rest][:count]


def _unit_vectors(group: list[Commune]) -> np.ndarray:
    lat = np.radians([c.lat for c in group])
    lon = np.radians([c.lon for c in group])
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def neighbours(communes: tuple[Commune, ...], count: int = 6) -> dict[str, list[Commune]]:
    """The ``count`` nearest communes of each commune: within its département, or, for a
    département of fewer communes (Paris is one), within its whole territory."""
    by_department: dict[str, list[Commune]] = {}
    by_territory: dict[str, list[Commune]] = {}
    for commune in communes:
        by_department.setdefault(commune.department, []).append(commune)
        code = territories.territory_of(commune.department).code
        by_territory.setdefault(code, []).append(commune)
    result = {}
    for department, group in by_department.items():
        if len(group) > count:
            points = _unit_vectors(group)
            order = np.argsort(-points @ points.T, axis=1)[:, 1 : count + 1]
            for i, commune in enumerate(group):
                result[commune.insee] = [group[j] for j in order[i]]
            continue
        others = by_territory[territories.territory_of(department).code]
        points = _unit_vectors(others)
        for commune, here in zip(group, _unit_vectors(group), strict=True):
            order = [j for j in np.argsort(-points @ here) if others[j] is not commune]
            result[commune.insee] = [others[j] for j in order[:count]]
    return result


def place_point(commune: Commune, near: list[Commune], rng: random.Random) -> tuple[float, float]:
    """A point in the commune's own area, as real venues spread over a town: towards one
    of its neighbours, at most half of the way (nearer its own centre than theirs), and
    aside by up to 30 % of that distance, so that a city's venues fill a disc rather
    than a few lines. Mostly over land, even on a coast: neighbours are on land."""
    if near:
        other = rng.choice(near)
        ahead = 0.5 * math.sqrt(rng.random())  # uniform over the area, not the radius
        aside = rng.uniform(-0.3, 0.3) * ahead / 0.5
        d_lat, d_lon = other.lat - commune.lat, other.lon - commune.lon
        lat = commune.lat + d_lat * ahead - d_lon * aside * math.cos(math.radians(commune.lat))
        lon = commune.lon + d_lon * ahead + d_lat * aside / math.cos(math.radians(commune.lat))
    else:
        lat, lon = commune.lat, commune.lon
    # A little scatter (up to ~60 m) so that venues of one town do not stack.
    lat += rng.uniform(-60, 60) / EARTH_RADIUS_M * 180 / math.pi
    lon += rng.uniform(-60, 60) / (EARTH_RADIUS_M * math.cos(math.radians(lat))) * 180 / math.pi
    return round(lat, 6), round(lon, 6)


def demo_phone(department: str, rng: random.Random) -> str:
    """A random number that phonenumbers accepts for the territory."""
    if department in PHONE_PLAN:
        prefix, digits = PHONE_PLAN[department]
    else:
        area = MAINLAND_AREA.get(territories.region_of(department)) or (
            "4" if department in OCCITANIE_EAST else "5"
        )
        prefix, digits = "+33" + area, 8
    while True:
        number = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def build_demo(count: int, seed: int, charter_id: int):
    rng = random.Random(seed)
    communes = all_communes()
    near = neighbours(communes)
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    # A fixed moment keeps the rows identical from one run to the next.
    approved = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    now = timezone.now()
    rows, hours = [], []
    places = progress.each(pick_places(communes, count, rng), "Drawing partners", unit="partners")
    for index, commune in enumerate(places, start=1):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        street = f"rue {rng.choice(STREETS)}"
        name = rng.choice(NAME_PATTERNS[kind]).format(
            town=commune.name, street=street.removeprefix("rue ").strip(), name=rng.choice(NAMES)
        )
        lat, lon = place_point(commune, near.get(commune.insee, []), rng)
        department = commune.department
        phone = demo_phone(department, rng)
        languages = ["français", *rng.sample(LANGUAGES[1:], k=rng.choice([0, 0, 1, 2]))]
        rows.append(
            [
                name,
                kind.value,
                "",
                f"{rng.randrange(1, 120)} {street}",
                commune.postcodes[0],
                commune.name,
                commune.insee,
                department,
                f"SRID=4326;POINT({lon} {lat})",
                phone,
                "",
                "",
                rng.random() < 0.6,
                "",
                "{" + ",".join(f'"{lang}"' for lang in languages) + "}",
                "Vous serez accueilli·e sans jugement. Demandez-nous d'appeler le 17.",
                Status.APPROVED.value,
                approved,
                approved,
                approved,
                f"{department}-D{index:05d}",
                approved.date(),  # demo stickers are on their windows: none waits to be sent
                charter_id,
                approved,
                "",
                "",
                "",
                "",
                False,
                "{}",
                True,
                now,
                now,
            ]
        )
        for days, intervals in HOURS.get(kind, DEFAULT_HOURS):
            for day in days:
                for opens, closes in intervals:
                    hours.append((index, day, opens, closes))
    return rows, hours


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(rows, hours) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('partners_partner', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor
        partners = (
            "\t".join([str(pk), *map(_copy_text, row)]) for pk, row in zip(ids, rows, strict=True)
        )
        _copy(
            raw,
            f"COPY partners_partner (id, {', '.join(PARTNER_COLUMNS)}) FROM STDIN",
            partners,
            len(rows),
            "Copying partners",
        )
        # The statement's trigger then computes each partner's hours of the day, after the bar.
        intervals = (
            f"{ids[index - 1]}\t{day}\t{opens}\t{closes}" for index, day, opens, closes in hours
        )
        _copy(
            raw,
            "COPY partners_openinginterval (partner_id, weekday, opens, closes) FROM STDIN",
            intervals,
            len(hours),
            "Copying opening hours",
        )


def _copy(raw, statement: str, lines, count: int, step: str, chunk: int = 10_000) -> None:
    """COPY ``lines`` through ``statement``, ``chunk`` lines a write, with a bar for ``step``."""
    with raw.copy(statement) as copy, progress.bar(count, step, unit="rows") as bar:
        for batch in itertools.batched(lines, chunk):
            copy.write("".join(line + "\n" for line in batch))
            bar.update(len(batch))
