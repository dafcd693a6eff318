import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from barometre.core.exporting import write_csv
from barometre.results.computing import publish
from barometre.results.exports import tables
from tests.results.test_awards import published  # noqa: F401

pytestmark = pytest.mark.django_db


def test_results_export_as_a_workbook_with_every_table(client_for, operator, computed):
    url = reverse("results:export", args=[computed.edition_id, computed.version])
    content = client_for(operator).get(url).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == [
        "Structures",
        "Canaux",
        "Étapes",
        "Déterminants",
        "Critères",
        "Chiffres clés",
        "Palmarès",
    ]
    structures = book.get_sheet_by_name("Structures").to_python()
    assert structures[0][:4] == ["identifiant", "structure", "categorie", "score_sur_100"]
    assert {row[0] for row in structures[1:]} == {"13000548700017", "57463"}
    channels = book.get_sheet_by_name("Canaux").to_python()
    assert channels[0] == ["identifiant", "structure", "canal", "libelle", "score_sur_100"]
    assert {(row[2], row[3]) for row in channels[1:]} == {
        ("phone", "Téléphone"),
        ("email", "Courriel ou formulaire"),
    }
    determinants = book.get_sheet_by_name("Déterminants").to_python()
    assert ("courtesy", "Courtoisie") in {(row[2], row[3]) for row in determinants[1:]}
    stages = book.get_sheet_by_name("Étapes").to_python()
    assert ("access", "Accès : trouver et joindre le service") in {
        (row[2], row[3]) for row in stages[1:]
    }
    criteria = book.get_sheet_by_name("Critères").to_python()
    assert criteria[0] == ["identifiant", "structure", "critere", "libelle", "points_0_a_1"]
    assert all(row[3] for row in criteria[1:])  # every criterion with its French label


@time_machine.travel(dt.datetime(2026, 5, 28, 14, 30, 12, tzinfo=dt.UTC), tick=False)
def test_the_csv_files_are_dated_when_written_and_compressed(client_for, operator, computed):
    url = reverse("results:export", args=[computed.edition_id, computed.version])
    response = client_for(operator).get(url, {"format": "csv"})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    entries = archive.infolist()
    assert len(entries) > 1
    # Paris time, not 01/01/1980 (seconds are stored to the even second).
    assert {e.date_time for e in entries} == {(2026, 5, 28, 16, 30, 12)}
    assert {e.compress_type for e in entries} == {zipfile.ZIP_DEFLATED}


def test_csv_on_request_is_a_zip_of_french_csv_files(client_for, operator, computed):
    url = reverse("results:export", args=[computed.edition_id, computed.version])
    response = client_for(operator).get(url, {"format": "csv"})
    assert response.streaming  # the first tables leave while the next are written
    content = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    assert "structures.csv" in archive.namelist() and "chiffres-cles.csv" in archive.namelist()
    text = archive.read("structures.csv")
    assert text.startswith(b"\xef\xbb\xbf") and b";" in text.splitlines()[0]
    assert b"," in text.splitlines()[1]  # decimal comma
    for title, columns, rows in tables(computed):  # each file as written on its own
        name = title.lower().replace("é", "e").replace("è", "e").replace(" ", "-") + ".csv"
        assert archive.read(name) == write_csv(columns, rows)


def test_open_data_is_public_only_once_published(client, operator, computed):
    url = reverse("results:open_data", args=[computed.edition_id])
    schema_url = reverse("results:open_data_schema", args=[computed.edition_id])
    assert client.get(url).status_code == 404
    publish(computed, by=operator)
    text = client.get(url).content.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    schema = json.loads(client.get(schema_url).content)
    assert header == [field["name"] for field in schema["fields"]]
    assert "phone_first_attempt" in text
    assert "Préfecture" not in text and "Metz" not in text  # aggregates only
    # Both categories hold a single structure, France two: below the disclosure
    # threshold, no score of theirs is published (docs/scoring.md §7).
    assert "Villes de plus de 50 000" not in text and "Services de l" not in text
    assert "score_moyen" not in text
    numbers = [f for f in schema["fields"] if f["type"] == "number"]
    assert numbers and all(f["decimalChar"] == "," for f in numbers)


RINGS = {
    "id": "phone_mean_rings",
    "label": "Nombre moyen de sonneries des appels aboutis",
    "unit": "sonneries",
    "value": 2.6889,
    "low": 2.57,
    "high": 2.81,
    "numerator": 1893.0,
    "denominator": 704,
}
FEW = {
    "id": "email_answered",
    "label": "Courriels ayant reçu une réponse",
    "unit": "%",
    "value": 1.0,
    "low": 0.34,
    "high": 1.0,
    "numerator": 2,
    "denominator": 2,
}


def _csv_rows(content: bytes) -> dict[tuple[str, str], dict]:
    lines = content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    rows = [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]
    return {(row["perimetre"], row["indicateur"]): row for row in rows}


def test_open_data_counts_what_each_value_was_computed_from(fabricate):
    from barometre.results.exports import open_data_csv

    result_set = fabricate(12)  # 12 structures, 3 of them certified, in each scope
    result_set.stored_key_figures = [RINGS, FEW]
    result_set.save()
    rows = _csv_rows(open_data_csv(result_set))
    national = rows[("national", "score_moyen")]
    assert (national["valeur"], national["effectif"], national["diffusion"]) == ("62,0", "12", "")
    # The certified mean is over the 3 certified structures, not the 12 participants,
    # and 3 is under the minimum of 5: not published.
    certified = rows[("national", "score_moyen_labellisees")]
    assert (certified["valeur"], certified["effectif"]) == ("", "3")
    assert certified["diffusion"] == "effectif insuffisant (n = 3)"
    others = rows[("national", "score_moyen_non_labellisees")]
    assert (others["valeur"], others["effectif"]) == ("60,0", "9")
    # A mean of rings counts the answered calls it averaged; 2 e-mails are too few.
    assert rows[("national", "phone_mean_rings")]["effectif"] == "704"
    few = rows[("national", "email_answered")]
    assert (few["valeur"], few["ic95_bas"], few["effectif"]) == ("", "", "2")
    assert few["diffusion"] == "effectif insuffisant (n = 2)"


def test_the_workbook_does_not_export_small_samples_as_values(fabricate, settings):
    from barometre.results.exports import export_results

    result_set = fabricate(6)
    result_set.stored_key_figures = [RINGS, FEW]
    result_set.save()
    result_set.structures.filter(pk=result_set.structures.order_by("pk").first().pk).update(
        audits=3
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(result_set)))
    structures = book.get_sheet_by_name("Structures").to_python()
    header = structures[0]
    small = [row for row in structures[1:] if row[header.index("audits")] == 3]
    assert small[0][header.index("score_sur_100")] == "effectif insuffisant (n = 3)"
    figures = book.get_sheet_by_name("Chiffres clés").to_python()
    header = figures[0]
    assert header[:3] == ["indicateur", "nature", "valeur"]
    by_label = {row[0]: dict(zip(header, row, strict=True)) for row in figures[1:]}
    rings = by_label[RINGS["label"]]
    assert (rings["nature"], rings["effectif"], rings["effectif_compte"]) == (
        "moyenne",
        704,
        "appels décrochés",
    )
    assert by_label[FEW["label"]]["valeur"] == "effectif insuffisant (n = 2)"
    settings.BAROMETRE_MIN_RATE_ANSWERS = 2
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(result_set)))
    figures = book.get_sheet_by_name("Chiffres clés").to_python()
    assert [row[2] for row in figures[1:] if row[0] == FEW["label"]] == [1.0]


def test_the_open_data_file_is_valid_against_its_table_schema(fabricate):
    from barometre.results.exports import open_data_csv, table_schema
    from tests.opendata import table_errors

    result_set = fabricate(12)
    result_set.stored_key_figures = [RINGS, FEW]
    result_set.save()
    content = open_data_csv(result_set)
    assert table_errors(content, table_schema()) == []
    # The check has teeth: a value that is not a number is caught.
    broken = content.replace(b"62,0", b"soixante", 1)
    assert any("soixante" in error for error in table_errors(broken, table_schema()))


def test_the_result_tables_are_read_from_the_database_as_they_are_written(fabricate):
    """The first bytes of the ZIP leave before the long tables are read, and each long
    table reads one part of the results' details, never the whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from barometre.results.exports import results_csv_zip_chunks

    result_set = fabricate(40)
    _accept_publication(result_set, every=2)
    with CaptureQueriesContext(connection) as queries:
        chunks = results_csv_zip_chunks(result_set)
        first = next(chunks)
        read_first = len(queries)
        rest = b"".join(chunks)
    assert first.startswith(b"PK")  # the archive has started
    assert not any("criteria" in q["sql"] for q in queries[:read_first])
    archive = zipfile.ZipFile(io.BytesIO(first + rest))
    criteria = archive.read("criteres.csv").decode("utf-8-sig").splitlines()
    scored = sum(1 for c in result_set.grid.parsed().criteria if c.scored)
    assert len(criteria) == 1 + 40 * scored
    palmares = archive.read("palmares.csv").decode("utf-8-sig").splitlines()
    assert len(palmares) == 1 + 20  # the ranked structures that accepted publication
    for q in queries:
        sql = q["sql"]
        if "results_structureresult" in sql and "details" in sql:
            assert "->" in sql or "JSON_EXTRACT" in sql.upper() or "json" in sql.lower(), sql


def test_writing_the_result_tables_takes_memory_that_does_not_grow_with_the_structures(
    fabricate, monkeypatch
):
    import tracemalloc

    from barometre.results import exports

    monkeypatch.setattr(exports, "CHUNK", 20)

    def peak(n: int) -> int:
        result_set = fabricate(n)
        _accept_publication(result_set, every=1)
        tracemalloc.start()
        for _ in exports.results_csv_zip_chunks(result_set):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(60), peak(240)
    assert large < small * 1.5, (small, large)


def _accept_publication(result_set, *, every: int) -> None:
    """Enrol the structures of a fabricated version, one in ``every`` accepting that its
    results be published."""
    from barometre.campaigns.models import Enrolment

    Enrolment.objects.bulk_create(
        Enrolment(edition=result_set.edition, structure_id=pk, publish_results=i % every == 0)
        for i, pk in enumerate(
            result_set.structures.order_by("structure_id").values_list("structure_id", flat=True)
        )
    )


def test_scores_and_bounds_are_exported_to_four_decimals(fabricate):
    """Stored as computed, float32 noise included; exported as a reader expects."""
    from barometre.results.exports import export_results

    result_set = fabricate(6)
    _accept_publication(result_set, every=1)
    first = result_set.structures.order_by("category", "rank").first()
    first.score, first.score_low, first.score_high = 64.17803192138672, 60.17803192138672, 68.5
    first.coverage = 9 / 11
    first.details["channels"]["phone"] = 71.123456789
    first.details["criteria"] = {k: 0.123456789 for k in first.details["criteria"]}
    first.save()
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(result_set)))
    for sheet in ("Structures", "Palmarès"):
        rows = book.get_sheet_by_name(sheet).to_python()
        header = rows[0]
        row = next(
            r for r in rows[1:] if r[header.index("identifiant")] == first.structure.identifier
        )
        cells = [row[header.index(name)] for name in ("score_sur_100", "intervalle_90_bas")]
        assert cells == [64.178, 60.178], sheet
    structures = book.get_sheet_by_name("Structures").to_python()
    assert 0.8182 in [row[structures[0].index("couverture")] for row in structures[1:]]
    channels = book.get_sheet_by_name("Canaux").to_python()
    assert [first.structure.identifier, first.structure.name, "phone", "Téléphone", 71.1235] in (
        channels
    )
    criteria = book.get_sheet_by_name("Critères").to_python()
    assert {r[4] for r in criteria[1:] if r[0] == first.structure.identifier} == {0.1235}
    first.refresh_from_db()
    assert first.score_low == 60.17803192138672  # the stored value keeps its precision


def test_the_palmares_sheet_is_the_public_palmares_with_its_distinctions(published):  # noqa: F811
    """Per category in rank order, the ranked structures that accepted publication, with
    the distinction ``results.palmares`` gives them and the jury's note for the laureate
    (it was the « Structures » sheet again, ranked rows only)."""
    from barometre.campaigns.models import Enrolment
    from barometre.results.exports import export_results

    # The Indre's interval reaches the laureate's: a mention; the Loiret, 3rd, declined
    # publication: not in the palmarès.
    cher = published.structures.get(structure__name="Département du Cher")
    published.structures.filter(structure__name="Département de l'Indre").update(
        score_high=cher.score_low + 1
    )
    Enrolment.objects.filter(
        edition=published.edition, structure__name="Département du Loiret"
    ).update(publish_results=False)
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(published)))
    rows = book.get_sheet_by_name("Palmarès").to_python()
    assert rows[0] == [
        "categorie",
        "rang",
        "identifiant",
        "structure",
        "score_sur_100",
        "intervalle_90_bas",
        "intervalle_90_haut",
        "audits",
        "distinction",
        "note_du_jury",
    ]
    assert [(r[0], r[1], r[3], r[8], r[9]) for r in rows[1:]] == [
        ("Départements", 1, "Département du Cher", "Lauréat", "Un numéro social unique."),
        ("Départements", 2, "Département de Loir-et-Cher", "2e de sa catégorie", ""),
        ("Départements", 4, "Département de l'Indre", "Mention du jury", ""),
    ]
    assert rows[2][4] == 77.4 and rows[2][7] == 5
