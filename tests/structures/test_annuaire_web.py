import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.structures.models import Structure, StructureImport
from tests.html import shown

from .annuaire_files import ORLEANS_ID, api_bytes

pytestmark = pytest.mark.django_db


def _upload(client, content: bytes, **fields):
    data = {"file": SimpleUploadedFile("annuaire-loiret.json", content), **fields}
    return client.post(reverse("structures:import_annuaire"), data)


def test_the_registry_page_imports_the_annuaire_in_two_steps(client_for, operator):
    client = client_for(operator)
    registry = client.get(reverse("structures:list")).text
    assert reverse("structures:import_annuaire") in registry
    response = _upload(client, api_bytes(), types="mairie, prefecture", department="45")
    batch = StructureImport.objects.get()
    assert (batch.source, batch.options) == (
        "annuaire",
        {"types": ["mairie", "prefecture"], "department": "45"},
    )
    preview = client.get(response.url)
    assert "2 fiches : 2 créations" in shown(preview.text)
    assert "Fiches écartées" in preview.text and "même identifiant" in preview.text
    assert "Service-Public.gouv.fr / DILA" in preview.text
    assert Structure.objects.count() == 0
    confirmed = client.post(reverse("structures:import_confirm", args=[batch.pk]))
    status = client.get(confirmed.url)
    assert "Import terminé" in status.text
    assert "fichier « annuaire-loiret.json »" in status.text
    batch.refresh_from_db()
    assert batch.attribution.startswith("Service-Public.gouv.fr / DILA")
    orleans = Structure.objects.get(annuaire_id=ORLEANS_ID)
    detail = client.get(orleans.get_absolute_url())
    assert "Lundi : 08:30–12:00, 13:30–17:30" in detail.text
    assert "(Licence Ouverte 2.0), fiche modifiée le 12/03/2025" in detail.text


def test_a_file_that_is_no_json_is_refused_at_the_form(client_for, operator):
    response = _upload(client_for(operator), b"identifiant;nom\n1;2\n")
    assert "Ce n&#x27;est pas un fichier JSON de l&#x27;Annuaire." in response.text
    assert not StructureImport.objects.exists()


def test_a_manager_cannot_import_from_the_annuaire(client_for, manager_a):
    response = _upload(client_for(manager_a), api_bytes())
    assert response.status_code in (403, 404)
    assert not StructureImport.objects.exists()


def test_the_preview_asks_a_decision_per_probable_match(client_for, operator):
    ville = Structure.objects.create(
        name="Ville d'Orléans",
        identifier="10786041169733",
        kind="commune",
        department="45",
        city="Orléans",
    )
    client = client_for(operator)
    response = _upload(client, api_bytes(), types="mairie", department="45")
    batch = StructureImport.objects.get()
    preview = shown(client.get(response.url).text)
    assert "1 à rapprocher d'une structure du registre : votre décision est demandée" in preview
    assert "<td>Mairie - Orléans<br>Orléans</td>" in preview
    assert "Ville d&#x27;Orléans</a><br>Orléans, 10786041169733</td>" in preview
    assert "<td>Une seule mairie par commune<br>Ressemblance des noms : 100 %</td>" in preview
    confirm = reverse("structures:import_confirm", args=[batch.pk])
    undecided = client.post(confirm, follow=True)
    assert (
        "Décidez de chaque rapprochement avant d&#x27;importer (1 sans décision)" in undecided.text
    )
    assert StructureImport.objects.get().status == "previewed"
    client.post(confirm, {f"decision-{ORLEANS_ID}": "confirm"})
    batch.refresh_from_db()
    assert batch.options["decisions"] == {ORLEANS_ID: "confirm"}
    assert batch.status == "done"
    ville.refresh_from_db()
    assert (ville.annuaire_id, ville.name) == (ORLEANS_ID, "Ville d'Orléans")
    assert Structure.objects.filter(kind="commune", department="45").count() == 1
