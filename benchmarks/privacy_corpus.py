# ruff: noqa: E501 (texts of the corpus are kept one a line, as they read)
"""Builds the frozen corpus of French free texts used to measure name masking
(tests/data/privacy/corpus.jsonl): complaints, suggestions and survey comments, with the
spans of person names (to be masked) and of places and structures (to be kept).

Names come from Faker's fr_FR lists (seeded: the corpus is the same at every run) and from
texts written by hand. The file is committed and frozen: the recogniser is tuned on the
tuning half only and judged on the held-out half (``half``), split by template so that a
sentence shape seen when tuning is never in the held-out half.

Markup: ``[[P:Jeanne Martin]]`` a person, ``[[L:Mairie d'Orléans]]`` a place or structure.

    .venv/bin/python benchmarks/privacy_corpus.py   # rewrites the file (do not, once frozen)
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy" / "corpus.jsonl"
MARK = re.compile(r"\[\[([PL]):(.+?)\]\]")

PLACES = [
    ("la ", "Mairie d'Orléans"),
    ("la ", "Préfecture du Loiret"),
    ("la ", "rue Jeanne d'Arc"),
    ("", "Saint-Denis-en-Val"),
    ("le ", "CCAS de Saumur"),
    ("l'", "Hôtel de Ville de Tours"),
    ("la ", "Maison France Services de Vierzon"),
    ("la ", "CPAM du Cher"),
    ("l'", "avenue Victor Hugo"),
    ("la ", "place Charles de Gaulle"),
    ("la ", "Médiathèque Jean Jaurès"),
    ("le ", "lycée Jean Moulin"),
    ("le ", "Centre hospitalier de Blois"),
    ("la ", "Sous-préfecture de Montargis"),
    ("le ", "boulevard Alexandre Martin"),
    ("", "France Travail de Châteauroux"),
    ("la ", "CAF du Loir-et-Cher"),
    ("", "Gien"),
    ("", "Olivet"),
    ("", "La Ferté-Saint-Aubin"),
    ("l'", "école Paul Bert"),
    ("le ", "square Marcel Proust"),
    ("le ", "gymnase Pierre de Coubertin"),
    ("l'", "Espace Simone Veil"),
    ("", "Beaugency"),
    ("", "Châteaudun"),
    ("le ", "quai du Châtelet"),
    ("le ", "Tribunal judiciaire d'Orléans"),
    ("le ", "Conseil départemental du Loiret"),
    ("la ", "Maison de santé de Meung-sur-Loire"),
    ("", "Bourges"),
    ("", "Vendôme"),
    ("la ", "rue de la République"),
    ("", "Montargis"),
    ("l'", "EHPAD Les Tilleuls"),
    ("", "Saint-Jean-de-Braye"),
    ("", "Fleury-les-Aubrais"),
    ("", "Orléans Métropole"),
    ("le ", "bureau de poste de Saran"),
    ("le ", "collège Anatole France"),
    ("la ", "salle Albert Camus"),
    ("la ", "Mairie de Saint-Cyr-en-Val"),
    ("la ", "DDT du Loiret"),
    ("la ", "rue du Faubourg Bannier"),
    ("le ", "centre social Romain Rolland"),
    ("la ", "piscine Jean Bouin"),
]

# {N} "Prénom Nom", {U} "Prénom NOM", {F} a first name, {L} a surname, {S} a place.
TEMPLATES = {
    "complaint": [
        "Bonjour, j'attends une réponse de {S} depuis trois semaines. Rappelez-moi. {N}",
        "Je suis venue deux fois à {S} pour mon dossier, personne n'a su me répondre.\nSigné : {U}",
        "L'agent qui m'a reçu, {F}, a refusé de prendre mon dossier sans explication. {N}",
        "Très déçu de l'accueil à {S} ce matin. La personne au guichet, {N}, m'a parlé sèchement.",
        "Madame, Monsieur,\nmon courrier du mois dernier est resté sans réponse.\nCordialement,\n{N}",
        "Impossible de joindre le service par téléphone à {S}. Je demande à être rappelé.\n{U}",
        "Votre collègue {N} m'a dit de revenir avec des pièces que j'avais déjà fournies.",
        "{N}, habitant {S}, se plaint du temps d'attente : plus de deux heures debout.",
        "Je me permets de vous écrire car {F} {L} du service urbanisme ne me répond plus.",
        "Réclamation de {U} : le dossier a été perdu deux fois par vos services.",
        "Plainte concernant l'accueil de {S}. Je ne reviendrai pas. Bien à vous, {N}",
        "On m'a renvoyé de {S} à {S} sans que personne ne prenne ma demande. {N}",
        "Mon fils {F} a été mal reçu au guichet. Je souhaite une explication. {U}",
        "Depuis le déménagement à {S}, plus aucun courrier ne nous parvient. Famille {L}",
        "Je n'accepte pas le ton employé par {F} au téléphone hier après-midi.",
        "Dossier déposé le 3 mars à {S}, toujours rien. Merci de faire le nécessaire.\n— {N}",
    ],
    "suggestion": [
        "Il faudrait des chaises dans la salle d'attente de {S}. Merci. {N}",
        "Pourquoi ne pas ouvrir {S} le samedi matin ? Suggestion de {U}",
        "Un grand merci à {F} pour sa patience, ce serait bien que tout le monde fasse pareil.",
        "Je propose un panneau plus visible à l'entrée de {S}, on le cherche longtemps.\n{N}",
        "Proposition : un rendez-vous en ligne pour {S}. Bonne journée, {F}",
        "Suggestion transmise par {N} : afficher les horaires à {S} et sur le site.",
        "{F} {L} suggère de mettre une rampe d'accès devant {S}.",
        "Le formulaire est trop long. Mme {L} de l'accueil m'a aidé, merci à elle.",
        "Serait-il possible d'avoir un interprète à {S} ? Je remercie {N} pour son aide.",
        "Merci de prévoir un espace pour les poussettes à {S}.\nSigné {U}",
        "Ajoutez un numéro de ticket, comme à {S}. Idée de {F}, 12 ans.",
        "Je suggère que M. {L} anime une réunion d'information pour les nouveaux arrivants.",
        "Pour les personnes âgées de {S}, une permanence mensuelle serait bienvenue. {N}",
        "Bravo à l'équipe de {S}, en particulier {F} et {F}.",
        "Ce serait pratique de pouvoir payer par carte à {S}.\nCordialement\n{U}",
        "Il manque un accès handicapé côté {S}. Contact : {N}",
    ],
    "survey": [
        "Accueil parfait, {F} a été très aimable.",
        "Très bien reçue par {N} à {S}.",
        "Attente trop longue à {S}.",
        "Merci à {F} du guichet 3 !",
        "{F} m'a bien expliqué, rien à redire.",
        "Personnel de {S} peu souriant, sauf {F}.",
        "Agent très compétent ({N}).",
        "RAS. {U}",
        "Trop de monde à {S} le lundi, venez le mardi.",
        "Locaux propres, accueil chaleureux de Mme {L}.",
        "Je recommande, {F} {L} est au top.",
        "Pas de parking près de {S}, dommage.",
        "Service rapide. Mention spéciale à {F} {L}.",
        "Difficile de trouver {S} depuis {S}.",
        "Bonne écoute de M. {L} et de sa collègue {F}.",
        "Rien à signaler, merci à toute l'équipe de {S}.",
    ],
}

# Written by hand: names Faker does not give (rare, compound, foreign), names in the middle
# of a sentence, and structures named after people.
HAND = [
    "Bonjour,\nje vous écris au sujet de ma demande de logement. Mme [[P:Traoré]] de la [[L:Mairie d'Orléans]] "
    "m'avait promis un retour. Merci.\n[[P:Aminata Diallo]]",
    "Signé : [[P:Paul DUPONT]]",
    "… Rappelez-moi. [[P:Jeanne Martin]]",
    "J'ai été reçu à la [[L:Préfecture du Loiret]] par un agent charmant, [[P:Youssef]], qui a tout réglé.",
    "Habitant [[L:rue Jeanne d'Arc]], je signale que les poubelles ne sont plus ramassées. [[P:Gérard Lebrun]]",
    "Le [[L:CCAS de Saumur]] ne répond pas aux courriels. [[P:Nguyen Thi Lan]]",
    "Merci à [[P:Sandrine]] et [[P:Mehdi]] de l'accueil de [[L:Saint-Denis-en-Val]] !",
    "Cordialement,\n[[P:Marie-Claude PETITJEAN]]",
    "Je m'appelle [[P:Kevin Lopes]] et j'attends ma carte grise depuis février.",
    "Mon voisin, [[P:Bernard Huguet]], a eu le même problème à la [[L:Sous-préfecture de Montargis]].",
    "L'école [[L:Jules Ferry]] n'a toujours pas de cantine le mercredi.",
    "Reçu très vite à la [[L:Médiathèque Jean Jaurès]], merci [[P:Chloé]] !",
    "De la part de [[P:Jean-Baptiste Ngoma]] : merci pour la rapidité du traitement.",
    "Au [[L:gymnase Pierre de Coubertin]], les vestiaires sont sales. [[P:Lucas Ferreira]], président du club",
    "[[P:Samia BENALI]]\n[[L:Fleury-les-Aubrais]]\nJe conteste la facture d'eau reçue.",
    "Votre agent M. [[P:Robert]] m'a raccroché au nez.",
    "Très bon accueil au [[L:centre social Romain Rolland]].",
    "Le parking de la [[L:place Charles de Gaulle]] est toujours fermé, c'est pénible.",
    "Je remercie [[P:Isabelle Lemoine]], assistante sociale au [[L:CCAS de Saumur]], pour son suivi.",
    "À l'attention de [[P:Thomas Girard]] : le dossier de ma mère est incomplet selon vos services.",
    "Bonjour, c'est [[P:Océane]], je voulais juste dire que la [[L:piscine Jean Bouin]] est super.",
    "La [[L:rue du Faubourg Bannier]] est mal éclairée le soir, on ne voit pas l'entrée de la mairie annexe.",
    "Demande de rappel.\n[[P:Pierre-Yves Le Gall]]\nPortable : 06 12 34 56 78",
    "Mme la directrice, [[P:Hélène Caron]], m'a assuré que mon dossier serait traité. Rien depuis.",
    "Au [[L:lycée Jean Moulin]], l'agent [[P:Didier]] a été formidable.",
    "Réponse très claire de [[P:Fatou]] au téléphone.",
    "[[P:Dupuis]] [[P:Arnaud]], [[L:Olivet]] : je demande le remboursement des frais de dossier.",
    "Le guichet de la [[L:CPAM du Cher]] à [[L:Bourges]] est fermé sans prévenir.",
    "Merci pour la fête de quartier [[L:square Marcel Proust]], bien organisée par [[P:Nadia Rahmani]].",
    "J'ai parlé à [[P:Céline]], puis à [[P:Maxime Roux]], et personne ne sait qui traite mon dossier !",
    "Je souhaite que Monsieur [[P:Lefort]] me recontacte au sujet du permis de construire.",
    "Bien cordialement. [[P:Élodie Marchand-Besson]]",
    "Rien à redire, service impeccable à l'[[L:Hôtel de Ville de Tours]].",
    "La [[L:Maison France Services de Vierzon]] devrait ouvrir plus tard le jeudi.",
    "Mon conseiller [[P:Antoine]] à [[L:France Travail de Châteauroux]] est très à l'écoute.",
    "Plainte de Mr [[P:Jacques Bertin]] concernant le bruit du chantier [[L:avenue Victor Hugo]].",
]


def _fill(template: str, fake: Faker, rng: random.Random) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code == "S":
            article, place = rng.choice(PLACES)
            return f"{article}[[L:{place}]]"
        first, last = fake.first_name(), fake.last_name()
        name = {"N": f"{first} {last}", "U": f"{first} {last.upper()}", "F": first, "L": last}
        return f"[[P:{name[code]}]]"

    text = re.sub(r"\{([NUFLS])\}", one, template)
    for loose, contracted in (("à le ", "au "), ("de le ", "du "), ("À le ", "Au ")):
        text = text.replace(loose, contracted)
    return text


def _parse(marked: str) -> dict:
    """The text without markup and the spans of its persons and places."""
    text, persons, places, last = "", [], [], 0
    for match in MARK.finditer(marked):
        text += marked[last : match.start()]
        start = len(text)
        text += match.group(2)
        (persons if match.group(1) == "P" else places).append([start, len(text)])
        last = match.end()
    text += marked[last:]
    return {"text": text, "persons": persons, "places": places}


def halves(groups: list[str]) -> dict[str, str]:
    """``tuning`` or ``held-out`` for each template (or hand-written text): the groups in
    the order of their hash, one in two, so that each half has as many of each kind."""
    out = {}
    for kind in sorted({g.split("-")[0] for g in groups}):
        mine = sorted(
            (g for g in groups if g.split("-")[0] == kind),
            key=lambda g: hashlib.sha256(g.encode()).hexdigest(),
        )
        for rank, group in enumerate(mine):
            out[group] = "tuning" if rank % 2 == 0 else "held-out"
    return out


def build() -> list[dict]:
    fake = Faker("fr_FR")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    texts = []
    for kind, templates in TEMPLATES.items():
        for number, template in enumerate(templates):
            group = f"{kind}-{number}"
            for _ in range(3):
                texts.append({"group": group, "kind": kind, **_parse(_fill(template, fake, rng))})
    for number, marked in enumerate(HAND):
        texts.append({"group": f"hand-{number}", "kind": "hand", **_parse(marked)})
    split = halves(sorted({t["group"] for t in texts}))
    for number, item in enumerate(texts):
        item["id"] = number
        item["half"] = split[item["group"]]
    return texts


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    corpus = build()
    with OUT.open("w", encoding="utf-8") as out:
        for item in corpus:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    halves = [t["half"] for t in corpus]
    print(
        f"{len(corpus)} textes ({halves.count('tuning')} réglage, "
        f"{halves.count('held-out')} mesure finale) → {OUT}"
    )
