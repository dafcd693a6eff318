import io
import json
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from barometre.results.computing import publish

pytestmark = pytest.mark.django_db


def test_results_export_as_a_workbook_with_every_table(client_for, operator, computed):
    url = reverse("results:export", args=[computed.edition_id, computed.version])
    content = client_for(operator).get(url).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["Structures", "Canaux", "Étapes", "Déterminants", "Critères",
                                "Chiffres clés", "Palmarès"]  # fmt: skip
    structures = book.get_sheet_by_name("Structures").to_python()
    assert structures[0][:4] == ["identifiant", "structure", "categorie", "score_sur_100"]
    assert {row[0] for row in structures[1:]} == {"13000548700017", "57463"}
    channels = book.get_sheet_by_name("Canaux").to_python()
    assert {row[2] for row in channels[1:]} == {"phone", "email"}


def test_csv_on_request_is_a_zip_of_french_csv_files(client_for, operator, computed):
    url = reverse("results:export", args=[computed.edition_id, computed.version])
    response = client_for(operator).get(url, {"format": "csv"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "structures.csv" in archive.namelist() and "chiffres-cles.csv" in archive.namelist()
    text = archive.read("structures.csv")
    assert text.startswith(b"\xef\xbb\xbf") and b";" in text.splitlines()[0]
    assert b"," in text.splitlines()[1]  # decimal comma


def test_open_data_is_public_only_once_published(client, operator, computed):
    url = reverse("results:open_data", args=[computed.edition_id])
    schema_url = reverse("results:open_data_schema", args=[computed.edition_id])
    assert client.get(url).status_code == 404
    publish(computed, by=operator)
    text = client.get(url).content.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    schema = json.loads(client.get(schema_url).content)
    assert header == [field["name"] for field in schema["fields"]]
    assert "national;score_moyen" in text and "phone_first_attempt" in text
    assert "Préfecture" not in text and "Metz" not in text  # aggregates only
    # Both categories hold a single structure: below the disclosure threshold.
    assert "Villes de plus de 50 000" not in text and "Services de l" not in text
    numbers = [f for f in schema["fields"] if f["type"] == "number"]
    assert numbers and all(f["decimalChar"] == "," for f in numbers)
