"""Names in free text are masked once, when the text is stored: the register entries keep
a masked copy of their texts beside them, written by the functions that store the texts;
those who may not see the texts read the copy; `remask-texts` makes the copies again."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from barometre.improvement import annual, register, remasking, surveys
from barometre.improvement.models import (
    Decision,
    FeedbackEntry,
    Meeting,
    Statement,
    SurveyResponse,
)

# Masking names loads the French model (a few seconds, once per process).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIGNED = "J'attends depuis trois semaines. Rappelez-moi. Jeanne Martin"


def _entry(structure, **fields):
    entry, _ = register.create_entry(
        structure,
        kind="complaint",
        channel="email",
        received_on=timezone.localdate(),
        subject=fields.pop("subject", "Signé : Paul DUPONT"),
        description=fields.pop("description", SIGNED),
        **fields,
    )
    return entry


def test_a_name_without_civility_is_masked_for_those_who_do_not_handle_the_entry(structure_a):
    entry = _entry(structure_a)
    shown = register.masked(entry)
    assert shown.subject == "Signé : [nom masqué]"
    assert shown.description == "J'attends depuis trois semaines. Rappelez-moi. [nom masqué]"
    assert "Martin" not in shown.description and "DUPONT" not in shown.subject


def test_the_copy_is_stored_with_the_text_and_read_without_masking_again(structure_a, monkeypatch):
    entry = _entry(structure_a, description="Reçu à la Mairie d'Orléans par Kevin.")
    stored = FeedbackEntry.objects.get(pk=entry.pk)
    assert stored.description_masked == "Reçu à la Mairie d'Orléans par [nom masqué]."
    assert stored.description == "Reçu à la Mairie d'Orléans par Kevin."

    def no_masking(*args, **kwargs):
        raise AssertionError("masked again at display")

    monkeypatch.setattr(register, "mask_names", no_masking)
    monkeypatch.setattr(register, "mask_personal_data", no_masking)
    assert register.masked(stored).description == stored.description_masked


def test_the_answer_and_a_new_subject_get_their_copies(structure_a, manager_a):
    entry = _entry(structure_a)
    entry = register.transition(
        entry,
        "answer",
        by=manager_a,
        version=entry.version,
        answer="Bonjour, Sophie Lefèvre du service urbanisme vous rappellera.",
    )
    assert entry.answer_masked == "Bonjour, [nom masqué] du service urbanisme vous rappellera."
    entry = register.edit(
        entry, by=manager_a, version=entry.version, subject="Plainte de Gérard Lebrun"
    )
    assert entry.subject_masked == "Plainte de [nom masqué]"


def test_a_text_stored_before_its_copy_is_masked_by_the_rules_until_remasked(structure_a):
    entry = _entry(structure_a, description="Écrire à jeanne@example.fr. Jeanne Martin")
    FeedbackEntry.objects.filter(pk=entry.pk).update(
        subject_masked="", description_masked="", answer_masked=""
    )
    entry.refresh_from_db()
    # Before the command: the rules alone (no leak of the address, the name stays).
    assert register.masked(entry).description == "Écrire à [courriel masqué]. Jeanne Martin"
    out = io.StringIO()
    call_command("remask_texts", "--missing", stdout=out)
    assert "1 fiche," in out.getvalue()
    entry.refresh_from_db()
    assert entry.description_masked == "Écrire à [courriel masqué]. [nom masqué]"


def test_remask_makes_every_copy_again_when_the_rules_change(
    structure_a, questionnaire, monkeypatch
):
    entry = _entry(structure_a)
    surveys.submit(questionnaire, {"overall": 9}, comment="Accueil parfait, merci à Nadia.")
    assert SurveyResponse.objects.get().comment == "Accueil parfait, merci à [nom masqué]."
    # New rules: « parfait » is now masked too.
    monkeypatch.setattr(
        register, "mask_names", lambda text: text.replace("trois semaines", "[masqué]")
    )
    monkeypatch.setattr(remasking, "mask_names", lambda text: text.replace("parfait", "[masqué]"))
    steps = []
    counts = remasking.remask(batch=1, progress=lambda done, total: steps.append((done, total)))
    assert counts == {"feedback": 1, "minutes": 0, "comments": 1}
    assert steps == [(1, 2), (2, 2)]
    entry.refresh_from_db()
    assert entry.description_masked == "J'attends depuis [masqué]. Rappelez-moi. Jeanne Martin"
    assert SurveyResponse.objects.get().comment == "Accueil [masqué], merci à [nom masqué]."
    # Nothing changed since: nothing written.
    assert remasking.remask() == {"feedback": 0, "minutes": 0, "comments": 0}


def test_the_minutes_keep_their_masked_copies_and_show_them(structure_a, monkeypatch):
    meeting = Meeting.objects.create(
        structure=structure_a,
        held_on=timezone.localdate(),
        agenda="Bilan",
        reviewed_year=timezone.localdate().year - 1,
    )
    statement = Statement.objects.create(
        meeting=meeting,
        speaker="Mme Roux (UNAF)",
        text="Le dossier de Gérard Lebrun attend depuis mars.",
        answer="Sophie Lefèvre le rappellera.",
    )
    decision = Decision.objects.create(meeting=meeting, text="Rappeler Paul DUPONT en mai")
    assert statement.text_masked == "Le dossier de [nom masqué] attend depuis mars."
    assert decision.text_masked == "Rappeler [nom masqué] en mai"
    decision.text = "Écrire à Jeanne Martin"
    decision.save(update_fields=["text"])
    decision.refresh_from_db()
    assert decision.text_masked == "Écrire à [nom masqué]"
    monkeypatch.setattr(annual, "mask_personal_data", None)  # read, not masked again
    shown = annual.masked_minutes(Statement.objects.get(pk=statement.pk))
    assert (shown.text, shown.answer) == (
        "Le dossier de [nom masqué] attend depuis mars.",
        "[nom masqué] le rappellera.",
    )
    Statement.objects.filter(pk=statement.pk).update(text_masked="", answer_masked="")
    Decision.objects.filter(pk=decision.pk).update(text_masked="")
    assert remasking.remask(only_missing=True) == {"feedback": 0, "minutes": 2, "comments": 0}
    assert Statement.objects.get(pk=statement.pk).answer_masked == "[nom masqué] le rappellera."
