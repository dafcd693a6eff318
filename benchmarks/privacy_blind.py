"""Builds the blind set of French free texts (tests/data/privacy/blind.jsonl): a second,
fresh corpus, written without reading the recogniser's rules and frozen before its first
measure, so that the recall of person names and the places wrongly masked are measured on
texts that no tuning has seen (issue 29, "Names in free text").

Same format as corpus.jsonl; every text is in the half ``blind``. Sentence shapes differ
from benchmarks/privacy_corpus.py; names come from Faker fr_FR (seed 7391) and from a list
written by hand (particles, regional and compound names, capitals, lower case, initials);
places include streets and buildings named after people, which must stay.

    python benchmarks/privacy_blind.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from faker import Faker

from privacy_corpus import _parse  # the same markup as the first corpus

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy" / "blind.jsonl"
SEED = 7391

PLACES = [
    ("la ", "rue Victor Hugo"),
    ("la ", "place Charles de Gaulle"),
    ("le ", "lycée Jean Moulin"),
    ("la ", "Maison France Services de Romorantin-Lanthenay"),
    ("le ", "CCAS de Joué-lès-Tours"),
    ("la ", "Préfecture du Cher"),
    ("", "Saint-Amand-Montrond"),
    ("", "Saint-Pierre-des-Corps"),
    ("la ", "Mairie de Sainte-Maure-de-Touraine"),
    ("l'", "allée Louise Michel"),
    ("l'", "avenue Jean Jaurès"),
    ("le ", "boulevard Jean Zay"),
    ("le ", "collège Jacques Prévert"),
    ("l'", "école Marie Curie"),
    ("la ", "médiathèque Simone de Beauvoir"),
    ("la ", "salle Georges Brassens"),
    ("le ", "stade Charles Péguy"),
    ("la ", "Sous-préfecture de Pithiviers"),
    ("le ", "CCAS de Saint-Jean-de-la-Ruelle"),
    ("la ", "Maison France Services de Lamotte-Beuvron"),
    ("la ", "Préfecture d'Indre-et-Loire"),
    ("", "Chambray-lès-Tours"),
    ("", "La Chapelle-Saint-Mesmin"),
    ("le ", "centre hospitalier Jacques Cœur"),
    ("la ", "CAF de l'Indre"),
    ("", "Issoudun"),
    ("la ", "rue du Général Leclerc"),
    ("l'", "hôpital Bretonneau"),
    ("la ", "rue Émile Zola"),
    ("le ", "quartier de La Source"),
    ("", "Nogent-le-Rotrou"),
    ("la ", "mairie annexe de Saint-Avertin"),
    ("le ", "gymnase Colette Besson"),
    ("l'", "EHPAD Jeanne Jugan"),
    ("", "France Travail de Dreux"),
    ("la ", "résidence Les Acacias"),
    ("", "Saint-Cyr-sur-Loire"),
    ("la ", "Maison de l'emploi de Sully-sur-Loire"),
]

# Written by hand: particles, regional, compound and foreign-born names.
HAND_NAMES = [
    ("Yann", "Le Goff"),
    ("Anne-Sophie", "de La Fontaine"),
    ("Jean-Marc", "Kerbrat"),
    ("Maïwenn", "Le Bihan"),
    ("Corentin", "Le Floc'h"),
    ("Marie-Thérèse", "Van den Berghe"),
    ("Fatima-Zahra", "El Amrani"),
    ("Mamadou", "Diop"),
    ("Josiane", "Duchemin-Leroux"),
    ("Gwenaëlle", "Quéméner"),
    ("Pierre-Louis", "d'Harcourt"),
    ("Ghislaine", "Etcheverry"),
    ("Hervé", "Le Saint"),
    ("Bernadette", "Da Silva"),
    ("Rachid", "Ben Youssef"),
    ("Loïc", "Morvan"),
    ("Sandrine", "Lemaire-Dubreuil"),
    ("Éloïse", "N'Diaye"),
    ("Marc-Antoine", "Di Stefano"),
    ("Nathalie", "Dos Santos"),
    ("Solène", "Guillou"),
    ("Kévin", "Le Roux"),
    ("Dominique", "Saint-Martin"),
    ("Thi Hoa", "Nguyen"),
    ("Jean-Baptiste", "de Montalembert"),
    ("Aurore", "Lagarde"),
    ("Erwan", "Tanguy"),
    ("Ginette", "Bonnefoy"),
]

# {N} "Prénom Nom", {U} "Prénom NOM", {C} "NOM Prénom", {A} "PRÉNOM NOM", {W} "prénom nom",
# {F} a first name, {L} a surname, {I} "J.-M. Nom", {S} a place or structure.
TEMPLATES = {
    "complaint": [
        "bonjour je vous contacte pour la 3eme fois, mon dossier APL est bloqué depuis juin. "
        "la dame au guichet de {S} ma dit que c'était normal. {W}",
        "Objet : réclamation\n\nMadame la Directrice,\nLe 2 octobre je me suis présentée à {S} "
        "à 9h. Mme {L} m'a indiqué qu'il manquait une pièce, ce qui est faux.\n"
        "Veuillez agréer mes salutations distinguées.\n{N}",
        "Scandaleux !!! 2h d'attente à {S} et on me renvoie chez moi. je veux parler au "
        "responsable. {A}",
        "Mr {L} du service des cartes grises refuse de me recevoir sans rdv alors que le site "
        "dit le contraire",
        "Suite à mon appel du 14/10 avec {F}, je n'ai reçu aucun mail de confirmation. Merci "
        "de me recontacter au plus vite.\n{C}",
        "Docteur {L} de {S} ne m'a jamais transmis le certificat, pourtant votre service dit "
        "l'avoir demandé. {N}",
        "Je trouve inadmissible que l'on m'ait demandé de payer deux fois. J'ai le reçu signé "
        "par {I}.",
        "mon pere {N} est agé de 87 ans, il a attendu debout devant {S} pendant une heure sous "
        "la pluie !! c'est honteux",
        "Le courrier envoyé à {S} m'est revenu avec la mention « inconnu ». Pourtant j'y "
        "habite depuis 2019.\n{F}",
        "Je conteste l'amende reçue. J'étais garé près de {S}, pas ailleurs. Pièces jointes : "
        "photos.\nBien à vous\n{U}",
        "{N} — 12 ans de démarches, 4 conseillers différents à {S}, et toujours pas de réponse.",
        "Madame {L} nous a fait comprendre que nous dérangions. Nous étions venus avec notre "
        "bébé de 3 mois.",
    ],
    "suggestion": [
        "Idée : un écran qui affiche les numéros d'attente à {S}, comme chez le médecin. "
        "Tenez-moi au courant. {N}",
        "Pourriez vous mettre les horaires en anglais et en arabe à {S} ? beaucoup de gens ne "
        "comprennent pas. {F} (bénévole)",
        "je suggère un créneau le soir pour ceux qui travaillent, mme {L} a dit que c'était à "
        "l'étude depuis 2 ans...",
        "Suggestion pour {S} : une boîte aux lettres accessible le week-end.\n-- \n{N}",
        "Ce serait bien que {S} et {S} partagent le même dossier, on doit tout refaire à "
        "chaque fois. {C}",
        "Proposé lors de la réunion de quartier par {N} et {N} : des bancs devant {S}.",
        "Monsieur le Maire, un passage piéton devant {S} éviterait des accidents. "
        "Respectueusement, {N}, conseiller de quartier",
        "Prévoir quelqu'un pour aider aux bornes, comme {F} le fait très bien le mardi.",
    ],
    "thanks": [
        "Je tenais à remercier chaleureusement {N} pour son professionnalisme lors de mon "
        "passage à {S}.",
        "Un immense MERCI à {U} qui a débloqué ma situation en 10 min après 3 mois de galère !!!",
        "merci {F} :)",
        "Félicitations à l'équipe de {S}, et surtout à Madame {L} qui a pris le temps de tout "
        "m'expliquer. {N}",
        "Reconnaissance à M. {N} (accueil) et à {F} (instructrice) : grâce à eux mon fils est "
        "inscrit.",
        "Merci pour votre aide. Je recommande {S} à tous mes voisins. {I}",
        "Le Docteur {L} et son équipe ont été formidables avec ma mère. Merci du fond du cœur. {F}",
    ],
    "survey": [
        "accueil ok, {F} sympa",
        "rien a dire sur {S}",
        "8/10, {N} efficace mais attente longue",
        "Trop de bruit dans le hall de {S}.",
        "Satisfaite. Interlocutrice : {N}.",
        "conseillère ({F}) très patiente, locaux vétustes à {S}",
        "Attente : 45 min. Agent : {U}. Note : 3/5.",
        "L'appli ne marche pas, heureusement {N} m'a aidé sur place",
        "parking de {S} plein, bus pas à l'heure, sinon bien",
        "Top ! Merci {F} et {F} 👍",
        "Mme {L} au top comme d'hab",
        "J'ai été orienté vers {S} puis vers {S}, trop compliqué.",
        "très satisfait du rdv avec {W} hier",
        "avis: bien. signé {F}",
    ],
}

# Written by hand, marked [[P:person]] and [[L:place or structure]].
HAND = [
    "Le bureau de la [[L:place Charles de Gaulle]] est fermé le lundi, ce n'est écrit nulle part.",
    "Ma fille est au [[L:lycée Jean Moulin]] ; le bus scolaire de [[L:Saint-Pierre-des-Corps]] "
    "arrive toujours en retard. [[P:Yann Le Goff]]",
    "Je vous prie d'agréer mes salutations.\n[[P:Anne-Sophie de La Fontaine]]",
    "Rendez-vous à la [[L:Maison France Services de Lamotte-Beuvron]] avec [[P:Maïwenn]] : "
    "parfait.",
    "Le [[L:CCAS de Joué-lès-Tours]] m'a orienté vers la [[L:Préfecture d'Indre-et-Loire]], "
    "qui m'a renvoyé au CCAS. Personne ne s'occupe de moi.\n[[P:Jean-Marc KERBRAT]]",
    "[[P:GHISLAINE ETCHEVERRY]]\n[[L:Saint-Jean-le-Blanc]]\n\nObjet : facture d'eau erronée, "
    "merci de corriger.",
    "Merci à [[P:Pierre-Louis]] et à [[P:Marie-Thérèse]] de la [[L:médiathèque Simone de "
    "Beauvoir]].",
    "Au secours, [[P:Hervé Le Saint]] du service état civil ne rappelle jamais.",
    "La [[L:salle Georges Brassens]] est trop froide l'hiver pour les ateliers.",
    "Le parking de l'[[L:avenue du Maréchal Foch]] est payant maintenant ?? personne n'a prévenu",
    "Je remercie le Dr [[P:N'Diaye]] et Madame [[P:Duchemin-Leroux]] de la [[L:PMI de "
    "Chambray-lès-Tours]].",
    "À l'attention de Monsieur [[P:Dominique Saint-Martin]], responsable de l'accueil de "
    "[[L:Sainte-Maure-de-Touraine]].",
    "rdv raté a cause du bus 7, arret [[L:Jean Zay]] supprimé. [[P:kevin le roux]]",
    "Les douches du [[L:gymnase Colette Besson]] sont froides depuis septembre.",
    "[[P:Rachid Ben Youssef]], délégué des parents de l'[[L:école Marie Curie]], demande un "
    "rendez-vous.",
    "Merci !!\n[[P:Solène]]",
    "Bonjour, ici [[P:Thierry]] de la [[L:résidence Les Acacias]], l'ascenseur est encore en "
    "panne.",
    "Je veux parler à [[P:Marc-Antoine Di Stefano]] et à personne d'autre !",
    "Mon assistante sociale Mme [[P:Dos Santos]] est partie, qui la remplace au [[L:CCAS de "
    "Saint-Jean-de-la-Ruelle]] ?",
    "Le site de la [[L:CAF de l'Indre]] plante, j'ai dû aller à [[L:Châteauroux]]. "
    "Cordialement, [[P:N. Lacoste]]",
    "Excellent accueil à la [[L:Sous-préfecture de Pithiviers]] par [[P:Sandrine "
    "Lemaire-Dubreuil]].",
    "Je viens du [[L:Blanc]] exprès pour ce rendez-vous, annulé sans prévenir.",
    "Les trottoirs de la [[L:rue Émile Zola]] à [[L:Saint-Cyr-sur-Loire]] sont défoncés.",
    "signé [[P:J.-P. Guillou]], ancien combattant",
    "Au [[L:centre hospitalier Jacques Cœur]], on m'a dit de m'adresser à vous.",
    "L'[[L:URSSAF Centre-Val de Loire]] et la [[L:Préfecture du Cher]] se renvoient la balle.",
    "Merci Madame [[P:de La Fontaine]] pour votre gentillesse.",
    "[[P:Mamadou Diop]] a été très bien accueilli par [[P:Fatima-Zahra El Amrani]] à la "
    "[[L:Maison de l'emploi de Sully-sur-Loire]].",
    "je remercie mme [[P:guillou]] de l'accueil, tres gentille",
    "Trop d'attente à la [[L:mairie de st jean de braye]] !!",
    "Le marché de la [[L:place du Martroi]] bloque l'accès à la [[L:rue Jeanne d'Arc]] le samedi.",
    "[[P:LE FLOC'H Corentin]]\nrecours gracieux contre la décision du 3 mars",
    "J'ai été très mal reçue par [[P:Jean-Baptiste de Montalembert]] au [[L:Conseil "
    "départemental d'Indre-et-Loire]].",
    "Ce message est pour [[P:Erwan]] : le dossier est complet, vous pouvez le valider.",
    "Très bonne prise en charge à l'[[L:hôpital Bretonneau]], merci au Docteur [[P:Tanguy]].",
    "L'[[L:EHPAD Jeanne Jugan]] de [[L:Nogent-le-Rotrou]] mérite plus de personnel.",
    "bonjour c'est [[P:ginette bonnefoy]] de [[L:Issoudun]], j'attends toujours ma carte",
    "Le [[L:stade Charles Péguy]] et la [[L:salle Georges Brassens]] sont fermés en août, dommage.",
    "[[P:T. Nguyen]], [[L:Saint-Amand-Montrond]] : réclamation sur la cantine.",
    "Merci à l'agent [[P:Aurore]] du [[L:quartier de La Source]] !",
]


def _forms(first: str, last: str) -> dict[str, str]:
    initials = "-".join(f"{part[0]}." for part in first.split("-"))
    return {
        "N": f"{first} {last}",
        "U": f"{first} {last.upper()}",
        "C": f"{last.upper()} {first}",
        "A": f"{first} {last}".upper(),
        "W": f"{first} {last}".lower(),
        "F": first,
        "L": last,
        "I": f"{initials} {last}",
    }


def _fill(template: str, names, rng: random.Random) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code == "S":
            article, place = rng.choice(PLACES)
            return f"{article}[[L:{place}]]"
        first, last = names()
        return f"[[P:{_forms(first, last)[code]}]]"

    text = re.sub(r"\{([NUCAWFLIS])\}", one, template)
    contracted = {"à": "au", "À": "Au", "de": "du", "De": "Du"}
    text = re.sub(r"\b(à|À|de|De) le ", lambda m: contracted[m.group(1)] + " ", text)
    return re.sub(r"\b([dD])e \[\[L:([AEIOUÉ])", r"\1'[[L:\2", text)


def build() -> list[dict]:
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)

    def from_faker():
        return fake.first_name(), fake.last_name()

    def by_hand():
        return rng.choice(HAND_NAMES)

    texts = []
    for kind, templates in TEMPLATES.items():
        for number, template in enumerate(templates):
            for filling in range(3):
                # Two fillings in three from Faker, one from the hand-written list.
                names = by_hand if (number + filling) % 3 == 0 else from_faker
                marked = _fill(template, names, rng)
                texts.append({"group": f"{kind}-{number}", "kind": kind, **_parse(marked)})
    for number, marked in enumerate(HAND):
        texts.append({"group": f"hand-{number}", "kind": "hand", **_parse(marked)})
    for number, item in enumerate(texts):
        item["id"] = number
        item["half"] = "blind"
    return texts


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    blind = build()
    with OUT.open("w", encoding="utf-8") as out:
        for item in blind:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    persons = sum(len(t["persons"]) for t in blind)
    places = sum(len(t["places"]) for t in blind)
    print(f"{len(blind)} textes, {persons} noms de personne, {places} lieux → {OUT}")
