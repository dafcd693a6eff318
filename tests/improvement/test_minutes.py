"""Committee minutes in one page (seed 004 records about fifteen interventions): any number
of interventions, each with its speaker's role, and decisions; rows added without losing
what was typed; listed in order in the annual review."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from barometre.improvement import annual
from barometre.improvement.models import (
    SPEAKER_ROLE_IN_MINUTES,
    CommitteeMember,
    Meeting,
    SpeakerRole,
)

pytestmark = pytest.mark.django_db

# Seed 004's committee of 24 January 2023, in order.
SEED_004 = [
    ("Mme Battistella (DG CCI)", "partner", "Propose que la CCI relaie les informations."),
    ("M. Lemaire (SG Préfecture)", "chair", "Donne son accord sur cette proposition."),
    ("M. Robin (APF)", "association", "Proposer en premier choix un lien direct vers un agent."),
    ("M. Lemaire (SG Préfecture)", "chair", "Demande si c'est fait ailleurs."),
    ("M. Robin (APF)", "association", "Les jeunes trouvent que les SVI créent une exclusion."),
    ("M. Lemaire (SG Préfecture)", "chair", "Il faudra mener une réflexion."),
    ("Mme Huet (présidente AFOC45)", "association", "Un QR code envoie les réclamations."),
    ("Mme Lelyon (Com Préfecture)", "agent", "Le site reste identique visuellement."),
    ("M. Robin (APF)", "association", "Y a-t-il eu un audit d'accessibilité du site ?"),
    ("Mme Raveneau (Com Préfecture)", "agent", "Pas d'enquête fine ; mention en pied de page."),
    ("Mme Zanelli (DDPP)", "partner", "Nous mettons aussi des informations en ligne."),
    ("Mme Bligny (DDT)", "partner", "Le questionnaire de suivi sera-t-il identique ?"),
    ("Mme Lubet (Maire de Saint-Denis-en-Val)", "elected", "Peut-on améliorer les délais ?"),
    ("M. Guyader (DCL préfecture)", "agent", "Certaines destinations exigent six mois."),
    ("M. Thouvenin (Maire de Villorceau)", "elected", "L'allocation sera-t-elle plus élevée ?"),
]


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _post(statements, decisions) -> dict:
    data = {
        "held_on": "2023-01-24",
        "title": "Comité local des usagers",
        "chair": "M. Benoît Lemaire, secrétaire général",
        "reviewed_year": "2022",
        "agenda": "Démarche qualité\nBilan 2022\nPlan 2023\nQuestions / réponses",
        **_management("statements", len(statements)),
        **_management("decisions", len(decisions)),
    }
    for i, (speaker, role, text) in enumerate(statements):
        data |= {
            f"statements-{i}-speaker": speaker,
            f"statements-{i}-speaker_role": role,
            f"statements-{i}-text": text,
        }
    for i, text in enumerate(decisions):
        data[f"decisions-{i}-text"] = text
    return data


def test_fifteen_interventions_and_three_decisions_in_one_save(client_for, manager_a, structure_a):
    decisions = [
        "Relayer les informations par la CCI",
        "Étudier un accès prioritaire",
        "Renvoyer vers les sites consulaires",
    ]
    response = client_for(manager_a).post(
        reverse("improvement:meeting_create", args=[structure_a.pk]),
        _post(SEED_004, decisions),
        follow=True,
    )
    assert "Réunion enregistrée." in response.text
    meeting = Meeting.objects.get(structure=structure_a)
    saved = list(meeting.statements.values_list("position", "speaker", "speaker_role", "text"))
    assert saved == [(i, *row) for i, row in enumerate(SEED_004, start=1)]
    assert [d.text for d in meeting.decisions.all()] == decisions
    # The annual review lists every intervention in order, with its speaker's role.
    review = annual.annual_review(structure_a, 2022)
    assert [s.speaker for s in review.statements] == [row[0] for row in SEED_004]
    page = client_for(manager_a).get(reverse("improvement:review", args=[structure_a.pk, 2022]))
    text = page.text
    positions = [
        text.index(escape(f", {SPEAKER_ROLE_IN_MINUTES[SpeakerRole(role)]} : {said}"))
        for _, role, said in SEED_004
    ]
    assert positions == sorted(positions)
    assert "Mme Lubet (Maire de Saint-Denis-en-Val)</strong>, élu : Peut-on" in text
    # The capacity follows the name without a second pair of brackets.
    assert "Mme Battistella (DG CCI)</strong>, partenaire : Propose" in text
    assert "(partenaire (" not in text and "l&#x27;état" not in text


def test_members_are_named_with_their_qualite_in_the_minutes_and_the_review(
    client_for, manager_a, structure_a
):
    robin = CommitteeMember.objects.create(
        structure=structure_a, name="M. Robin", role="délégué", organisation="APF"
    )
    CommitteeMember.objects.create(structure=structure_a, name="Mme Huet", organisation="AFOC45")
    meeting = Meeting.objects.create(
        structure=structure_a, held_on="2023-01-24", reviewed_year=2022, agenda="Bilan 2022"
    )
    meeting.attendees.add(robin)
    client = client_for(manager_a)
    members = client.get(reverse("improvement:committee", args=[structure_a.pk])).text
    assert "<td>délégué</td>" in members
    shown = client.get(reverse("improvement:meeting", args=[structure_a.pk, meeting.pk])).text
    assert "<li>M. Robin (délégué, APF)</li>" in shown
    review = client.get(reverse("improvement:review", args=[structure_a.pk, 2022])).text
    assert "Membres du comité présents" in review
    assert "<li>M. Robin (délégué, APF)</li>" in review
    assert "Mme Huet" not in review  # not present at that meeting
    assert str(CommitteeMember(name="Mme Huet", organisation="AFOC45")) == "Mme Huet (AFOC45)"


def test_adding_a_row_without_javascript_keeps_what_was_typed(client_for, manager_a, structure_a):
    data = _post(SEED_004[:2], ["Relayer les informations"]) | {"add": "statements"}
    response = client_for(manager_a).post(
        reverse("improvement:meeting_create", args=[structure_a.pk]), data
    )
    assert response.status_code == 200 and not Meeting.objects.exists()
    page = response.text
    assert "Donne son accord sur cette proposition." in page
    assert "Relayer les informations" in page
    assert 'name="statements-2-speaker"' in page  # the third row, empty
    assert 'name="statements-TOTAL_FORMS" value="3"' in page
    assert "Rien n'a été enregistré" not in page  # not an error: a row was asked for


def test_a_removed_row_is_dropped_and_the_others_renumbered(client_for, manager_a, structure_a):
    client = client_for(manager_a)
    url = reverse("improvement:meeting_create", args=[structure_a.pk])
    client.post(url, _post(SEED_004[:3], []))
    meeting = Meeting.objects.get()
    ids = list(meeting.statements.values_list("pk", flat=True))
    data = _post(SEED_004[:3], []) | _management("statements", 4, initial=3)
    for i, pk in enumerate(ids):
        data[f"statements-{i}-id"] = str(pk)
        data[f"statements-{i}-meeting"] = str(meeting.pk)
    data["statements-1-DELETE"] = "on"
    data |= {
        "statements-3-speaker": "M. Robin (APF)",
        "statements-3-speaker_role": "association",
        "statements-3-text": "Merci.",
    }
    client.post(reverse("improvement:meeting_edit", args=[structure_a.pk, meeting.pk]), data)
    assert list(meeting.statements.values_list("position", "text")) == [
        (1, SEED_004[0][2]),
        (2, SEED_004[2][2]),
        (3, "Merci."),
    ]


def test_each_intervention_needs_its_speakers_role(client_for, manager_a, structure_a):
    data = _post([("M. Robin (APF)", "", "Sans qualité.")], [])
    response = client_for(manager_a).post(
        reverse("improvement:meeting_create", args=[structure_a.pk]), data
    )
    assert "Rien n'a été enregistré" in response.text and not Meeting.objects.exists()


def test_another_structure_cannot_write_the_minutes(client_for, manager_b, structure_a):
    response = client_for(manager_b).post(
        reverse("improvement:meeting_create", args=[structure_a.pk]), _post(SEED_004, [])
    )
    assert response.status_code == 404 and not Meeting.objects.exists()
