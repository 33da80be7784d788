"""Other names people search French towns by: English exonyms and a few other languages'
names for the largest towns, and the towns' names in their regional language.

One table, read by the gazetteer's name index (``communes.py``): a key is a name as
``communes.normalise`` writes it (lower case, no accents, words split by spaces), the value
the INSEE code it stands for. A key counts as an exact match of its commune, so
"Marseilles" finds Marseille before Marseilles-lès-Aubigny (Cher), which it also prefixes.
Add a name only when it is in common use and is no French commune's own name (a test
checks both the codes and that).
"""

OTHER_NAMES = {
    # English
    "marseilles": "13055",  # Marseille
    "lyons": "69123",  # Lyon
    "dunkirk": "59183",  # Dunkerque
    "rheims": "51454",  # Reims
    # German, Italian, Spanish, as visitors type them
    "strassburg": "67482",  # Strasbourg
    "nizza": "06088",  # Nice
    "marsiglia": "13055",  # Marseille
    "marsella": "13055",  # Marseille
    "parigi": "75056",  # Paris
    "lione": "69123",  # Lyon
    # Regional languages
    "naoned": "44109",  # Nantes (Breton)
    "roazhon": "35238",  # Rennes (Breton)
    "kemper": "29232",  # Quimper (Breton)
    "an oriant": "56121",  # Lorient (Breton)
    "tolosa": "31555",  # Toulouse (Occitan)
    "marselha": "13055",  # Marseille (Occitan)
    "montpelhier": "34172",  # Montpellier (Occitan)
    "nissa": "06088",  # Nice (Niçard)
    "baiona": "64102",  # Bayonne (Basque)
    "perpinya": "66136",  # Perpignan (Catalan)
    "aiacciu": "2A004",  # Ajaccio (Corsican)
    "strossburi": "67482",  # Strasbourg (Alsatian)
}
