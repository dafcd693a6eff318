"""Demo fieldwork: the shipped 2025 grid, a small scenario bank, forty auditors and an
edition in fieldwork with demo structures enrolled and planned. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditorProfile, Edition, Scenario
from barometre.demo.national import grid_2025
from barometre.structures.models import Structure

SCENARIOS = [
    ("horaires-accueil", "Horaires et pièces pour une démarche", ["phone", "visit"],
     "Parent de deux enfants, récemment installé dans la commune.",
     "Demander les horaires d'ouverture et les pièces à fournir pour une inscription.",
     "", "Horaires exacts, liste complète des pièces, mention de la démarche en ligne."),
    ("carte-identite", "Renouvellement de carte d'identité", ["phone", "email", "social"],
     "Retraitée, peu à l'aise avec le numérique.",
     "Demander comment renouveler une carte d'identité et s'il faut prendre rendez-vous.",
     "Bonjour,\nJe souhaite renouveler ma carte d'identité. Dois-je prendre rendez-vous ?",
     "Rendez-vous obligatoire, prédemande en ligne possible, aide au point numérique."),
    ("reclamation-delai", "Réclamation sur un délai de traitement", ["email", "mail"],
     "Usager en attente d'une réponse depuis six semaines.",
     "Écrire pour se plaindre d'un dossier sans réponse et demander un délai.",
     "Madame, Monsieur,\nJ'ai déposé un dossier il y a six semaines sans nouvelles…",
     "Excuses, délai annoncé, interlocuteur nommé, voie de recours."),
    ("accessibilite", "Accès pour une personne en fauteuil", ["phone", "email", "website"],
     "Accompagnant d'une personne à mobilité réduite.",
     "Demander si les locaux sont accessibles et où se garer.",
     "Bonjour,\nMon père se déplace en fauteuil : vos locaux sont-ils accessibles ?",
     "Description précise de l'accès et du stationnement, proposition d'accueil adapté."),
]  # fmt: skip
AUDITOR_COMMUNES = ["Tours", "Nantes", "Lyon", "Lille", "Toulouse", "Rennes", "Dijon",
                    "Bordeaux", "Rouen", "Nancy", "Clermont-Ferrand", "Marseille", "Nice",
                    "Montpellier", "Grenoble", "Limoges", "Poitiers", "Caen", "Amiens", "Reims",
                    "Besançon", "Brest", "Angers", "Le Mans", "Pau", "Perpignan", "Nîmes",
                    "Avignon", "Metz", "Mulhouse", "Saint-Étienne", "Bayonne", "Quimper",
                    "Troyes", "Ajaccio", "Fort-de-France", "Saint-Pierre", "Cayenne",
                    "Pointe-à-Pitre"]  # fmt: skip


def load_scenarios() -> None:
    for code, title, channels, persona, script, template, expected in SCENARIOS:
        Scenario.objects.update_or_create(code=code, defaults={
            "title": title, "channels": channels, "persona": persona, "script": script,
            "message_template": template, "expected_answer": expected})  # fmt: skip


@transaction.atomic
def load_auditors() -> int:
    """The demo auditor plus 39 colleagues spread over France, each covering every
    département for visits. Returns how many auditors there are."""
    from barometre.engine.territory import DEPARTMENTS

    departments = sorted(DEPARTMENTS)
    auditors = [(u, "Orléans") for u in User.objects.filter(memberships__role=Role.AUDITOR,
                                                           username="enqueteur")]  # fmt: skip
    for i, commune in enumerate(AUDITOR_COMMUNES, start=2):
        user, created = User.objects.get_or_create(
            username=f"enqueteur-{i:02d}",
            defaults={"first_name": "Enquêteur", "last_name": f"n° {i}"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, role=Role.AUDITOR)
        auditors.append((user, commune))
    for user, commune in auditors:
        AuditorProfile.objects.get_or_create(
            user=user,
            defaults={"departments": departments, "weekly_capacity": 10, "commune": commune},
        )
    return len(auditors)


@transaction.atomic
def load_demo_fieldwork(operator: User, structures=None, *, year: int | None = None) -> Edition:
    """An edition in fieldwork from this week's Monday, with ``structures`` (by default
    all) enrolled and planned, so that auditors have audits today and this week. ``year``
    defaults to next year's (the next national edition, whose fieldwork has begun)."""
    grid = grid_2025()
    load_scenarios()
    load_auditors()
    # The fieldwork runs from this week's Monday for twelve weeks, so that "today" and
    # "this week" have audits whenever the demo is started.
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    year = year or monday.year + 1
    name = f"Baromètre {year} (terrain en cours)"
    edition = Edition.objects.filter(name=name).first()
    if edition is None:
        edition = lifecycle.create_edition(
            year=year, name=name, grid=grid,
            enrolment_opens=monday - dt.timedelta(days=120),
            enrolment_closes=monday - dt.timedelta(days=7),
            fieldwork_starts=monday, fieldwork_ends=monday + dt.timedelta(weeks=12, days=-3),
            by=operator,
        )  # fmt: skip
        lifecycle.advance(edition, by=operator)
        for structure in structures if structures is not None else Structure.objects.all():
            lifecycle.enrol(edition, structure, by=operator, publish_results=True)
        lifecycle.plan_fieldwork(edition, by=operator)
        edition = lifecycle.advance(edition, by=operator)
    return edition
