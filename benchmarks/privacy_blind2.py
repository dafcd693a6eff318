"""Builds the second blind set of French free texts (tests/data/privacy/blind2.jsonl), kept
for the final measure of name masking (issue 29, "Names in free text"). It was written
without reading the recogniser's rules, its tests, the first corpus or the first blind set:
only the record format of tests/privacy_corpus.py was read.

Records have the fields of corpus.jsonl (``id``, ``half``, ``text``, ``persons`` and
``places`` as lists of ``[start, end]``), every text in the half ``blind2``, plus:

- ``kind`` (complaint, suggestion, thanks, survey, sms, hand) and ``group`` (its template);
- ``person_names``: the annotated person names as written, in the order of ``persons``;
- ``persons_source``: ``faker`` (Faker fr_FR, seed 52817) or ``hand`` (written by hand);
- ``persons_in_faker``: whether a word of the name, as written, is in Faker's fr_FR lists
  of first or last names (compared without case or accents). Hand-written names of the
  templates are checked to be absent from those lists; names of the texts written wholly
  by hand are mostly absent too, and the flag says which are not.

Markup inside this file: ``⦃…⦄`` a person name from Faker, ``⟦…⟧`` a person name written
by hand, ``⟪…⟫`` a place or structure name that must stay. Civilities and titles (M., Mme,
Dr, Maître, le directeur) stay outside the person span; a particle (de, du, d', Le, Ar) is
part of it. Template slots: ``{1.full}`` the first person of the text in a given form (see
``FORMS``), ``{street}``, ``{school}``… a place drawn from ``PLACES``.

    python benchmarks/privacy_blind2.py
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from pathlib import Path

from faker import Faker
from faker.providers.person.fr_FR import Provider as FrenchNames

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy" / "blind2.jsonl"
SEED = 52817
HALF = "blind2"

# Places and structures that must stay, many named after people.
PLACES: dict[str, list[str]] = {
    "street": [
        "rue Victor Hugo",
        "avenue Jean Jaurès",
        "boulevard Gambetta",
        "place du Général de Gaulle",
        "rue Louis Pasteur",
        "allée des Tilleuls",
        "rue de la République",
        "quai Saint-Cyprien",
        "impasse Louise Michel",
        "rue Aristide Briand",
        "avenue Simone Veil",
        "rue Émile Zola",
        "cours Mirabeau",
        "rue du Docteur Albert Schweitzer",
        "chemin de la Croix-Rouge",
        "rue Pierre et Marie Curie",
        "boulevard Marcel Pagnol",
        "rue Jean-Baptiste Clément",
        "avenue du Maréchal Leclerc",
        "rue Olympe de Gouges",
    ],
    "school": [
        "école Jules Ferry",
        "collège Jean Moulin",
        "lycée Marie Curie",
        "école maternelle Françoise Dolto",
        "lycée professionnel Henri Wallon",
        "collège Lucie Aubrac",
        "école Jacques Prévert",
        "lycée Chateaubriand",
        "collège Anne Frank",
        "école élémentaire Paul Bert",
        "lycée Victor Duruy",
        "groupe scolaire Joséphine Baker",
        "collège Pablo Neruda",
    ],
    "hospital": [
        "hôpital Édouard Herriot",
        "CHU de Rennes",
        "clinique Pasteur",
        "hôpital Henri Mondor",
        "centre hospitalier de Cornouaille",
        "hôpital Bichat-Claude Bernard",
        "EHPAD Les Glycines",
        "hôpital Robert Debré",
        "maison de santé Simone Signoret",
        "centre hospitalier Jacques Cœur",
        "hôpital Saint-Louis",
        "urgences de l'hôpital Lariboisière",
    ],
    "stop": [
        "arrêt Jean Macé",
        "station Charles de Gaulle – Étoile",
        "gare de Quimper",
        "gare Saint-Jean",
        "arrêt Mairie",
        "arrêt Louis Blanc",
        "arrêt Henri Barbusse",
        "gare routière",
        "station Villejean-Université",
        "arrêt Jeanne d'Arc",
        "station Jaurès",
        "arrêt Collège Jean Moulin",
    ],
    "building": [
        "salle polyvalente Georges Brassens",
        "médiathèque François Mitterrand",
        "gymnase Léo Lagrange",
        "centre social Nelson Mandela",
        "maison des associations Albert Camus",
        "stade Pierre de Coubertin",
        "piscine Jean Bouin",
        "espace Jean Monnet",
        "centre culturel Aimé Césaire",
        "cité administrative",
        "résidence Les Mimosas",
        "cité Paul Éluard",
        "salle Camille Claudel",
        "bâtiment Condorcet",
        "foyer Ambroise Croizat",
    ],
    "commune": [
        "Quimperlé",
        "Saint-Jean-de-Luz",
        "Bastia",
        "Mulhouse",
        "Roubaix",
        "Vénissieux",
        "Bayonne",
        "Ajaccio",
        "Colmar",
        "Lannion",
        "Sarcelles",
        "Villeurbanne",
        "Aubervilliers",
        "Guingamp",
        "Montreuil",
        "Château-Thierry",
        "Saint-Étienne",
        "Pont-l'Abbé",
        "Corte",
        "Haguenau",
        "Hendaye",
        "Dunkerque",
        "Vaulx-en-Velin",
        "Sainte-Marie-aux-Mines",
        "Saint-Martin-d'Hères",
    ],
    "service": [
        "CAF du Bas-Rhin",
        "CPAM de Loire-Atlantique",
        "France Travail de Roubaix",
        "France Services de Corte",
        "préfecture de la Gironde",
        "sous-préfecture de Bayonne",
        "centre des finances publiques de Colmar",
        "service des impôts des particuliers",
        "mairie de Villeurbanne",
        "mairie annexe de Bellevue",
        "CCAS de Lannion",
        "service état civil",
        "service urbanisme",
        "MDPH du Finistère",
        "URSSAF",
        "Pôle emploi",
        "ANTS",
        "tribunal judiciaire de Bastia",
        "gendarmerie de Hendaye",
        "bureau de poste de Guingamp",
        "centre médico-social Louise Michel",
        "PMI de Sarcelles",
        "Trésor public",
        "Maison France Services Jean Moulin",
    ],
}

# Names written by hand, none of them (first or last) in Faker's fr_FR lists: checked in
# build(). Many origins; particles and compound names; a few that are also words or places.
HAND_NAMES: list[tuple[str, str]] = [
    # Breton
    ("Gwenaëlle", "Le Goarnig"),
    ("Yannig", "Kerhervé"),
    ("Maïwenn", "Quéméner"),
    ("Tugdual", "Cadiou"),
    ("Nolwenn", "Guivarc'h"),
    ("Loïg", "Ar Gall"),
    ("Per-Yann", "Le Floc'h"),
    ("Soazig", "Kerdraon-Quiniou"),
    # Basque
    ("Iñaki", "Etxeberria"),
    ("Maddi", "Irigoyen"),
    ("Peio", "Harriague"),
    ("Amaia", "Oyharçabal"),
    ("Xabi", "Arrieta"),
    # Corsican
    ("Petru", "Casabianca"),
    ("Letizia", "Orsini"),
    ("Anghjulu", "Pietri"),
    ("Ghjulia", "Filippi"),
    # Alsatian
    ("Aloïse", "Kieffer"),
    ("Fridolin", "Hirtz"),
    ("Marlyse", "Wurtz"),
    ("Gérold", "Oberlé"),
    ("Thiébaut", "Muckensturm"),
    # Maghrebi
    ("Abdelkader", "Benmansour"),
    ("Fatima-Zahra", "El Idrissi"),
    ("Yacine", "Bouzid"),
    ("Nourredine", "Belkacem"),
    ("Samira", "Aït Ouarab"),
    ("Khadija", "Zerrouki"),
    ("Mourad", "Ben Salah"),
    ("Houria", "Tlemçani"),
    # West African
    ("Mamadou", "Sissoko"),
    ("Aminata", "Doumbia"),
    ("Ousmane", "Ndiaye"),
    ("Fatoumata", "Keïta"),
    ("Seydou", "Coulibaly"),
    ("Awa", "Sow"),
    ("Kouadio", "N'Guessan"),
    ("Adama", "Sangaré"),
    # Vietnamese
    ("Thi Lan", "Luong"),
    ("Van Minh", "Tran"),
    ("Bao", "Pham"),
    ("Quang", "Vu"),
    ("Thu Ha", "Hoang"),
    # Portuguese
    ("Conceição", "Magalhães"),
    ("Joaquim", "Figueiredo"),
    ("Rosário", "Quaresma"),
    ("Tiago", "Carvalhal"),
    # Polish
    ("Krzysztof", "Wiśniewski"),
    ("Małgorzata", "Kowalczyk"),
    ("Zbigniew", "Przybylski"),
    ("Jadwiga", "Szymańska"),
    ("Grzegorz", "Nowacki"),
    # Particles and old French families
    ("Isaure", "de Castelbajac"),
    ("Eudes", "de Montalembert"),
    ("Ombeline", "de Quélen"),
    ("Enora", "du Bouëxic"),
    ("Foulques", "d'Aubigny"),
    # Compound and old first names
    ("Clotilde", "Pinchon-Daubigny"),
    ("Anselme", "Bourgoin-Lhermitte"),
    ("Maryvonne", "Pellen"),
    ("Huguette", "Bichonnier"),
    ("Ginette", "Tourtelier"),
    # Elsewhere
    ("Anahide", "Kalaydjian"),
    ("Graziella", "Pirovano"),
    ("Encarnación", "Villanueva"),
    ("Emre", "Yıldız"),
    ("Zaïnaba", "Said Omar"),
    ("Kavitha", "Sivakumar"),
    ("Wei", "Zhang"),
    ("Ionuț", "Popescu"),
    ("Svetlana", "Ivanova"),
    ("Hery", "Rakotomalala"),
    ("Wilner", "Dorsainvil"),
    ("Lucinda", "Saint-Fleur"),
    ("Lourdes", "Cavaco"),
    ("Lounès", "Aït Menguellet"),
    ("Océanne", "Brest"),
]

HAND_FEMALE = {
    "Gwenaëlle",
    "Maïwenn",
    "Nolwenn",
    "Soazig",
    "Maddi",
    "Amaia",
    "Letizia",
    "Ghjulia",
    "Aloïse",
    "Marlyse",
    "Fatima-Zahra",
    "Samira",
    "Khadija",
    "Houria",
    "Aminata",
    "Fatoumata",
    "Awa",
    "Conceição",
    "Rosário",
    "Małgorzata",
    "Jadwiga",
    "Isaure",
    "Ombeline",
    "Enora",
    "Clotilde",
    "Maryvonne",
    "Huguette",
    "Ginette",
    "Anahide",
    "Graziella",
    "Encarnación",
    "Zaïnaba",
    "Kavitha",
    "Svetlana",
    "Lucinda",
    "Lourdes",
    "Thi Lan",
    "Thu Ha",
}

# How a name may be written in a template slot.
FORMS = {
    "full": lambda first, last: f"{first} {last}",
    "first": lambda first, last: first,
    "last": lambda first, last: last,
    "LAST": lambda first, last: last.upper(),
    "upname": lambda first, last: f"{first} {last.upper()}",
    "admin": lambda first, last: f"{last.upper()} {first}",
    # An initial M. would read as « Monsieur »: the first name is then written whole.
    "init": lambda first, last: f"{first if first.startswith('M') else _initials(first)} {last}",
    "caps": lambda first, last: f"{first} {last}".upper(),
    "lower": lambda first, last: f"{first} {last}".lower(),
}

# Templates by kind. Each is filled three times; the third filling of a template marked
# with a leading "~" is also written in lower case, in capitals or without accents.
TEMPLATES: dict[str, list[str]] = {
    "complaint": [
        "Bonjour, je me suis présentée le 12 {à:service} pour un dossier de RSA. "
        "L'agent qui m'a reçue, M. {1.last}, a refusé de prendre mes justificatifs "
        "sans explication. Je demande à être recontactée.\n{2f.full}",
        "Madame, Monsieur,\nMalgré trois relances, mon dossier de carte grise est bloqué "
        "depuis deux mois. On m'a dit au guichet {de:service} de voir avec "
        "Mme {1.last}, qui ne répond jamais au téléphone.\nCordialement,\n{2.upname}\n"
        "{0:street}, {commune}",
        "~je suis venu a l'accueil ce matin, personne pour m'orienter, la dame m'a "
        "renvoyé vers {1.first} qui était en pause depuis 40 minutes. inadmissible. "
        "{2m.lower}",
        "Réclamation concernant l'accueil des urgences {de:hospital} dans la nuit du "
        "3 au 4. Ma mère, {1f.full}, 84 ans, a attendu sur un brancard neuf heures. "
        "Le Dr {2.last} a été correct mais débordé.\n{3f.full}, sa fille",
        "Objet : remboursement non reçu\nJe conteste la décision {de:service} du "
        "mois dernier. Votre conseiller {1m.full} m'avait assuré que tout était en "
        "ordre. Je joins le courrier.\nSigné : {2.admin}",
        "~Le bus ne s'arrête plus {à:stop} depuis les travaux et personne ne prévient. "
        "Mon fils est arrivé en retard trois fois {à:school}. Le conducteur, "
        "un certain {1m.first}, nous a dit de marcher jusqu'{à:building}.\n{2.full}",
        "Je souhaite signaler le comportement de l'agent d'accueil {de:service} "
        "({1.init}, d'après son badge), qui a haussé le ton devant tout le monde.\n"
        "Merci de me rappeler au 06 12 34 56 78.\n{2.upname}",
        "Bonjour. Troisième rendez-vous annulé {à:hospital}. On m'avait promis "
        "que le Pr {1.last} me verrait avant la fin du mois. Je n'ai plus de traitement.\n"
        "— {2.full}",
        "A l'attention de Monsieur le Directeur, {1m.full}.\nDepuis le déménagement du "
        "service {à:building}, il n'y a plus de rampe pour les fauteuils. J'en ai parlé "
        "à Mme {2.last} le 14 et rien n'a bougé.\nVeuillez agréer…\n{3.upname}",
        "~franchement {service} c'est n'importe quoi, 2h d'attente, ticket 47, "
        "et à midi on nous dit de revenir. merci quand même à {1.first} qui a essayé. "
        "{2.caps}",
        "La cantine {de:school} a servi un plat avec du porc à mon fils malgré "
        "la fiche remplie en septembre avec M. {1m.full}, le directeur. Je demande "
        "un rendez-vous.\nMme {2.last}",
        "Mon courrier adressé {à:service} est revenu avec la mention « inconnu ». "
        "Mon adresse est pourtant bien {0:street} à {commune} depuis 2019.\n{1.full}",
    ],
    "suggestion": [
        "Suggestion : ouvrir {service} le samedi matin, au moins une fois par mois. "
        "Beaucoup de gens travaillent. Je sais que Mme {1.last} y est favorable.\n{2.full}",
        "Il faudrait un panneau à la sortie {de:stop} pour indiquer {hospital}, "
        "on se perd tous. Idée soufflée par ma voisine {1.full}.\n{2.init}",
        "~Pourquoi ne pas mettre des chaises dans le couloir {de:building} ? les personnes "
        "agées restent debout. {1.first} de l'accueil est d'accord avec moi. {2.full}",
        "Proposition pour le comité : créer une permanence {de:service} "
        "{à:building} {de:commune}, comme le faisait {1.full} avant son départ.\n"
        "{2.full}, usager",
        "Ce serait bien de pouvoir prendre rendez-vous en ligne avec l'assistante sociale "
        "{de:service}. J'ai dû passer par {1.upname} qui n'est là que le mardi.\n"
        "Cdlt {2.upname}",
        "Pour la rentrée, un arrêt de bus devant {school} éviterait aux enfants de "
        "traverser {street}. Je rejoins ce que disait M. {1.last} au conseil "
        "d'école.\n{2f.first} (maman d'élève)",
        "Mettre les horaires {de:service} sur la porte en plusieurs langues. "
        "Ma belle-mère, {1f.full}, ne lit pas le français.\n{2.admin}",
        "~un numero direct pour joindre le service plutot que le standard, "
        "on tombe toujours sur {1.first} qui ne peut rien faire. {2.lower}",
    ],
    "thanks": [
        "Je tiens à remercier {1.full}, agent {de:service}, pour sa patience et son "
        "efficacité. Dossier réglé en une visite !\n{2.full}",
        "Un grand merci à toute l'équipe {de:hospital}, et particulièrement à "
        "l'infirmière {1f.first} et au Dr {2.full}, pour leur humanité.\nFamille {3.last}",
        "~Merci à {1.full} {de:service} (antenne de {0:commune}) qui m'a aidé à remplir ma "
        "déclaration. Top. {2m.first}",
        "Merci à Mme {1.last}, directrice {de:school}, d'avoir trouvé une place "
        "à ma fille en cours d'année.\n{2.full} et {3.full}",
        "Remerciements pour l'accueil {à:building} le jour des inscriptions : "
        "{1.full}, {2.full} et {3.first} ont été formidables.\n{4.upname}",
        "Bravo à l'agent {1.init} {de:service} : réponse claire, en dix minutes, "
        "et avec le sourire. Ça change !\nBien à vous, {2.full}",
    ],
    "survey": [
        "Accueil correct mais trop d'attente. L'agent ({1.first}) était aimable.",
        "Très satisfaite de l'échange avec {1.full}. Locaux {de:service} vétustes.",
        "~Rien à dire, rapide. Par contre parking {de:building} plein tous les matins",
        "Je ne savais pas que {service} faisait aussi les cartes grises. "
        "M. {1.last} me l'a expliqué. Bien.",
        "~Pas assez de signalétique depuis {stop}. Accueil par {1.full} : parfait.",
        "Note 2/5. Le rendez-vous avec Maître {1.last} à la permanence juridique "
        "{de:building} a été écourté.",
        "Conseillère ({1f.full}) compétente, mais le site internet est incompréhensible.",
        "Le questionnaire est trop long. Sinon Mme {1.last} et M. {2.last} très bien.",
        "~accueil {commune} : 5/5 grâce à {1.first}, merci",
        "Bonne orientation vers {hospital}. Le médecin conseil, Dr {1m.full}, a été clair.",
        "Délai de réponse trop long (six semaines). Dossier suivi par {1.admin}.",
        "RAS. Locaux propres, {0:street} facile d'accès.",
    ],
    "sms": [
        "~slt c {1.first}, jai eu ma convoc pr {service} mais c a {commune} "
        "et g pa de voiture, on peut changer ?",
        "~bjr votre collegue {1.full} ma dit de vous envoyer les papiers ici. "
        "cordialement {2.first}",
        "~RDV loupé a cause du tram, arret {commune} ferme. merci de prevenir "
        "mme {1.last} svp. {2.caps}",
        "~ok merci {1.first} pr votre aide, dossier envoyé ce matin. bonne journée. {2.full}",
        "~pk {service} ferme a 16h?? chui arrivé 16h05 et le vigile ma pas laissé "
        "entrer. {1m.lower}",
    ],
}

# Texts written wholly by hand (names and places by hand too).
HAND_TEXTS: list[tuple[str, str]] = [
    (
        "complaint",
        "Bonjour,\nJe m'appelle ⟦Soazig Le Meur⟧ et j'habite ⟪rue Théodore Botrel⟫ à "
        "⟪Paimpol⟫. Depuis janvier, la ⟪CAF des Côtes-d'Armor⟫ me réclame un trop-perçu "
        "que je n'ai jamais touché. Votre agent M. ⟦Yvinec⟧ m'a dit que c'était "
        "« le système ».\nMerci de regarder.\n⟦S. Le Meur⟧",
    ),
    (
        "complaint",
        "ON M'A RACCROCHÉ AU NEZ DEUX FOIS AU STANDARD DE LA ⟪PRÉFECTURE DU "
        "HAUT-RHIN⟫. JE VEUX PARLER À UN RESPONSABLE.\n⟦ANTOINE HEITZMANN⟧",
    ),
    (
        "sms",
        "coucou c ⟦nadège⟧ la voisine de mme ⟦bertholet⟧, elle peut pas venir demain a la "
        "⟪mairie⟫ elle est a l'⟪hopital de morlaix⟫, merci",
    ),
    (
        "thanks",
        "Un immense merci à ⟦Dieynaba⟧ et ⟦Moussa⟧ de l'accueil de ⟪France Travail "
        "Saint-Denis Pleyel⟫. Grâce à eux j'ai une formation à partir de lundi.\n"
        "⟦Aïssatou Bathily⟧",
    ),
    (
        "survey",
        "Le monsieur de l'accueil (je crois ⟦Grégory⟧ ?) était sympa mais il ne savait "
        "pas où était le ⟪service des cartes grises⟫.",
    ),
    (
        "complaint",
        "Madame la Directrice,\nLe 2 décembre, à l'⟪école Pierre Loti⟫, l'ATSEM "
        "Mme ⟦Caradec⟧ a laissé ma fille seule dans la cour à 16h45. J'ai prévenu "
        "M. l'inspecteur ⟦Le Quellec⟧.\nRespectueusement,\n⟦Morgane Le Quéré⟧",
    ),
    (
        "suggestion",
        "Idée : afficher le plan du ⟪centre hospitalier de Bayonne⟫ dès l'entrée "
        "côté ⟪avenue Jacques Loeb⟫. Ma voisine Mme ⟦Etcheverry⟧ s'est perdue trois fois."
        "\n⟦Jon Aguirrebengoa⟧",
    ),
    (
        "complaint",
        "Bonjour, je suis ⟦Lê Thị Thu⟧ (dossier 2024-118). Mon nom a encore été mal écrit "
        "sur le titre de séjour : ⟦LE THI THU⟧ au lieu de ⟦Lê Thị Thu⟧. C'est la "
        "troisième fois à la ⟪sous-préfecture de Torcy⟫.",
    ),
    (
        "thanks",
        "Merci au Dr ⟦Santucci⟧ et à l'équipe de la ⟪maison de santé de Calvi⟫. "
        "⟦Ghjuvan Battista Leca⟧",
    ),
    (
        "complaint",
        "Je me plains de M. ⟦Wojciechowski⟧, du ⟪service des eaux⟫, qui est entré chez "
        "ma mère sans se présenter. Signé ⟦Halina Mazur⟧, ⟪allée Frédéric Chopin⟫, "
        "⟪Montceau-les-Mines⟫.",
    ),
    (
        "survey",
        "tres bien reçu par mme ⟦da cruz⟧ au ⟪guichet 4⟫",
    ),
    (
        "complaint",
        "Objet : plainte\n\nJe soussigné ⟦Abdelhak Ouchène⟧, demeurant ⟪cité des "
        "Francs-Moisins⟫ à ⟪Saint-Denis⟫, conteste la radiation prononcée par "
        "⟪France Travail⟫. Mon conseiller, M. ⟦Bensaïd⟧, était absent le jour du "
        "rendez-vous.\n\n⟦A. OUCHÈNE⟧",
    ),
    (
        "thanks",
        "Tout simplement : merci ⟦Marie-Annick⟧ ! (⟪accueil CPAM de Vannes⟫)\n"
        "⟦Rozenn⟧ et ⟦Goulven Le Dantec⟧",
    ),
    (
        "sms",
        "Bonjour je suis le fils de Mr ⟦Pereira Lopes⟧, il est malade il pourra pas venir au "
        "rdv de ⟪France Services⟫ jeudi. ⟦Rui⟧",
    ),
    (
        "suggestion",
        "Les usagers de la ⟪ligne 12⟫ descendent à l'⟪arrêt Aristide Briand⟫ sans savoir "
        "que la ⟪mairie annexe⟫ a déménagé ⟪rue Pierre Brossolette⟫. Un fléchage "
        "serait utile. ⟦Clotaire Fauvel⟧, conseil citoyen",
    ),
    (
        "complaint",
        "Bonsoir, l'agent ⟦Kevin⟧ de la ⟪déchetterie de Kerolay⟫ m'a insulté parce que "
        "j'étais arrivé 5 min avant la fermeture. Témoin : ⟦Yoann Kervella⟧. "
        "Moi c'est ⟦Brieuc Guillou⟧.",
    ),
    (
        "survey",
        "Avis sur le rendez-vous : OK. Mais pourquoi Maître ⟦Ferracci⟧ n'était-il pas au "
        "courant de mon dossier ? J'avais tout envoyé à la ⟪Maison de la Justice et du "
        "Droit⟫.",
    ),
    (
        "thanks",
        "Au nom de l'association ⟪Les Amis du Vieux Colmar⟫, merci à M. ⟦Riegert⟧ et "
        "Mme ⟦Schaeffer-Ostermann⟧ du ⟪service culturel⟫ pour le prêt de la "
        "⟪salle Bartholdi⟫.\n⟦Théobald Ringeisen⟧, président",
    ),
    (
        "complaint",
        "J'ai appelé 14 fois le ⟪centre des impôts⟫ de ⟪Tourcoing⟫. Quand j'ai enfin eu "
        "quelqu'un (Mme ⟦D.⟧), elle m'a dit de passer par la messagerie. Je n'ai pas "
        "internet !!!\n⟦Rolande Vandewalle⟧, 79 ans",
    ),
    (
        "sms",
        "merci a vous ⟦djibril⟧ pour le dossier de ma mere ⟦mariam⟧, ca lui a fait plaisir",
    ),
    (
        "survey",
        "Accueil : 4/5. Attente : 1/5. Commentaire : le ⟪bureau 12⟫ du ⟪bâtiment "
        "Jean Zay⟫ est introuvable, Mme ⟦Perrichon⟧ est venue me chercher.",
    ),
    (
        "complaint",
        "Le ⟪lycée Anatole Le Braz⟫ n'a pas transmis le dossier de bourse de mon fils "
        "⟦Malo⟧. La CPE, Mme ⟦Le Roch⟧, dit que c'est la faute du rectorat.\n"
        "⟦Katell Le Roch-Derrien⟧ (aucun lien !)",
    ),
    (
        "thanks",
        "MERCI À ⟦LÉOCADIE⟧ DU ⟪CCAS⟫ POUR LE COLIS DE NOËL. ⟦HENRIETTE-ROSE ABGRALL⟧",
    ),
    (
        "complaint",
        "Je viens à la ⟪préfecture de Bobigny⟫ depuis 4h du matin pour avoir un ticket. "
        "Aujourd'hui c'est Mme ⟦Kouyaté⟧ qui m'a renvoyée parce qu'il manquait une "
        "photo. Je n'en peux plus. ⟦Nafissatou Diop⟧",
    ),
    (
        "suggestion",
        "Proposition de ⟦Jean-Baptiste Mattei⟧ et ⟦Dumè Acquaviva⟧ : une navette entre "
        "⟪Corte⟫ et l'⟪hôpital de Bastia⟫ pour les rendez-vous des personnes âgées.",
    ),
    (
        "survey",
        "Interlocuteur : ⟦A. Zahir⟧. Satisfait. Délai raisonnable.",
    ),
    (
        "complaint",
        "Bonjour, mon dossier MDPH est en attente depuis 11 mois. Référente : Mme ⟦"
        "Goasdoué⟧. Je demande que le comité se saisisse du dossier.\n⟦Yvonnick Prigent⟧, "
        "⟪impasse des Goélands⟫, ⟪Plouha⟫",
    ),
    (
        "thanks",
        "Merci à l'équipe de la ⟪médiathèque Louis Aragon⟫, surtout ⟦Paulin⟧ et "
        "⟦Clémentine⟧, pour l'atelier numérique. Ma mère sait enfin faire sa déclaration."
        "\n⟦Vanessa Ferreira-Boukhari⟧",
    ),
    (
        "sms",
        "Bjr c M. ⟦Traoré⟧, suis devant la ⟪CAF⟫ ⟪bd Jean Jaurès⟫, porte fermée, c normal?",
    ),
    (
        "complaint",
        "A qui de droit. La ⟪piscine Alfred Nakache⟫ est fermée sans prévenir depuis 3 "
        "semaines. M. le Directeur des sports, ⟦Hervé Guéguen⟧, ne répond pas.\n"
        "Dr ⟦Élodie Faucompré⟧, ⟪Toulouse⟫",
    ),
    (
        "survey",
        "Le jeune homme en service civique (⟦Nassim⟧) a été top. La borne ne marche pas.",
    ),
    (
        "complaint",
        "Je signale que Mme ⟦Nowak⟧ et M. ⟦Zieliński⟧ de l'⟪agence France Travail de "
        "Lens⟫ m'ont donné deux réponses contraires le même jour. Lequel croire ?\n"
        "⟦Bartosz Lewandowicz⟧",
    ),
    (
        "suggestion",
        "suggestion : les formulaires de la ⟪mairie de Hendaye⟫ en basque aussi. "
        "eskerrik asko. ⟦Maialen Elizalde⟧",
    ),
    (
        "thanks",
        "Merci beaucoup à Maître ⟦Ngo Van Long⟧, avocat de permanence au ⟪tribunal de "
        "Créteil⟫, et à Mme ⟦Truong⟧ du ⟪point d'accès au droit⟫.\n⟦Minh Châu Đặng⟧",
    ),
    (
        "complaint",
        "Réclamation n°3. Rien n'a changé à l'⟪hôpital Jean Verdier⟫. L'aide-soignante "
        "⟦Ginou⟧ fait ce qu'elle peut mais elles sont deux pour trente lits.\n"
        "⟦Raymonde⟧ et ⟦Albertine Chaussegros⟧",
    ),
    (
        "survey",
        "Merci ⟦Eulalie⟧ ! ⟪Cité administrative Coligny⟫, bureau des étrangers, le 5/11.",
    ),
    (
        "complaint",
        "On m'a dit à l'⟪accueil de la mairie de Fougères⟫ que M. ⟦Bourdais-Lemonnier⟧, "
        "adjoint, recevait sans rendez-vous le jeudi. Faux. Trois jeudis de suite.\n"
        "Cordialement\n⟦Gwendal Bourdais⟧ (pas de lien de famille !)",
    ),
    (
        "sms",
        "jai oublié mes lunettes au ⟪guichet 2⟫ hier vers 15h, la dame s'appelait "
        "⟦Sandrine⟧ je crois. ⟦Patrice Lelouarn⟧ 07 88 12 45 90",
    ),
    (
        "thanks",
        "À ⟦Olympe⟧, ⟦Anatole⟧, ⟦Sixtine⟧ et ⟦Barnabé⟧ du ⟪centre de loisirs Marcel Pagnol⟫ : "
        "merci pour cet été. Les parents de ⟦Capucine⟧ (CE2).",
    ),
    (
        "complaint",
        "J'ai reçu un avis d'imposition au nom de ⟦KONATÉ Mariétou⟧ alors que je suis "
        "⟦KONATE Mariètou⟧ et que j'habite ⟪résidence Gabriel Péri⟫, pas ⟪rue Gabriel "
        "Péri⟫ !",
    ),
    (
        "survey",
        "⟦C. Lambertucci⟧ au ⟪standard⟫ : réponse précise. ⟦J.-M. Orlandini⟧ au guichet : moins.",
    ),
    (
        "suggestion",
        "Pourquoi ne pas ouvrir la ⟪salle Germaine Tillion⟫ le dimanche pour les "
        "révisions ? Demande portée par ⟦Ilyès⟧, ⟦Rayan⟧ et ⟦Sofiane⟧ du ⟪conseil des "
        "jeunes⟫.",
    ),
    (
        "complaint",
        "Bonjour, je suis ⟦Eleni Papadopoulou⟧, ressortissante grecque. La ⟪CPAM⟫ me "
        "demande un document que seul l'organisme grec délivre. Mme ⟦Vautrin⟧ ne veut "
        "rien entendre.",
    ),
    (
        "thanks",
        "Remerciements au lieutenant ⟦Kerbrat⟧ et à la ⟪brigade de gendarmerie de "
        "Châteaulin⟫. Famille ⟦Le Berre-Quillivic⟧",
    ),
]


def _initials(first: str) -> str:
    """« Jean-Pierre » → « J.-P. », « Thi Lan » → « T. L. »."""
    words = first.split(" ")
    return " ".join("-".join(f"{part[0]}." for part in word.split("-")) for word in words)


# The article a place takes, from its first word ("" for none).
ARTICLES = {
    "la": "rue avenue place allée impasse cité résidence salle piscine médiathèque maison "
    "gare station clinique mairie préfecture sous-préfecture gendarmerie PMI CAF CPAM MDPH "
    "Maison",
    "l'": "école EHPAD espace hôpital URSSAF ANTS",
    "les": "urgences",
    "le": "boulevard quai cours chemin collège lycée groupe CHU centre arrêt gymnase stade "
    "foyer bâtiment service tribunal bureau Trésor CCAS",
}
ARTICLE = {word: article for article, words in ARTICLES.items() for word in words.split()}
CONTRACTED = {("à", "le"): "au ", ("à", "les"): "aux ", ("de", "le"): "du ", ("de", "les"): "des "}


def _article(name: str, how: str) -> str:
    """What comes before a place: « la », « au », « de l' »… or nothing (``how`` "0")."""
    article = ARTICLE.get(name.split(" ")[0], "")
    if how == "0":
        return ""
    if article in ("le", "la") and _plain(name[0]) in "aeiouh":
        article = "l'"
    if (how, article) in CONTRACTED:
        return CONTRACTED[how, article]
    spaced = "" if not article or article.endswith("'") else " "
    if how == "de" and not article:
        return "d'" if _plain(name[0]) in "aeiou" else "de "
    return f"{how} {article}{spaced}" if how else f"{article}{spaced}"


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


FAKER_FIRST = {_plain(n) for n in (*FrenchNames.first_names_male, *FrenchNames.first_names_female)}
FAKER_LAST = {_plain(n) for n in FrenchNames.last_names}
TITLES = {"m", "mme", "mr", "dr", "pr", "maitre", "me", "famille", "lieutenant", "le", "la"}


def in_faker(name: str) -> bool:
    """Whether a word of the name (or the whole name) is in Faker's fr_FR name lists."""
    whole = _plain(name)
    if whole in FAKER_FIRST or whole in FAKER_LAST:
        return True
    words = [w.strip(".,") for w in re.split(r"[\s]+", whole)]
    parts = {p for w in words for p in (w, *w.split("-")) if len(p) > 1 and p not in TITLES}
    return bool(parts & (FAKER_FIRST | FAKER_LAST))


def _transform(marked: str, how: str) -> str:
    if how == "lower":
        return marked.lower()
    if how == "upper":
        return marked.upper()
    if how == "noaccent":
        decomposed = unicodedata.normalize("NFD", marked)
        return unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
        )
    return marked


MARKS = {"⦃": ("⦄", "person", "faker"), "⟦": ("⟧", "person", "hand"), "⟪": ("⟫", "place", "")}


def parse(marked: str) -> dict:
    """Removes the markup and gives the text with its person and place spans."""
    text: list[str] = []
    persons, places, names, sources = [], [], [], []
    i = 0
    while i < len(marked):
        char = marked[i]
        if char in MARKS:
            close, what, source = MARKS[char]
            end = marked.index(close, i)
            inner = marked[i + 1 : end]
            assert inner == inner.strip() and inner, f"span mal formé : {inner!r}"
            assert not set(inner) & set("⦃⦄⟦⟧⟪⟫"), f"balises imbriquées : {marked!r}"
            start = len("".join(text))
            text.append(inner)
            span = [start, start + len(inner)]
            if what == "person":
                persons.append(span)
                names.append(inner)
                sources.append(source)
            else:
                places.append(span)
            i = end + 1
        else:
            text.append(char)
            i += 1
    return {
        "text": "".join(text),
        "persons": persons,
        "places": places,
        "person_names": names,
        "persons_source": sources,
        "persons_in_faker": [in_faker(n) for n in names],
    }


def build() -> list[dict]:
    for first, last in HAND_NAMES:
        assert _plain(first) not in FAKER_FIRST, f"{first} est dans Faker"
        assert _plain(last) not in FAKER_LAST, f"{last} est dans Faker"
        assert not in_faker(f"{first} {last}"), f"{first} {last} est dans Faker"
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    hand_names = list(HAND_NAMES)
    rng.shuffle(hand_names)
    pools: dict[str, list[str]] = {kind: [] for kind in PLACES}

    def place(match: re.Match) -> str:
        how, kind = match.group(1), match.group(2)
        if not pools[kind]:
            pools[kind] = list(PLACES[kind])
            rng.shuffle(pools[kind])
        name = pools[kind].pop()
        return f"{_article(name, how or '')}⟪{name}⟫"

    def hand_name(gender: str) -> tuple[str, str]:
        for _ in range(2):
            for index, (first, _last) in enumerate(hand_names):
                if not gender or (first in HAND_FEMALE) == (gender == "f"):
                    return hand_names.pop(index)
            hand_names.extend(HAND_NAMES)
            rng.shuffle(hand_names)
        raise AssertionError(gender)

    def faker_name(gender: str) -> tuple[str, str]:
        first = {"m": fake.first_name_male, "f": fake.first_name_female}.get(
            gender, fake.first_name
        )()
        return first, fake.last_name()

    texts = []
    how_cycle = ["lower", "upper", "noaccent"]
    casual = 0
    for kind, templates in TEMPLATES.items():
        for number, template in enumerate(templates):
            for filling in range(3):
                people: dict[str, tuple[str, str, str]] = {}

                def person(match: re.Match, people=people, number=number, filling=filling) -> str:
                    slot, gender, form = match.groups()
                    if slot not in people:
                        # About two names in three from Faker, the rest by hand.
                        if (number + filling + int(slot)) % 3 == 0:
                            people[slot] = (*hand_name(gender), "hand")
                        else:
                            people[slot] = (*faker_name(gender), "faker")
                    first, last, source = people[slot]
                    opening, closing = ("⦃", "⦄") if source == "faker" else ("⟦", "⟧")
                    return f"{opening}{FORMS[form](first, last)}{closing}"

                marked = re.sub(r"\{(\d)([mf]?)\.(\w+)\}", person, template.lstrip("~"))
                marked = re.sub(r"\{(?:(à|de|0):)?([a-z]+)\}", place, marked)
                how = ""
                if template.startswith("~") and filling == 2:
                    how = how_cycle[casual % len(how_cycle)]
                    casual += 1
                item = parse(_transform(marked, how))
                texts.append({"group": f"{kind}-{number}", "kind": kind, "style": how, **item})
    for number, (kind, marked) in enumerate(HAND_TEXTS):
        texts.append({"group": f"hand-{number}", "kind": "hand", "style": kind, **parse(marked)})
    for number, item in enumerate(texts):
        item["id"] = number
        item["half"] = HALF
        check(item)
    return texts


def check(item: dict) -> None:
    """Every annotated span is the name or place it claims, with no markup left."""
    text = item["text"]
    assert not set(text) & set("⦃⦄⟦⟧⟪⟫{}"), f"balise restée dans le texte {item['id']}"
    for (start, end), name in zip(item["persons"], item["person_names"], strict=True):
        assert text[start:end] == name, (item["id"], text[start:end], name)
        assert name[0].isalpha() and name[-1] not in " ,", (item["id"], name)
    spans = sorted(item["persons"] + item["places"])
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, f"spans qui se chevauchent dans le texte {item['id']}"
    for start, end in item["places"]:
        assert text[start:end].strip() == text[start:end] != "", (item["id"], start, end)


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    blind = build()
    with OUT.open("w", encoding="utf-8") as out:
        for item in blind:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    persons = sum(len(t["persons"]) for t in blind)
    faker = sum(s == "faker" for t in blind for s in t["persons_source"])
    listed = sum(f for t in blind for f in t["persons_in_faker"])
    places = sum(len(t["places"]) for t in blind)
    distinct = len({t["text"][s:e] for t in blind for s, e in t["places"]})
    by_hand = sum(t["kind"] == "hand" for t in blind)
    print(
        f"{len(blind)} textes (dont {by_hand} écrits entièrement à la main), "
        f"{persons} noms de personne ({faker} de Faker, {persons - faker} écrits à la main ; "
        f"{listed} ont un mot dans les listes fr_FR de Faker), "
        f"{places} lieux et structures ({distinct} distincts) → {OUT}"
    )
