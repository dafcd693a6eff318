import datetime as dt
import zoneinfo

import pytest

from barometre.campaigns import lifecycle, transfer
from barometre.campaigns.models import Answer, AuditTask, Edition
from barometre.campaigns.transfer import (
    answers_frame,
    apply_audit_import,
    export_audits,
    plan_audit_import,
)
from barometre.core import uploads
from barometre.engine import InputRejected, RankingOptions, score_edition
from barometre.structures.models import ContactPoint

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
QUICK = RankingOptions(resamples=20, min_channels=1, min_coverage=0)

PHONE = {
    "phone.number_consistent": "oui",
    "phone.answered": "oui",
    "phone.answered_first_attempt": "non",
    "phone.rings": "4",
    "phone.ivr_clear": "sans objet",
    "phone.wait_seconds": "75",
    "phone.greeting_service": "oui",
    "phone.agent_name": "non",
    "phone.courtesy": "good",
    "phone.listening": "oui",
    "phone.transfer_announced": "sans objet",
    "phone.transfer_answered": "sans objet",
    "phone.answer_quality": "partial",
    "phone.clear_language": "oui",
    "phone.closing": "oui",
    "phone.complaint_orientation": "sans objet",
    "phone.observations": "=SOMME(A1)",
}
EMAIL = {
    "email.address_findable": "oui",
    "email.form_works": "oui",
    "email.acknowledgement": "non",
    "email.replied": "oui",
    "email.personalised_greeting": "oui",
    "email.courtesy": "oui",
    "email.answer_quality": "complete",
    "email.clear": "oui",
    "email.signature": "non",
    "email.redirection": "sans objet",
    "email.complaint_handled": "sans objet",
}


def _fill(edition, structure, channel, answers, n, sent=None, replied=None):
    for i in range(n):
        task = AuditTask.objects.create(
            edition=edition,
            structure=structure,
            channel=channel,
            sequence=i + 1,
            scheduled_at=dt.datetime(2025, 5, 6 + i, 10, tzinfo=PARIS),
            status="validated",
            sent_at=sent,
            replied_at=replied,
        )
        Answer.objects.bulk_create(
            Answer(task=task, criterion=c, value=v) for c, v in answers.items()
        )


@pytest.fixture
def filled(edition, operator, structure_a, structure_b):
    ContactPoint.objects.create(structure=structure_b, channel="email", value="metz@example.fr")
    ContactPoint.objects.create(structure=structure_b, channel="phone", value="03 87 00 00 00")
    for structure in (structure_a, structure_b):
        lifecycle.enrol(edition, structure, by=operator)
    _fill(edition, structure_a, "phone", PHONE, 3)
    _fill(edition, structure_b, "phone", PHONE | {"phone.rings": "2"}, 2)
    _fill(
        edition,
        structure_b,
        "email",
        EMAIL,
        2,
        sent=dt.datetime(2025, 5, 16, 9, tzinfo=PARIS),
        replied=dt.datetime(2025, 5, 21, 11, tzinfo=PARIS),
    )
    # Every audit validated: the edition has reached its results phase.
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RESULTS)
    edition.refresh_from_db()
    return edition


def _globals(edition):
    result = score_edition(edition.grid.parsed(), answers_frame(edition), options=QUICK)
    return dict(result.structures.select("structure", "global").iter_rows())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_and_reimporting_gives_the_same_scores(
    filled, grid, operator, structure_a, structure_b, fmt
):
    before = _globals(filled)
    assert set(before) == {"13000548700017", "57463"}
    content = export_audits(filled, fmt)
    other = lifecycle.create_edition(
        year=2026,
        name="Contrôle",
        grid=grid,
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=operator,
    )
    for structure in (structure_a, structure_b):
        lifecycle.enrol(other, structure, by=operator)
    plan = plan_audit_import(other, content, f"audits.{fmt}")
    assert plan.problems == []
    assert apply_audit_import(other, plan, by=operator) == {"created": 7, "updated": 0}
    AuditTask.objects.filter(edition=other).update(status="validated")
    assert _globals(other) == pytest.approx(before)
    # Re-importing the same file updates the same audits.
    assert apply_audit_import(
        other, plan_audit_import(other, content, f"a.{fmt}"), by=operator
    ) == {"created": 0, "updated": 7}
    # The e-mail delay was computed from the two dates (16 → 21 May: 3 working days).
    assert AuditTask.objects.filter(edition=other, channel="email").first().replied_at


def test_a_bad_file_is_reported_row_by_row_and_writes_nothing(filled, operator, auditor):
    header = "structure;canal;audit;enqueteur;critere;valeur\r\n"
    rows = (
        "57463;phone;X1;elie;phone.answered;peut-être\r\n"
        "99999;phone;X2;;phone.answered;oui\r\n"
        "57463;phone;X3;personne;phone.answered;oui\r\n"
    )
    plan = plan_audit_import(filled, (header + rows).encode("cp1252"), "audits.csv")
    assert [str(p) for p in plan.problems] == [
        "Ligne 2, colonne « value » (valeur « peut-être ») : oui, non ou sans objet attendu",
        "Ligne 3, colonne « structure » (valeur « 99999 ») : structure non inscrite à cette "
        "édition",
        "Ligne 4, colonne « enqueteur » (valeur « personne ») : enquêteur inconnu de la plateforme",
    ]
    before = AuditTask.objects.count()
    with pytest.raises(InputRejected):
        apply_audit_import(filled, plan, by=operator)
    assert AuditTask.objects.count() == before


def test_exports_neutralise_formulas(filled):
    text = export_audits(filled, "csv").decode("utf-8-sig")
    assert ";'=SOMME(A1);" in text


def test_the_command_line_checks_then_imports(filled, tmp_path, operator):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "audits.csv"
    path.write_bytes(export_audits(filled, "csv"))
    AuditTask.objects.filter(edition=filled).delete()
    out = io.StringIO()
    call_command("import_audits", str(filled.pk), str(path), stdout=out)
    assert "7 audits valides." in out.getvalue() and not AuditTask.objects.exists()
    answers = sum(
        len(a["answers"])
        for a in plan_audit_import(filled, path.read_bytes(), "a.csv").audits.values()
    )
    assert f"7 audits et {answers} réponses lus dans le fichier." in out.getvalue()
    call_command("import_audits", str(filled.pk), str(path), "--commit", stdout=out)
    assert AuditTask.objects.filter(edition=filled, status="submitted").count() == 7
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"structure;canal\r\n")
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_audits", str(filled.pk), str(bad), "--commit", stdout=out)


def test_the_operator_downloads_the_audits(client_for, operator, filled):
    from django.urls import reverse

    response = client_for(operator).get(
        reverse("campaigns:edition_export", args=[filled.pk]), {"format": "csv"}
    )
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.streaming  # rows leave as they are read
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "phone.answer_quality;partial" in text
    assert text.encode("utf-8-sig") == export_audits(filled, "csv")


def test_the_web_import_checks_then_writes_once(client_for, filled, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    content = export_audits(filled, "xlsx")
    AuditTask.objects.filter(edition=filled).delete()
    client = client_for(operator)
    upload = {"file": SimpleUploadedFile("audits.xlsx", content)}
    url = reverse("campaigns:audit_import", args=[filled.pk])
    response = client.post(url, upload, follow=True)
    assert "Le fichier est valide : 7 audits." in response.text
    assert not AuditTask.objects.exists()
    confirm = response.redirect_chain[-1][0]
    client.post(confirm)
    client.post(confirm)  # a double click
    assert AuditTask.objects.filter(edition=filled).count() == 7


def test_an_editions_own_export_imports_back_in_a_few_statements(
    monkeypatch, filled, operator, django_assert_max_num_queries
):
    # Before, SQLite refused a file of more answers than SQLITE_MAX_WRITES, even as a
    # dry run; the write is now in bulk, its statements independent of the audits' count.
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 3)
    before = {
        task.pk: {a.criterion: a.value for a in task.answers.all()}
        for task in AuditTask.objects.filter(edition=filled)
    }
    plan = plan_audit_import(filled, export_audits(filled, "csv"), "audits.csv")
    assert plan.problems == [] and len(plan.audits) == 7
    with django_assert_max_num_queries(12):
        assert apply_audit_import(filled, plan, by=operator) == {"created": 0, "updated": 7}
    tasks = AuditTask.objects.filter(edition=filled)
    assert {t.pk: {a.criterion: a.value for a in t.answers.all()} for t in tasks} == before
    assert {(t.status, t.version) for t in tasks} == {("submitted", 2)}


def test_a_failure_during_the_write_leaves_nothing_visible(monkeypatch, filled, operator):
    plan = plan_audit_import(filled, export_audits(filled, "csv"), "audits.csv")
    answers = Answer.objects.count()

    insert_rows = transfer.insert_rows

    def broken(model, objects):
        if model is Answer:  # the audits are written, their answers fail
            raise RuntimeError("disque plein")
        return insert_rows(model, objects)

    monkeypatch.setattr(transfer, "insert_rows", broken)
    with pytest.raises(RuntimeError):
        apply_audit_import(filled, plan, by=operator)
    tasks = AuditTask.objects.filter(edition=filled)
    assert {(t.status, t.version) for t in tasks} == {("validated", 1)}
    assert Answer.objects.count() == answers


def test_a_double_coding_imported_with_its_original_points_to_it(filled, operator, auditor):
    header = "structure;canal;audit;enqueteur;critere;valeur;double_de\r\n"
    rows = "57463;phone;X1;;phone.answered;oui;\r\n57463;phone;X2;;phone.answered;non;X1\r\n"
    plan = plan_audit_import(filled, (header + rows).encode(), "audits.csv")
    assert plan.problems == []
    assert apply_audit_import(filled, plan, by=operator) == {"created": 2, "updated": 0}
    original = AuditTask.objects.get(external_id="X1")
    double = AuditTask.objects.get(external_id="X2")
    assert (double.double_of, original.double_of) == (original, None)
    assert original.sequence == 3  # after the two phone audits already there
    assert [a.value for a in double.answers.all()] == ["non"]
