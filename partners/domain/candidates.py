"""Which rows of the state's open data make candidates, of what kind, and which addresses
may be emailed (README, "Candidates from open data").

Two datasets, each read as it is published (``partners/services/candidates.py``):

- the Annuaire de l'administration (service-public.fr, DILA): a service's type is its
  ``pivot[].type_service_local``;
- INSEE's Base permanente des équipements: an equipment's type is its ``TYPEQU`` code.

A type absent from these tables is not a candidate (police stations, courts, tax offices:
not places a person in danger walks into to wait for the police).
"""

import re

from partners.models import Kind

# Annuaire de l'administration: ``type_service_local`` → our kind.
ANNUAIRE_KINDS = {
    "mairie": Kind.TOWN_HALL,
    "mairie_com": Kind.TOWN_HALL,
    "msap": Kind.PUBLIC_OTHER,  # France services
    "ccas": Kind.PUBLIC_OTHER,
    "cij": Kind.PUBLIC_OTHER,  # youth information
    "mission_locale": Kind.PUBLIC_OTHER,
    "maison_handicapees": Kind.PUBLIC_OTHER,
    "caf": Kind.PUBLIC_OTHER,
    "cpam": Kind.PUBLIC_OTHER,
    "pmi": Kind.PUBLIC_OTHER,
}

# Base permanente des équipements: ``TYPEQU`` → (our kind, the type's name in INSEE's
# nomenclature, which names an equipment that has no name of its own).
BPE_KINDS = {
    "F307": (Kind.LIBRARY, "Bibliothèque"),
    "F101": (Kind.SWIMMING_POOL, "Bassin de natation"),
    "F112": (Kind.PUBLIC_OTHER, "Salle spécialisée"),
    "F114": (Kind.PUBLIC_OTHER, "Salle de combat"),
    "F116": (Kind.PUBLIC_OTHER, "Salle non spécialisée"),
    "F121": (Kind.PUBLIC_OTHER, "Salle multisports (gymnase)"),
    "C101": (Kind.SCHOOL, "École maternelle"),
    "C102": (Kind.SCHOOL, "École maternelle de regroupement pédagogique"),
    "C104": (Kind.SCHOOL, "École élémentaire"),
    "C105": (Kind.SCHOOL, "École élémentaire de regroupement pédagogique"),
    "C201": (Kind.SCHOOL, "Collège"),
    "C301": (Kind.SCHOOL, "Lycée d'enseignement général et/ou technologique"),
    "C302": (Kind.SCHOOL, "Lycée d'enseignement professionnel"),
    "C303": (Kind.SCHOOL, "Lycée d'enseignement technique et/ou professionnel agricole"),
}

# An equipment placed this badly by INSEE (``QUALITE_XY``) keeps no location.
BPE_UNUSABLE_QUALITY = {"mauvaise", "non géolocalisé", "non geolocalise"}

# Words organisations use in their generic addresses ("mairie.lyon@", "accueil-piscine@").
GENERIC_WORDS = frozenset(
    """
    accueil admin administration agence bib biblio bibliotheque ccas centre cias college
    commune communication contact courrier culture direction ecole education espace
    etablissement france gymnase hotel info infos jeunesse lycee mairie maison mediatheque
    mission municipal municipale office piscine pole public publique relais reception
    scolaire secretariat service services sport sports standard ville
    """.split()  # noqa: SIM905 (a list of words, read as one)
)
# Two or three words of letters joined by dots, hyphens or underscores: "jean.dupont",
# "j.dupont", "marie-claire.durand"; what a person's address looks like.
_NAME_LIKE = re.compile(r"[a-z]+(?:[._-][a-z]+){1,2}")
_EMAIL = re.compile(r"[^@\s;,<>\"']+@[a-z0-9.-]+\.[a-z]{2,}")


def is_personal(email: str) -> bool:
    """Whether an address looks like a person's: its local part is two or three words
    (``_NAME_LIKE``) none of which is a word of generic addresses (``GENERIC_WORDS``)."""
    local = email.partition("@")[0].lower()
    if not _NAME_LIKE.fullmatch(local):
        return False
    return not GENERIC_WORDS.intersection(re.split(r"[._-]", local))


def generic_email(values) -> str:
    """The first address among ``values`` (a string, or a list of them) that is an
    organisation's, lower-cased; "" when there is none."""
    if isinstance(values, str):
        values = [values]
    for value in values or []:
        for found in _EMAIL.findall(str(value).lower()):
            if not is_personal(found):
                return found
    return ""
