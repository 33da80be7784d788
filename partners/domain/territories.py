"""French départements and territories: codes, names, régions, time zones.

The network covers mainland France, Corsica and every overseas territory. A
venue's time zone follows from its département; Polynésie française spans three
zones (Marquesas and Gambier differ from Tahiti): the network's venues there are
on Tahiti and the Leeward Islands, so Pacific/Tahiti it is. Where each territory is (map
view, bounding box) is plain data in ``partners/domain/geography.py``, which the gazetteer's build
reads without Django.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from partners.domain import geography


@dataclass(frozen=True)
class Territory:
    code: str
    name: str
    timezone: str
    # Telephone region (ISO 3166-1 alpha-2 as phonenumbers knows it).
    phone_region: str

    @property
    def place(self) -> geography.Place:
        return geography.PLACES[self.code]

    @property
    def centre(self) -> tuple[float, float]:
        return self.place.centre

    @property
    def zoom(self) -> int:
        return self.place.zoom

    @property
    def bounds(self) -> geography.Bounds:
        """The box every point of the territory falls in (shared with the gazetteer's build)."""
        return self.place.bounds


MAINLAND = geography.MAINLAND

TERRITORIES = {
    t.code: t
    for t in [
        Territory(MAINLAND, _("Mainland France and Corsica"), "Europe/Paris", "FR"),
        Territory("971", _("Guadeloupe"), "America/Guadeloupe", "GP"),
        Territory("972", _("Martinique"), "America/Martinique", "MQ"),
        Territory("973", _("French Guiana"), "America/Cayenne", "GF"),
        Territory("974", _("La Réunion"), "Indian/Reunion", "RE"),
        Territory("975", _("Saint-Pierre-et-Miquelon"), "America/Miquelon", "PM"),
        Territory("976", _("Mayotte"), "Indian/Mayotte", "YT"),
        Territory("977", _("Saint-Barthélemy"), "America/St_Barthelemy", "BL"),
        Territory("978", _("Saint-Martin"), "America/Marigot", "MF"),
        Territory("986", _("Wallis and Futuna"), "Pacific/Wallis", "WF"),
        Territory("987", _("French Polynesia"), "Pacific/Tahiti", "PF"),
        Territory("988", _("New Caledonia"), "Pacific/Noumea", "NC"),
    ]
}

# Département code → (name, région). Overseas ones are their own territory.
DEPARTMENTS = {
    "01": ("Ain", "Auvergne-Rhône-Alpes"),
    "02": ("Aisne", "Hauts-de-France"),
    "03": ("Allier", "Auvergne-Rhône-Alpes"),
    "04": ("Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
    "05": ("Hautes-Alpes", "Provence-Alpes-Côte d'Azur"),
    "06": ("Alpes-Maritimes", "Provence-Alpes-Côte d'Azur"),
    "07": ("Ardèche", "Auvergne-Rhône-Alpes"),
    "08": ("Ardennes", "Grand Est"),
    "09": ("Ariège", "Occitanie"),
    "10": ("Aube", "Grand Est"),
    "11": ("Aude", "Occitanie"),
    "12": ("Aveyron", "Occitanie"),
    "13": ("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
    "14": ("Calvados", "Normandie"),
    "15": ("Cantal", "Auvergne-Rhône-Alpes"),
    "16": ("Charente", "Nouvelle-Aquitaine"),
    "17": ("Charente-Maritime", "Nouvelle-Aquitaine"),
    "18": ("Cher", "Centre-Val de Loire"),
    "19": ("Corrèze", "Nouvelle-Aquitaine"),
    "2A": ("Corse-du-Sud", "Corse"),
    "2B": ("Haute-Corse", "Corse"),
    "21": ("Côte-d'Or", "Bourgogne-Franche-Comté"),
    "22": ("Côtes-d'Armor", "Bretagne"),
    "23": ("Creuse", "Nouvelle-Aquitaine"),
    "24": ("Dordogne", "Nouvelle-Aquitaine"),
    "25": ("Doubs", "Bourgogne-Franche-Comté"),
    "26": ("Drôme", "Auvergne-Rhône-Alpes"),
    "27": ("Eure", "Normandie"),
    "28": ("Eure-et-Loir", "Centre-Val de Loire"),
    "29": ("Finistère", "Bretagne"),
    "30": ("Gard", "Occitanie"),
    "31": ("Haute-Garonne", "Occitanie"),
    "32": ("Gers", "Occitanie"),
    "33": ("Gironde", "Nouvelle-Aquitaine"),
    "34": ("Hérault", "Occitanie"),
    "35": ("Ille-et-Vilaine", "Bretagne"),
    "36": ("Indre", "Centre-Val de Loire"),
    "37": ("Indre-et-Loire", "Centre-Val de Loire"),
    "38": ("Isère", "Auvergne-Rhône-Alpes"),
    "39": ("Jura", "Bourgogne-Franche-Comté"),
    "40": ("Landes", "Nouvelle-Aquitaine"),
    "41": ("Loir-et-Cher", "Centre-Val de Loire"),
    "42": ("Loire", "Auvergne-Rhône-Alpes"),
    "43": ("Haute-Loire", "Auvergne-Rhône-Alpes"),
    "44": ("Loire-Atlantique", "Pays de la Loire"),
    "45": ("Loiret", "Centre-Val de Loire"),
    "46": ("Lot", "Occitanie"),
    "47": ("Lot-et-Garonne", "Nouvelle-Aquitaine"),
    "48": ("Lozère", "Occitanie"),
    "49": ("Maine-et-Loire", "Pays de la Loire"),
    "50": ("Manche", "Normandie"),
    "51": ("Marne", "Grand Est"),
    "52": ("Haute-Marne", "Grand Est"),
    "53": ("Mayenne", "Pays de la Loire"),
    "54": ("Meurthe-et-Moselle", "Grand Est"),
    "55": ("Meuse", "Grand Est"),
    "56": ("Morbihan", "Bretagne"),
    "57": ("Moselle", "Grand Est"),
    "58": ("Nièvre", "Bourgogne-Franche-Comté"),
    "59": ("Nord", "Hauts-de-France"),
    "60": ("Oise", "Hauts-de-France"),
    "61": ("Orne", "Normandie"),
    "62": ("Pas-de-Calais", "Hauts-de-France"),
    "63": ("Puy-de-Dôme", "Auvergne-Rhône-Alpes"),
    "64": ("Pyrénées-Atlantiques", "Nouvelle-Aquitaine"),
    "65": ("Hautes-Pyrénées", "Occitanie"),
    "66": ("Pyrénées-Orientales", "Occitanie"),
    "67": ("Bas-Rhin", "Grand Est"),
    "68": ("Haut-Rhin", "Grand Est"),
    "69": ("Rhône", "Auvergne-Rhône-Alpes"),
    "70": ("Haute-Saône", "Bourgogne-Franche-Comté"),
    "71": ("Saône-et-Loire", "Bourgogne-Franche-Comté"),
    "72": ("Sarthe", "Pays de la Loire"),
    "73": ("Savoie", "Auvergne-Rhône-Alpes"),
    "74": ("Haute-Savoie", "Auvergne-Rhône-Alpes"),
    "75": ("Paris", "Île-de-France"),
    "76": ("Seine-Maritime", "Normandie"),
    "77": ("Seine-et-Marne", "Île-de-France"),
    "78": ("Yvelines", "Île-de-France"),
    "79": ("Deux-Sèvres", "Nouvelle-Aquitaine"),
    "80": ("Somme", "Hauts-de-France"),
    "81": ("Tarn", "Occitanie"),
    "82": ("Tarn-et-Garonne", "Occitanie"),
    "83": ("Var", "Provence-Alpes-Côte d'Azur"),
    "84": ("Vaucluse", "Provence-Alpes-Côte d'Azur"),
    "85": ("Vendée", "Pays de la Loire"),
    "86": ("Vienne", "Nouvelle-Aquitaine"),
    "87": ("Haute-Vienne", "Nouvelle-Aquitaine"),
    "88": ("Vosges", "Grand Est"),
    "89": ("Yonne", "Bourgogne-Franche-Comté"),
    "90": ("Territoire de Belfort", "Bourgogne-Franche-Comté"),
    "91": ("Essonne", "Île-de-France"),
    "92": ("Hauts-de-Seine", "Île-de-France"),
    "93": ("Seine-Saint-Denis", "Île-de-France"),
    "94": ("Val-de-Marne", "Île-de-France"),
    "95": ("Val-d'Oise", "Île-de-France"),
    "971": ("Guadeloupe", "Guadeloupe"),
    "972": ("Martinique", "Martinique"),
    "973": ("Guyane", "Guyane"),
    "974": ("La Réunion", "La Réunion"),
    "975": ("Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon"),
    "976": ("Mayotte", "Mayotte"),
    "977": ("Saint-Barthélemy", "Saint-Barthélemy"),
    "978": ("Saint-Martin", "Saint-Martin"),
    "986": ("Wallis-et-Futuna", "Wallis-et-Futuna"),
    "987": ("Polynésie française", "Polynésie française"),
    "988": ("Nouvelle-Calédonie", "Nouvelle-Calédonie"),
}

DEPARTMENT_CHOICES = [(code, f"{code} – {name}") for code, (name, _region) in DEPARTMENTS.items()]
REGIONS = sorted({region for _name, region in DEPARTMENTS.values()})


def territory_of(department: str) -> Territory:
    return TERRITORIES[geography.territory_code(department)]


def region_of(department: str) -> str:
    return DEPARTMENTS[department][1]


def departments_of(region: str) -> list[str]:
    """The départements of ``region`` (an overseas one is its own région); none for a name
    that is not a région."""
    return [code for code, (_name, r) in DEPARTMENTS.items() if r == region]


def department_of_postcode(postcode: str) -> str | None:
    """The département a French postcode belongs to, or None if it cannot be one.

    Corsica (20xxx) is split by the commune: 200xx-201xx are Corse-du-Sud, 202xx
    and above Haute-Corse. Overseas postcodes start with the three-digit code,
    except Saint-Barthélemy (97133) and Saint-Martin (97150), which kept
    Guadeloupe's postcodes when they became collectivities.
    """
    if len(postcode) != 5 or not postcode.isdigit():
        return None
    if postcode in {"97133"}:
        return "977"
    if postcode in {"97150"}:
        return "978"
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    if postcode.startswith(("97", "98")):
        code = postcode[:3]
        return code if code in DEPARTMENTS else None
    code = postcode[:2]
    return code if code in DEPARTMENTS and code != "00" else None


def containing(lat: float, lon: float) -> Territory | None:
    """The territory whose bounding box holds the point, if any."""
    for territory in TERRITORIES.values():
        if territory.bounds.contains(lat, lon):
            return territory
    return None


# A territory's time said in words ("heure de La Réunion"), never its zone's id.
TIME_NAMES = {
    MAINLAND: _("Paris time"),
    "971": _("Guadeloupe time"),
    "972": _("Martinique time"),
    "973": _("French Guiana time"),
    "974": _("Réunion time"),
    "975": _("Saint-Pierre-et-Miquelon time"),
    "976": _("Mayotte time"),
    "977": _("Saint-Barthélemy time"),
    "978": _("Saint-Martin time"),
    "986": _("Wallis and Futuna time"),
    "987": _("Tahiti time"),
    "988": _("Nouméa time"),
}
MAINLAND_ZONE = TERRITORIES[MAINLAND].timezone


def time_name(zone: str) -> str:
    """The time of the territory whose zone is ``zone``, in words."""
    (code,) = [code for code, t in TERRITORIES.items() if t.timezone == zone]
    return TIME_NAMES[code]
