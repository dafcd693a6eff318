import io

import pytest
from django.core.management import CommandError, call_command

from barometre.improvement.experiences import (
    ExperiencesRefused,
    apply_experiences,
    plan_experiences,
)
from barometre.improvement.models import FeedbackEntry
from tests.html import shown

pytestmark = pytest.mark.django_db
MAX = 1024 * 1024
HEADER = [
    "id_experience",
    "etat_experience",
    "ecrit_le",
    "date_de_publication",
    "titre",
    "description",
    "intitule_structure_1",
    "reponse_structure_1",
    "date_de_reponse_structure_1",
    "ressenti",
]
ROWS = [
    [
        "48213",
        "Publiée",
        "2025-03-02T10:12:00+01:00",
        "2025-03-04",
        "Accueil très aimable",
        "On m'a aidé à remplir mon dossier.",
        "Préfecture du Loiret - accueil",
        "",
        "",
        "Positif",
    ],
    [
        "48214",
        "Répondue",
        "05/03/2025",
        "07/03/2025",
        "Attente trop longue",
        "Deux heures d'attente au guichet.",
        "Préfecture du Loiret",
        "Nous renforçons l'accueil.",
        "10/03/2025",
        "négatif",
    ],
]


def csv_bytes(rows=ROWS, header=HEADER) -> bytes:
    return "\n".join(";".join(r) for r in [header, *rows]).encode()


def plan(structure, content=None):
    return plan_experiences(content or csv_bytes(), "experiences.csv", structure, max_bytes=MAX)


def test_experiences_enter_the_register_once(structure_a):
    checked = plan(structure_a)
    assert checked.problems == []
    assert apply_experiences(checked, structure_a) == {"create": 2, "answer": 0, "unchanged": 0}
    entries = {e.subject: e for e in FeedbackEntry.objects.filter(structure=structure_a)}
    kind = entries["Accueil très aimable"]
    assert (kind.kind, kind.channel, kind.feeling, kind.status) == (
        "experience",
        "web_form",
        "positive",
        "received",
    )
    assert kind.service == "Préfecture du Loiret - accueil"
    assert str(kind.received_on) == "2025-03-02"
    answered = entries["Attente trop longue"]
    assert (answered.status, answered.answer) == ("answered", "Nous renforçons l'accueil.")
    assert str(answered.answered_on) == "2025-03-10"
    again = plan(structure_a)
    assert apply_experiences(again, structure_a) == {"create": 0, "answer": 0, "unchanged": 2}
    assert FeedbackEntry.objects.count() == 2


def test_an_experience_answered_since_gets_its_answer(structure_a):
    apply_experiences(plan(structure_a), structure_a)
    rows = [[*ROWS[0][:7], "Merci pour votre retour.", "06/03/2025", "Positif"], ROWS[1]]
    checked = plan(structure_a, csv_bytes(rows))
    assert apply_experiences(checked, structure_a) == {"create": 0, "answer": 1, "unchanged": 1}
    entry = FeedbackEntry.objects.get(subject="Accueil très aimable")
    assert (entry.status, entry.answer) == ("answered", "Merci pour votre retour.")
    assert entry.events.filter(action="answer").exists()


def test_one_bad_row_refuses_the_file(structure_a):
    rows = [ROWS[0], [*ROWS[1][:2], "32/13/2025", *ROWS[1][3:9], "furieux"]]
    checked = plan(structure_a, csv_bytes(rows))
    assert [str(p) for p in checked.problems] == [
        "Ligne 3, colonne « ecrit_le » (valeur « 32/13/2025 ») : date attendue au format "
        "jj/mm/aaaa",
        "Ligne 3, colonne « ressenti » (valeur « furieux ») : ressenti attendu : négatif, neutre "
        "ou positif",
    ]
    with pytest.raises(ExperiencesRefused):
        apply_experiences(checked, structure_a)
    assert not FeedbackEntry.objects.exists()


def test_the_command_is_a_dry_run_without_commit(tmp_path, structure_a):
    path = tmp_path / "experiences.csv"
    path.write_bytes(csv_bytes())
    out = io.StringIO()
    call_command("import_experiences", str(path), "--structure", structure_a.identifier, stdout=out)
    assert "2 expériences pour la Préfecture du Loiret : 2 nouvelles" in out.getvalue()
    assert not FeedbackEntry.objects.exists()
    call_command(
        "import_experiences",
        str(path),
        "--structure",
        structure_a.identifier,
        "--commit",
        stdout=out,
    )
    assert FeedbackEntry.objects.filter(kind="experience").count() == 2
    with pytest.raises(CommandError, match="Aucune structure"):
        call_command("import_experiences", str(path), "--structure", "99999", stdout=out)


def test_the_register_page_checks_then_imports(client_for, manager_a, structure_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(manager_a)
    url = reverse("improvement:experiences_import", args=[structure_a.pk])
    assert url in client.get(reverse("improvement:entries", args=[structure_a.pk])).text
    checked = client.post(url, {"file": SimpleUploadedFile("experiences.csv", csv_bytes())})
    assert "2 expériences : 2 nouvelles" in shown(checked.text)
    assert not FeedbackEntry.objects.exists()
    upload = SimpleUploadedFile("experiences.csv", csv_bytes())
    done = client.post(url, {"file": upload, "commit": "on"})
    assert done.url == reverse("improvement:entries", args=[structure_a.pk])
    assert FeedbackEntry.objects.filter(structure=structure_a, kind="experience").count() == 2


def test_a_manager_of_another_structure_cannot_import(client_for, manager_b, structure_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("improvement:experiences_import", args=[structure_a.pk])
    upload = SimpleUploadedFile("experiences.csv", csv_bytes())
    response = client_for(manager_b).post(url, {"file": upload, "commit": "on"})
    assert response.status_code == 404
    assert not FeedbackEntry.objects.exists()
