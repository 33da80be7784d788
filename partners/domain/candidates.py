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

# Annuaire de l'administration: ``type_service_local`` → our kind. The type names are the
# DILA's; checked against code that reads the published file (osm-fr/osmose-backend,
# analysers/analyser_merge_public_services_FR.py: mairie, mairie_com, msap, cij,
# mission_locale, caf, cpam, pmi) and against lists of the DILA's types embedded in public
# code (ccas, maison_handicapees, paris_mairie, paris_mairie_arrondissement). Paris's town
# halls have types of their own; whether today's edition still uses both Paris types could
# not be confirmed (an absent type only matches nothing).
ANNUAIRE_KINDS = {
    "mairie": Kind.TOWN_HALL,
    "mairie_com": Kind.TOWN_HALL,  # town halls of the overseas collectivités
    "paris_mairie": Kind.TOWN_HALL,
    "paris_mairie_arrondissement": Kind.TOWN_HALL,
    "msap": Kind.PUBLIC_OTHER,  # France services (formerly "maisons de services au public")
    "ccas": Kind.PUBLIC_OTHER,
    "cij": Kind.PUBLIC_OTHER,  # youth information
    "mission_locale": Kind.PUBLIC_OTHER,
    "maison_handicapees": Kind.PUBLIC_OTHER,  # MDPH
    "caf": Kind.PUBLIC_OTHER,
    "cpam": Kind.PUBLIC_OTHER,
    "pmi": Kind.PUBLIC_OTHER,
}

# Base permanente des équipements: ``TYPEQU`` → (our kind, the type's name in INSEE's
# nomenclature, which names an equipment that has no name of its own). The nomenclature of
# the 2024 edition (BPE24.csv). Checked against FlorianHegele/SkillIssue,
# skills/vulnerabilite-bpe/tests/fixtures/sample_bpe.csv (BPE 2024 rows: C107 "ECOLE
# MATERNELLE …", C108 "ECOLE PRIMAIRE …", C109 "ECOLE ELEMENTAIRE …", C201, C301) and its
# references/api.md (which points to INSEE's dictionary,
# insee.fr/fr/metadonnees/source/fichier/BPE24_anonymisee_dictionnaire_variables.html, not
# read here); the labels against BPE 2024 code tables embedded in public code, found by
# exact search but not named by the index (at least two agree on each label but F129's).
# Earlier editions coded schools C101, C102, C104 and C105 and specialised halls F112; the
# 2024 edition has none of them. F129 ("Salles spécialisées", F112's successor) is in one
# code table only: not confirmed.
BPE_KINDS = {
    "F307": (Kind.LIBRARY, "Bibliothèque"),
    "F101": (Kind.SWIMMING_POOL, "Bassin de natation"),
    "F114": (Kind.PUBLIC_OTHER, "Salles de combat"),
    "F116": (Kind.PUBLIC_OTHER, "Salles non spécialisées"),
    "F121": (Kind.PUBLIC_OTHER, "Salles multisports, gymnases"),
    "F129": (Kind.PUBLIC_OTHER, "Salles spécialisées"),
    "C107": (Kind.SCHOOL, "École maternelle"),
    "C108": (Kind.SCHOOL, "École primaire"),
    "C109": (Kind.SCHOOL, "École élémentaire"),
    "C201": (Kind.SCHOOL, "Collège"),
    "C301": (Kind.SCHOOL, "Lycée d'enseignement général et/ou technologique"),
    "C302": (Kind.SCHOOL, "Lycée d'enseignement professionnel"),
    "C303": (Kind.SCHOOL, "Lycée d'enseignement technique et/ou professionnel agricole"),
}

# An equipment placed this badly by INSEE (``QUALITE_XY``) keeps no location: "M"
# (mauvaise) in the 2024 layout, coded A (acceptable), B (bonne), M, _U (undetermined), _Z
# (not applicable: no coordinates) (FlorianHegele/SkillIssue, skills/vulnerabilite-bpe/
# main.py and the sample file above); "Mauvaise" in the older xy layout, which spelled the
# quality out (its "Non géolocalisé" is kept from memory: not confirmed).
BPE_UNUSABLE_QUALITY = {"m", "mauvaise", "non géolocalisé", "non geolocalise"}

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
