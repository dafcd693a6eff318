"""Three years of Services Publics+ for the demo préfecture, entered through the same
functions as the pages (register, surveys, internal campaigns): enough for its quality
dashboard, its satisfaction history and the annual review a users' committee is presented.

Years are relative to the run: the last complete year (N-1) is reviewed by the committee
held in January of this year, with N-2 and N-3 as history; this year's register has open
entries, some overdue, so that the agent has work today. Deterministic for a given day."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from barometre.accounts.models import Role, User
from barometre.campaigns import callers, lifecycle
from barometre.campaigns.models import CampaignCaller
from barometre.demo.data import DEMO_PASSWORD
from barometre.demo.history import date_internal_campaign
from barometre.demo.national import simulate_fieldwork
from barometre.engine import add_days, sp_indicator_catalogue
from barometre.improvement import annual, catalogue, register, surveys
from barometre.improvement.models import (
    Action,
    CollectionPoint,
    CommitteeMember,
    Decision,
    ImprovementProfile,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Statement,
    Training,
)
from barometre.results.computing import compute
from barometre.results.models import ResultSet
from barometre.structures.models import Structure

SUBJECTS = {
    "complaint": [
        "Attente trop longue au guichet des titres",
        "Standard injoignable le lundi",
        "Dossier de carte grise sans nouvelles",
        "Rendez-vous annulé sans prévenir",
        "Réponse incomplète à un courriel",
        "Accueil peu aimable",
    ],
    "suggestion": [
        "Ouvrir un créneau le samedi matin",
        "Afficher le temps d'attente",
        "Proposer un rappel téléphonique",
    ],
    "thanks": ["Merci pour l'aide au point numérique", "Accueil remarquable au guichet"],
    "information": ["Pièces pour un titre de séjour", "Horaires d'ouverture en août"],
}
COMMENTS = [
    "Agents aimables et disponibles.",
    "Attente un peu longue mais accueil très correct.",
    "Le point numérique m'a beaucoup aidé.",
    "Signalétique à revoir dans le hall.",
    "Rendez-vous rapide, merci.",
    "Difficile de joindre le standard par téléphone.",
    "Explications claires sur les pièces à fournir.",
    "Accueil chaleureux.",
]
# Entries per kind and year, oldest first: complaints fall as the actions take effect while
# suggestions grow with the public form, as in a real register.
REGISTER_MIX = [
    {"complaint": 23, "suggestion": 4, "thanks": 2, "information": 5},
    {"complaint": 17, "suggestion": 6, "thanks": 4, "information": 3},
    {"complaint": 12, "suggestion": 9, "thanks": 3, "information": 6},
]
# "Vous avez dit, nous avons fait": one published action a year, oldest first.
YOU_SAID = [
    (
        "Accueil téléphonique",
        "Renforcer l'équipe du standard aux heures d'affluence",
        "Vous avez dit : le standard est difficile à joindre. Nous avons renforcé l'équipe aux "
        "heures d'affluence.",
    ),
    (
        "Accueil physique",
        "Ouvrir un second guichet des titres le lundi et le mardi matin",
        "Vous avez dit : l'attente au guichet des titres est trop longue. Nous avons ouvert un "
        "second guichet le lundi et le mardi matin.",
    ),
    (
        "Information",
        "Joindre la liste des pièces à la confirmation de rendez-vous",
        "Vous avez dit : on ne sait pas quelles pièces apporter. Nous envoyons la liste avec la "
        "confirmation de chaque rendez-vous.",
    ),
]
TRAININGS = [
    ("accueil physique et téléphonique", (6, 12, 20)),
    ("gestion des conflits", (4, 8, 10)),
    ("accueil public anglophone", (3, 4, 5)),
    ("référent qualité", (1, 1, 2)),
    ("initiation à la langue des signes", (0, 5, 7)),
    ("Services Publics+ : les engagements", (10, 18, 25)),
]
APPROACH = (
    "Qual-e-Pref depuis 2016, Services Publics+ depuis 2021 : écoute des usagers par "
    "une enquête permanente au guichet, appels mystères internes deux fois par an, "
    "registre des réclamations et suggestions, comité local des usagers annuel."
)


@transaction.atomic
def load_improvement_history(structure: Structure, manager: User, *, seed: int = 4) -> int:
    """The préfecture's history; returns the reviewed year. Does nothing if present."""
    today = timezone.localdate()
    reviewed = today.year - 1
    years = [reviewed - 2, reviewed - 1, reviewed]
    if Meeting.objects.filter(structure=structure, reviewed_year=reviewed).exists():
        return reviewed
    rng = random.Random(seed)
    questionnaire = surveys.create_from_template(structure)
    CollectionPoint.objects.create(
        structure=structure, label="Hall d'accueil", questionnaire=questionnaire
    )
    CollectionPoint.objects.create(
        structure=structure, label="Point d'accueil numérique", questionnaire=questionnaire
    )
    _surveys(questionnaire, years, today, rng)
    _register(structure, manager, years, today, rng)
    _trainings(structure, years)
    internal = [_internal_campaign(structure, manager, year) for year in years[1:]]
    _indicators(structure, years, internal, rng)
    _catalogue_indicators(structure, years, rng)
    _plan_and_committee(structure, manager, years, rng)
    ImprovementProfile.objects.update_or_create(
        structure=structure,
        defaults={
            "approach": APPROACH,
            "publish_transparency": True,
            "publish_survey": questionnaire,
        },
    )
    annual.record_self_assessment(
        structure,
        {f"e{i}": 1 + (i % 3) for i in range(1, 9)},
        by=manager,
        done_on=dt.date(years[1], 2, 1),
    )
    annual.record_self_assessment(
        structure,
        {f"e{i}": 2 + (i % 3 > 0) for i in range(1, 9)},
        by=manager,
        done_on=dt.date(reviewed, 2, 1),
    )
    return reviewed


def _surveys(questionnaire, years, today, rng):
    """Three full years of answers, and the current year's up to today (the results page
    opens on the current year: it shows answers, as a real collection would)."""
    codes = [item.code for item in questionnaire.items.all()]
    conditional = {item.code for item in questionnaire.items.all() if item.condition}

    def answer(day: dt.date, i: int, mood: float, rng: random.Random = rng) -> None:
        values = {}
        for code in codes:
            if code in conditional and rng.random() > 0.15:
                values[code] = None  # not concerned
                continue
            draw = rng.random()
            values[code] = 10 if draw < mood * 0.7 else 8 if draw < mood else rng.choice([4, 5, 6])
        comment = COMMENTS[i % len(COMMENTS)] if rng.random() < 0.3 else ""
        surveys.submit(questionnaire, values, comment=comment, answered_on=day)

    for year, (n, mood) in zip(years, [(120, 0.78), (140, 0.82), (150, 0.86)], strict=True):
        for i in range(n):
            answer(dt.date(year, 1 + (i * 11) % 12, 1 + (i * 7) % 28), i, mood)
    # Drawn apart, so that the rest of the history (register, indicators…) stays the same.
    current = random.Random(today.year)
    elapsed = today.timetuple().tm_yday  # days of the current year so far, today included
    n = max(5, round(150 * elapsed / 365))
    for i in range(n):
        day = dt.date(today.year, 1, 1) + dt.timedelta(days=i * elapsed // n)
        answer(day, i, 0.87, current)


def _register(structure, manager, years, today, rng):
    channels = ["email", "letter", "phone", "counter", "web_form"]
    for year, mix in zip(years, REGISTER_MIX, strict=True):
        for kind, count in mix.items():
            for i in range(count):
                received = dt.date(year, 1 + (i * 5) % 12, 2 + (i * 3) % 25)
                entry, _ = register.create_entry(
                    structure,
                    kind=kind,
                    channel=channels[i % len(channels)],
                    received_on=received,
                    subject=SUBJECTS[kind][i % len(SUBJECTS[kind])],
                    description="Demande reçue et enregistrée par l'accueil.",
                    by=manager,
                )
                late = rng.random() < (0.25 if year == years[0] else 0.12)
                answered = add_days(
                    received, 8 if late else rng.choice([2, 3, 4]), structure.department
                )
                entry = register.transition(
                    entry,
                    "answer",
                    by=manager,
                    version=entry.version,
                    on=answered,
                    answer="Madame, Monsieur, nous vous remercions de votre message…",
                )
                register.transition(entry, "close", by=manager, version=entry.version, on=answered)
    # This year: answered ones, and open ones for the agent (two overdue, three due soon).
    for days_ago, kind in [
        (40, "complaint"),
        (25, "suggestion"),
        (12, "complaint"),
        (9, "complaint"),
        (3, "complaint"),
        (2, "information"),
        (1, "suggestion"),
    ]:
        received = today - dt.timedelta(days=days_ago)
        entry, _ = register.create_entry(
            structure,
            kind=kind,
            channel="email",
            received_on=received,
            subject=SUBJECTS[kind][days_ago % len(SUBJECTS[kind])],
            description="Message reçu par le formulaire de contact.",
            by=manager,
        )
        if days_ago > 20:
            register.transition(
                entry,
                "answer",
                by=manager,
                version=entry.version,
                on=add_days(received, 3, structure.department),
                answer="Nous avons pris en compte votre demande.",
            )


def _trainings(structure, years):
    for theme, counts in TRAININGS:
        for year, n in zip(years, counts, strict=True):
            if n:
                Training.objects.create(
                    structure=structure,
                    year=year,
                    theme=theme,
                    sessions=max(1, n // 6),
                    agents_trained=n,
                )


def _internal_campaign(structure, manager, year):
    """Thirty mystery calls in March and April by the structure's own callers, computed."""
    edition = lifecycle.create_internal_campaign(
        structure,
        name=f"Appels mystères {year}",
        starts=dt.date(year, 3, 2),
        ends=dt.date(year, 4, 30),
        calls=30,
        by=manager,
    )
    _name_callers(edition, structure, manager)
    lifecycle.plan_fieldwork(edition, by=manager)
    edition = lifecycle.advance(edition, by=manager)
    quality = {
        structure.pk: 0.9 + 0.04 * (year % 2)
    }  # a préfecture's committee review: 88 to 99 % satisfactory
    simulate_fieldwork(edition, quality, seed=year)
    edition = lifecycle.advance(edition, by=manager, close_not_done=True)
    edition = lifecycle.advance(edition, by=manager)
    result_set = ResultSet.objects.create(
        edition=edition, version=1, grid=edition.grid, requested_by=manager
    )
    result_set = compute(result_set)
    date_internal_campaign(result_set)
    result_set.refresh_from_db()
    return result_set


def _name_callers(edition, structure, manager):
    """The préfecture's agent and a person invited for its campaigns (the same one every
    year) call; the national auditors never do."""
    for agent in User.objects.filter(
        memberships__structure=structure, memberships__role=Role.AGENT
    ).order_by("pk")[:1]:
        callers.name_caller(edition, agent, by=manager)
    invited = CampaignCaller.objects.filter(edition__owner=structure, invited=True).first()
    if invited is not None:
        callers.name_caller(edition, invited.user, by=manager)
    else:
        caller, _ = callers.invite_caller(
            edition, first_name="Inès", last_name="Appelante", email="", by=manager
        )
        caller.user.set_password(DEMO_PASSWORD)
        caller.user.save(update_fields=["password"])


def _indicators(structure, years, internal, rng):
    def indicator(code, label, **fields):
        # In the dashboard's section of the catalogue indicator of the same code.
        known = sp_indicator_catalogue().get(code)
        fields.setdefault("section", known.section if known else "")
        return Indicator.objects.create(structure=structure, code=code, label=label, **fields)

    def targets(ind, value):
        for year in [*years, years[-1] + 1]:
            IndicatorTarget.objects.create(indicator=ind, year=year, value=value)

    targets(
        indicator(
            "tx-reponse",
            "Taux de réponse aux suggestions et réclamations dans le délai",
            theme="Relation générale",
            engagement="E 3.1",
            source="register_on_time",
            public=True,
            position=1,
        ),
        85,
    )
    targets(
        indicator(
            "delai",
            "Délai moyen de réponse",
            theme="Relation générale",
            unit="days",
            direction="le",
            engagement="E 3.1",
            source="register_delay",
            position=2,
        ),
        5,
    )
    targets(
        indicator(
            "satisfaction",
            "Usagers satisfaits de l'accueil",
            theme="Accueil",
            engagement="E 7",
            source="survey",
            parameter="overall",
            public=True,
            position=3,
        ),
        85,
    )
    targets(
        indicator(
            "standard",
            "Appels mystères : accueil au standard",
            theme="Accueil téléphonique",
            engagement="E 2",
            source="mystery_calls",
            parameter="switchboard",
            position=4,
        ),
        85,
    )
    social = indicator(
        "reseaux",
        "Nombre de connexions par mois sur les réseaux sociaux",
        theme="Information",
        unit="count",
        engagement="E 19.1",
        periodicity="month",
        position=5,
    )
    base = 300_000
    for year in years:
        base = int(base * 1.2)
        for month in range(1, 13):
            IndicatorValue.objects.create(
                indicator=social,
                period=f"{year}-{month:02d}",
                year=year,
                value=int(base * (0.8 + 0.4 * rng.random())),
            )
    targets(social, int(base * 1.1))


# Seed 004's results of 2019, 2020 and 2021, read as the demo's three years: the entered
# indicators of the Services Publics+ catalogue that the demo's other data cannot compute.
SEED_004_RESULTS = {
    "maj-site": (100, 100, 97.4),
    "maj-svi": (100, 100, 100),
    "appels-aboutis": (87, 84, 86),
    "connexions-site": (11, 15, 10),
    "delai-cni": (24, 14, 19),
    "delai-civ": (5, 5, 4),
    "delai-permis": (16.5, 19, 28.5),
    "point-numerique": (42, 35, 26),
    "collectivites-courriers": (50, 100, 100),
    "collectivites-courriels": (100, 100, 98),
    "rdv-4-jours": (77, 100, 96),
    "rdv-10-jours": (75, 100, 97),
}


def _catalogue_indicators(structure, years, rng):
    """Every indicator of the catalogue, as a préfecture's quality dashboard tracks them: those the
    demo computes (register, survey, internal calls) and the others entered per period."""
    created = catalogue.adopt(
        structure, [i.code for i in sp_indicator_catalogue().indicators], year=years[-1] + 1
    )
    for indicator in created:
        for target in indicator.targets.all():  # the same target the three years before
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=indicator, year=year, value=target.value)
                for year in years
            )
        values = SEED_004_RESULTS.get(indicator.code)
        if values is None:
            continue
        for year, value in zip(years, values, strict=True):
            if indicator.periodicity == Indicator.Periodicity.QUARTER:
                for quarter in range(1, 5):
                    IndicatorValue.objects.create(
                        indicator=indicator,
                        period=f"{year}-T{quarter}",
                        year=year,
                        value=round(value * (0.85 + 0.3 * rng.random()), 1),
                    )
            else:
                IndicatorValue.objects.create(
                    indicator=indicator, period=str(year), year=year, value=value
                )


def _plan_and_committee(structure, manager, years, rng):
    members = [
        CommitteeMember.objects.create(structure=structure, name=name, role=role, organisation=org)
        for name, role, org in [
            ("M. Robin", "délégué départemental", "APF France handicap"),
            ("Mme Durand", "présidente", "UFC-Que Choisir du Loiret"),
            ("M. Lefèvre", "administrateur", "Union départementale des associations familiales"),
            ("Mme N'Diaye", "usagère", "Conseil citoyen d'Orléans"),
            ("Mme Battistella", "directrice générale", "CCI du Loiret"),
            ("Mme Lubet", "maire", "Ville de Saint-Denis-en-Val"),
        ]
    ]
    owner = manager.get_full_name()
    for year in years:
        axis, title, said = YOU_SAID[years.index(year)]
        Action.objects.create(
            structure=structure,
            year=year,
            axis=axis,
            title=title,
            owner=owner,
            status="done",
            progress=100,
            done_on=dt.date(year, 6, 30),
            due_on=dt.date(year, 6, 30),
            origin="audit",
            publish=True,
            public_summary=said,
        )
        Action.objects.create(
            structure=structure,
            year=year,
            axis="Accueil physique",
            title=f"Afficher le temps d'attente au guichet ({year})",
            owner=owner,
            status="done",
            progress=100,
            done_on=dt.date(year, 10, 15),
            origin="survey",
        )
        meeting = Meeting.objects.create(
            structure=structure,
            held_on=dt.date(year + 1, 1, 20 + years.index(year)),
            reviewed_year=year,
            chair="M. le secrétaire général de la préfecture",
            agenda="Démarche qualité / dispositif Services Publics+\n"
            f"Amélioration continue : bilan {year}\n"
            f"Plan d'amélioration {year + 1}\nQuestions / réponses",
        )
        meeting.attendees.add(*members)
        Statement.objects.create(
            meeting=meeting,
            speaker="M. Robin (APF France handicap)",
            speaker_role="association",
            question=True,
            position=1,
            text="Proposer en premier choix du serveur vocal un accès direct à un agent.",
            answer="Idée intéressante : une réflexion sera menée avec le "
            "prestataire de téléphonie.",
        )
        Statement.objects.create(
            meeting=meeting,
            speaker="Mme Durand (UFC-Que Choisir)",
            speaker_role="association",
            position=2,
            text="Les délais de réponse aux courriels se sont nettement améliorés.",
        )
        current = year + 1 >= timezone.localdate().year
        decision = Decision.objects.create(
            meeting=meeting, text=f"Étudier un accès prioritaire au standard ({year + 1})"
        )
        action = Action.objects.create(
            structure=structure,
            year=year + 1,
            axis="Accueil téléphonique",
            title=decision.text,
            owner=owner,
            origin="committee",
            status="in_progress" if current else "done",
            progress=40 if current else 100,
            done_on=None if current else dt.date(year + 1, 11, 30),
            due_on=dt.date(year + 1, 12, 15),
        )
        Decision.objects.filter(pk=decision.pk).update(action=action)
    Action.objects.create(
        structure=structure,
        year=years[-1] + 1,
        axis="Information",
        title="Refondre la page « Démarches » du site",
        owner=owner,
        due_on=dt.date(years[-1] + 1, 12, 31),
        origin="audit",
    )
