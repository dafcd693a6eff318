"""The demo's scenario bank: what the mystery citizens ask, of which structures, and the
replies a structure sends. Each scenario goes only to the structures that can answer it
(``structure_kinds``), and identity cards only to the town halls that take the
applications (``reference/communes.csv``)."""

from barometre.campaigns.models import AuditTask, Edition, Scenario
from barometre.demo.places import communes

# code, title, channels, structure kinds (empty: every kind), persona, request, message,
# expected answer. Each scenario goes only to the structures that can answer it: identity
# cards to the town halls that take the applications (a biometric station, since 2017;
# not préfectures nor départements), a residence permit to a préfecture, the APA to a
# département...
SCENARIOS = [
    (
        "horaires-accueil",
        "Horaires et pièces pour une démarche",
        ["phone", "visit"],
        [],
        "Usager récemment installé dans le secteur.",
        "Demander les horaires d'ouverture de l'accueil et les pièces à fournir pour la "
        "démarche la plus courante du service.",
        "",
        "Horaires exacts, liste complète des pièces, mention de la démarche en ligne.",
    ),
    (
        "carte-identite",
        "Renouvellement de carte d'identité",
        ["phone", "email", "social"],
        ["commune"],
        "Retraitée, peu à l'aise avec le numérique.",
        "Demander comment renouveler une carte d'identité et s'il faut prendre rendez-vous.",
        "Bonjour,\nJe souhaite renouveler ma carte d'identité. Dois-je prendre rendez-vous ?",
        "Rendez-vous obligatoire, prédemande en ligne possible, aide au point numérique.",
    ),
    (
        "acte-naissance",
        "Demande d'un acte de naissance",
        ["email", "mail", "social"],
        ["commune"],
        "Personne née dans la commune, qui prépare un dossier de mariage.",
        "Demander une copie intégrale d'acte de naissance et le délai d'envoi.",
        "Bonjour,\nJe suis née dans votre commune et souhaiterais recevoir une copie "
        "intégrale de mon acte de naissance. Quel est le délai ?",
        "Démarche en ligne gratuite ou demande écrite, délai annoncé, pièces à joindre.",
    ),
    (
        "reclamation-delai",
        "Réclamation sur un délai de traitement",
        ["phone", "email", "mail"],
        [],
        "Usager en attente d'une réponse depuis six semaines.",
        "Se plaindre d'un dossier sans réponse et demander un délai.",
        "Madame, Monsieur,\nJ'ai déposé un dossier il y a six semaines sans nouvelles…",
        "Excuses, délai annoncé, interlocuteur nommé, voie de recours.",
    ),
    (
        "accessibilite",
        "Accès pour une personne en fauteuil",
        ["phone", "email", "website"],
        [],
        "Accompagnant d'une personne à mobilité réduite.",
        "Demander si les locaux sont accessibles et où se garer.",
        "Bonjour,\nMon père se déplace en fauteuil : vos locaux sont-ils accessibles ?",
        "Description précise de l'accès et du stationnement, proposition d'accueil adapté.",
    ),
    (
        "titre-sejour",
        "Renouvellement d'un titre de séjour",
        ["phone", "email", "mail"],
        ["state"],
        "Salariée étrangère dont la carte de séjour expire dans trois mois.",
        "Demander comment renouveler le titre de séjour et s'il faut un rendez-vous.",
        "Bonjour,\nMa carte de séjour expire dans trois mois. Comment la renouveler ?",
        "Démarche en ligne sur le site de l'ANEF, délai conseillé, attestation de prolongation.",
    ),
    (
        "apa",
        "Allocation personnalisée d'autonomie",
        ["phone", "email", "mail", "social"],
        ["department"],
        "Fille d'une personne âgée qui ne peut plus vivre seule sans aide.",
        "Demander comment déposer une demande d'APA à domicile et qui évalue le besoin.",
        "Bonjour,\nMa mère, 84 ans, a besoin d'aide à domicile. Comment demander l'APA ?",
        "Dossier à retirer ou en ligne, visite d'évaluation, délai d'instruction, contact.",
    ),
    (
        "aide-regionale",
        "Aide régionale à la formation",
        ["phone", "email", "mail", "social"],
        ["region"],
        "Demandeur d'emploi qui veut financer une formation.",
        "Demander quelles aides de la Région existent et comment les demander.",
        "Bonjour,\nJe cherche à financer une formation d'aide-soignant : quelles aides ?",
        "Aides existantes, conditions, lien vers la demande en ligne, interlocuteur.",
    ),
    (
        "collecte-dechets",
        "Collecte des déchets",
        ["phone", "email", "mail", "social"],
        ["intercommunality"],
        "Nouvel habitant sans bac de tri.",
        "Demander un bac de tri et les jours de collecte.",
        "Bonjour,\nJe viens d'emménager et n'ai pas de bac de tri. Comment en obtenir un ?",
        "Jours de collecte, démarche pour le bac, délai de livraison.",
    ),
    (
        "aide-demarche",
        "Aide pour une démarche en ligne",
        ["phone", "email", "mail", "social"],
        ["france_services", "social", "culture"],
        "Personne sans ordinateur qui doit déclarer ses revenus en ligne.",
        "Demander si l'on peut être aidé pour une démarche en ligne, et sur quel créneau.",
        "Bonjour,\nJe n'ai pas d'ordinateur : pouvez-vous m'aider à faire ma déclaration ?",
        "Accompagnement proposé, créneaux, pièces et identifiants à apporter.",
    ),
    (
        "sejour-accessible",
        "Séjour avec une personne à mobilité réduite",
        ["phone", "email", "mail", "social"],
        ["economic"],
        "Famille qui prépare un séjour avec un grand-parent en fauteuil.",
        "Demander des hébergements et des visites accessibles, et comment s'y rendre.",
        "Bonjour,\nNous venons en juillet avec ma mère en fauteuil : quels hébergements et "
        "quelles visites nous conseillez-vous ?",
        "Liste d'hébergements et de sites labellisés, accès en transport, documentation envoyée.",
    ),
    (
        "rendez-vous-consultation",
        "Rendez-vous de consultation",
        ["phone", "email", "mail", "social"],
        ["hospital"],
        "Patient orienté par son médecin traitant vers un spécialiste.",
        "Demander un rendez-vous et les documents à apporter.",
        "Bonjour,\nMon médecin m'adresse en cardiologie : comment prendre rendez-vous ?",
        "Créneau proposé ou délai annoncé, documents à apporter, prise de rendez-vous en ligne.",
    ),
]
# The complaint scenarios: their audits score the complaint criteria, the others answer
# them « sans objet ».
COMPLAINT_SCENARIOS = {"reclamation-delai"}
COMPLAINT_CRITERIA = {"phone.complaint_orientation", "email.complaint_handled"}
IDENTITY_CARDS = "carte-identite"

REPLIES = {
    "carte-identite": "Madame,\nLe renouvellement se fait sur rendez-vous, après une prédemande "
    "en ligne. Le point numérique de l'accueil peut vous aider.\nLe service population",
    "acte-naissance": "Madame,\nVous pouvez demander la copie intégrale de votre acte en "
    "ligne, gratuitement ; elle vous sera envoyée par courrier sous huit jours.\n"
    "Le service de l'état civil",
    "reclamation-delai": "Monsieur,\nNous vous prions de nous excuser pour ce délai. Votre "
    "dossier est en cours d'instruction ; une réponse vous sera apportée sous dix jours. "
    "Si elle ne vous convenait pas, vous pourrez saisir le médiateur.\nLe chef du service",
    "accessibilite": "Bonjour,\nNos locaux sont accessibles par l'entrée latérale, où deux "
    "places de stationnement sont réservées. Un agent peut vous recevoir au rez-de-chaussée "
    "sur rendez-vous.\nL'accueil",
    "titre-sejour": "Madame,\nLa demande de renouvellement se dépose en ligne sur le site de "
    "l'ANEF, deux à quatre mois avant l'expiration de votre carte. Une attestation de "
    "prolongation vous sera délivrée pendant l'instruction.\nLe bureau du séjour",
    "apa": "Madame,\nLa demande d'allocation personnalisée d'autonomie se fait avec le "
    "formulaire joint ; une évaluatrice prendra rendez-vous chez votre mère dans le mois. "
    "Votre contact : la maison départementale de l'autonomie.\nLe service autonomie",
    "aide-regionale": "Bonjour,\nLa Région finance les formations sanitaires et sociales : "
    "la demande se fait en ligne, après votre inscription à l'institut de formation.\n"
    "Le service formation",
    "collecte-dechets": "Bonjour,\nVotre bac de tri vous sera livré sous quinze jours ; la "
    "collecte a lieu le mardi matin dans votre rue.\nLe service déchets",
    "aide-demarche": "Bonjour,\nUne conseillère peut vous recevoir sur rendez-vous le mardi "
    "ou le jeudi ; apportez votre dernier avis d'imposition et votre numéro fiscal.\n"
    "L'accueil",
    "sejour-accessible": "Bonjour,\nVous trouverez ci-joint la liste des hébergements et des "
    "sites labellisés Tourisme et Handicap ; la navette depuis la gare est accessible.\n"
    "L'office de tourisme",
    "rendez-vous-consultation": "Bonjour,\nLe secrétariat de cardiologie vous propose un "
    "rendez-vous dans trois semaines ; apportez le courrier de votre médecin et votre carte "
    "Vitale.\nLe secrétariat",
}


def load_scenarios() -> None:
    """Create or refresh the scenario bank."""
    for code, title, channels, kinds, persona, script, template, expected in SCENARIOS:
        Scenario.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "channels": channels,
                "structure_kinds": kinds,
                "persona": persona,
                "script": script,
                "message_template": template,
                "expected_answer": expected,
            },
        )


def fits(scenario: Scenario, structure) -> bool:
    """Whether ``structure`` can answer ``scenario``: one of its kinds, and for identity
    cards a town hall that takes the applications."""
    if scenario.structure_kinds and structure.kind not in scenario.structure_kinds:
        return False
    if scenario.code == IDENTITY_CARDS:
        commune = communes().get((structure.department, structure.city))
        return commune is not None and commune.identity_cards
    return True


def fit_scenarios(edition: Edition) -> int:
    """Give the audits of a town hall without a biometric station another scenario of its
    kind for the channel (the planner chooses by structure kind only); returns how many
    were changed."""
    bank = list(Scenario.objects.filter(active=True).order_by("code"))
    tasks = list(
        edition.tasks.filter(scenario__code=IDENTITY_CARDS).select_related("structure", "scenario")
    )
    changed = []
    for task in tasks:
        if fits(task.scenario, task.structure):
            continue
        taken = set(
            edition.tasks.filter(structure=task.structure, channel=task.channel)
            .exclude(pk=task.pk)
            .values_list("scenario_id", flat=True)
        )
        pool = [s for s in bank if task.channel in s.channels and fits(s, task.structure)]
        fresh = [s for s in pool if s.pk not in taken] or pool
        task.scenario = fresh[task.sequence % len(fresh)] if fresh else None
        changed.append(task)
    AuditTask.objects.bulk_update(changed, ["scenario"])
    return len(changed)
