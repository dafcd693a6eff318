"""French départements: codes, names, and which public-holiday calendar applies."""

from typing import Final

DEPARTMENTS: Final[dict[str, str]] = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "21": "Côte-d'Or",
    "22": "Côtes-d'Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}

# The overseas collectivities (not départements), whose INSEE codes start with these three
# digits: the Annuaire de l'administration lists their offices too.
COLLECTIVITIES: Final[dict[str, str]] = {
    "975": "Saint-Pierre-et-Miquelon",
    "977": "Saint-Barthélemy",
    "978": "Saint-Martin",
    "986": "Wallis-et-Futuna",
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}
# Every territory a structure may belong to: the départements, then the collectivities.
TERRITORIES: Final[dict[str, str]] = DEPARTMENTS | COLLECTIVITIES

ALSACE_MOSELLE: Final[frozenset[str]] = frozenset({"57", "67", "68"})
OVERSEAS: Final[frozenset[str]] = frozenset({"971", "972", "973", "974", "976"}) | frozenset(
    COLLECTIVITIES
)


def normalize_department(raw: str) -> str | None:
    """Return the canonical code for a typed département ("1", "01", "2a", "974") or
    overseas collectivity ("988"), or None."""
    code = str(raw).strip().upper()
    if code.endswith(".0"):  # a spreadsheet turned "45" into 45.0
        code = code[:-2]
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if code in TERRITORIES else None


def department_of_commune(insee: str) -> str | None:
    """The département or collectivity of an INSEE commune code: "45234" → "45",
    "2A004" → "2A", "97411" → "974", "98818" → "988"; None when unknown."""
    code = str(insee).strip().upper()
    if len(code) != 5:
        return None
    department = code[:3] if code[:2] in ("97", "98") else code[:2]
    return department if department in TERRITORIES else None


def department_label(code: str) -> str:
    return f"{TERRITORIES[code]} ({code})" if code in TERRITORIES else code


# The article of each département's name (official usage: "le Loiret", "la Mayenne",
# "l'Ain", "les Landes"); names joined by "-et-" and a few others take none ("de
# Loir-et-Cher", "de Vaucluse", "de Paris").
_MASCULINE: Final = frozenset(
    [
        "14",
        "15",
        "18",
        "25",
        "29",
        "30",
        "32",
        "39",
        "45",
        "46",
        "56",
        "59",
        "62",
        "63",
        "67",
        "68",
        "69",
        "81",
        "83",
        "90",
        "94",
        "95",
    ]
)
_PLURAL: Final = frozenset(
    ["04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"]
)
_NO_ARTICLE: Final = frozenset(
    ["28", "35", "37", "41", "47", "49", "54", "71", "75", "77", "82", "84", "974", "976"]
) | frozenset(["975", "977", "978", "986"])


def department_in_sentence(code: str) -> str:
    """A département's name as it stands in a sentence: "le Loiret", "la Mayenne",
    "l'Ain", "les Landes", "Loir-et-Cher"; the code itself when unknown."""
    name = TERRITORIES.get(code)
    if name is None:
        return code
    if code in _NO_ARTICLE:
        return name
    if code in _PLURAL:
        return f"les {name}"
    if name[0] in "AEIOUYÉÈ" or code == "34":  # l'Hérault: a mute h
        return f"l'{name}"
    return f"{'le' if code in _MASCULINE else 'la'} {name}"
