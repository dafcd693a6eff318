"""Real French places for the demo registry: per département, its chef-lieu and a second
town (a sous-préfecture), and the regions with their seat. Names, départements, the
communes' legal populations and the landline prefixes are real (the tables of
``reference/``, with their sources in its README); addresses and the last six digits of
phone numbers are fictitious."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).parent / "reference"

# code: (chef-lieu, second town)
TOWNS: dict[str, tuple[str, str]] = {
    "01": ("Bourg-en-Bresse", "Belley"),
    "02": ("Laon", "Saint-Quentin"),
    "03": ("Moulins", "Montluçon"),
    "04": ("Digne-les-Bains", "Manosque"),
    "05": ("Gap", "Briançon"),
    "06": ("Nice", "Grasse"),
    "07": ("Privas", "Tournon-sur-Rhône"),
    "08": ("Charleville-Mézières", "Sedan"),
    "09": ("Foix", "Pamiers"),
    "10": ("Troyes", "Bar-sur-Aube"),
    "11": ("Carcassonne", "Narbonne"),
    "12": ("Rodez", "Millau"),
    "13": ("Marseille", "Aix-en-Provence"),
    "14": ("Caen", "Lisieux"),
    "15": ("Aurillac", "Saint-Flour"),
    "16": ("Angoulême", "Cognac"),
    "17": ("La Rochelle", "Saintes"),
    "18": ("Bourges", "Vierzon"),
    "19": ("Tulle", "Brive-la-Gaillarde"),
    "2A": ("Ajaccio", "Sartène"),
    "2B": ("Bastia", "Corte"),
    "21": ("Dijon", "Beaune"),
    "22": ("Saint-Brieuc", "Lannion"),
    "23": ("Guéret", "Aubusson"),
    "24": ("Périgueux", "Bergerac"),
    "25": ("Besançon", "Montbéliard"),
    "26": ("Valence", "Montélimar"),
    "27": ("Évreux", "Vernon"),
    "28": ("Chartres", "Dreux"),
    "29": ("Quimper", "Brest"),
    "30": ("Nîmes", "Alès"),
    "31": ("Toulouse", "Muret"),
    "32": ("Auch", "Condom"),
    "33": ("Bordeaux", "Libourne"),
    "34": ("Montpellier", "Béziers"),
    "35": ("Rennes", "Saint-Malo"),
    "36": ("Châteauroux", "Issoudun"),
    "37": ("Tours", "Chinon"),
    "38": ("Grenoble", "Vienne"),
    "39": ("Lons-le-Saunier", "Dole"),
    "40": ("Mont-de-Marsan", "Dax"),
    "41": ("Blois", "Vendôme"),
    "42": ("Saint-Étienne", "Roanne"),
    "43": ("Le Puy-en-Velay", "Yssingeaux"),
    "44": ("Nantes", "Saint-Nazaire"),
    "45": ("Orléans", "Montargis"),
    "46": ("Cahors", "Figeac"),
    "47": ("Agen", "Villeneuve-sur-Lot"),
    "48": ("Mende", "Florac-Trois-Rivières"),
    "49": ("Angers", "Cholet"),
    "50": ("Saint-Lô", "Cherbourg-en-Cotentin"),
    "51": ("Châlons-en-Champagne", "Reims"),
    "52": ("Chaumont", "Langres"),
    "53": ("Laval", "Mayenne"),
    "54": ("Nancy", "Lunéville"),
    "55": ("Bar-le-Duc", "Verdun"),
    "56": ("Vannes", "Lorient"),
    "57": ("Metz", "Thionville"),
    "58": ("Nevers", "Cosne-Cours-sur-Loire"),
    "59": ("Lille", "Dunkerque"),
    "60": ("Beauvais", "Compiègne"),
    "61": ("Alençon", "Argentan"),
    "62": ("Arras", "Boulogne-sur-Mer"),
    "63": ("Clermont-Ferrand", "Thiers"),
    "64": ("Pau", "Bayonne"),
    "65": ("Tarbes", "Lourdes"),
    "66": ("Perpignan", "Céret"),
    "67": ("Strasbourg", "Haguenau"),
    "68": ("Colmar", "Mulhouse"),
    "69": ("Lyon", "Villefranche-sur-Saône"),
    "70": ("Vesoul", "Lure"),
    "71": ("Mâcon", "Chalon-sur-Saône"),
    "72": ("Le Mans", "La Flèche"),
    "73": ("Chambéry", "Albertville"),
    "74": ("Annecy", "Thonon-les-Bains"),
    "75": ("Paris", "Paris"),
    "76": ("Rouen", "Le Havre"),
    "77": ("Melun", "Meaux"),
    "78": ("Versailles", "Mantes-la-Jolie"),
    "79": ("Niort", "Bressuire"),
    "80": ("Amiens", "Abbeville"),
    "81": ("Albi", "Castres"),
    "82": ("Montauban", "Castelsarrasin"),
    "83": ("Toulon", "Draguignan"),
    "84": ("Avignon", "Carpentras"),
    "85": ("La Roche-sur-Yon", "Les Sables-d'Olonne"),
    "86": ("Poitiers", "Châtellerault"),
    "87": ("Limoges", "Bellac"),
    "88": ("Épinal", "Saint-Dié-des-Vosges"),
    "89": ("Auxerre", "Sens"),
    "90": ("Belfort", "Delle"),
    "91": ("Évry-Courcouronnes", "Étampes"),
    "92": ("Nanterre", "Boulogne-Billancourt"),
    "93": ("Bobigny", "Saint-Denis"),
    "94": ("Créteil", "Vincennes"),
    "95": ("Cergy", "Argenteuil"),
    "971": ("Basse-Terre", "Pointe-à-Pitre"),
    "972": ("Fort-de-France", "Le Marin"),
    "973": ("Cayenne", "Saint-Laurent-du-Maroni"),
    "974": ("Saint-Denis", "Saint-Pierre"),
    "976": ("Mamoudzou", "Dzaoudzi"),
}

# name, seat, département of the seat
REGIONS: list[tuple[str, str, str]] = [
    ("Région Auvergne-Rhône-Alpes", "Lyon", "69"),
    ("Région Bourgogne-Franche-Comté", "Dijon", "21"),
    ("Région Bretagne", "Rennes", "35"),
    ("Région Centre-Val de Loire", "Orléans", "45"),
    ("Région Normandie", "Rouen", "76"),
    ("Région Nouvelle-Aquitaine", "Bordeaux", "33"),
    ("Région Occitanie", "Toulouse", "31"),
    ("Région Pays de la Loire", "Nantes", "44"),
    ("Région Sud", "Marseille", "13"),
    ("Région Guadeloupe", "Basse-Terre", "971"),
]


@dataclass(frozen=True)
class Commune:
    department: str
    name: str
    population: int  # INSEE, population municipale 2021 (in force 2024), to the hundred
    identity_cards: bool  # the town hall takes identity-card applications (biometric station)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def communes() -> dict[tuple[str, str], Commune]:
    """The demo's communes by (département, name), from ``reference/communes.csv``."""
    return {
        (row["departement"], row["commune"]): Commune(
            row["departement"],
            row["commune"],
            int(row["population"]),
            row["recueil_titres"] == "oui",
        )
        for row in _rows("communes.csv")
    }


def population(department: str, town: str) -> int:
    """The legal population of a demo commune; a town missing from the table is an error
    of the demo's data, not a number to invent."""
    try:
        return communes()[department, town].population
    except KeyError:
        raise KeyError(f"{town} ({department}) manque dans reference/communes.csv") from None


# Landline numbers by département (ARCEP numbering plan): the zone (01 Île-de-France,
# 02 North-West, 03 North-East, 04 South-East, 05 South-West, overseas prefixes of their
# own) and the four first digits, from ``reference/telephone.csv``.
PHONE_ZONE: dict[str, str] = {row["departement"]: row["zone"] for row in _rows("telephone.csv")}
PHONE_PREFIX: dict[str, str] = {
    row["departement"]: row["prefixe"] for row in _rows("telephone.csv")
}
