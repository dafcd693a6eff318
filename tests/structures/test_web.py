import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from barometre.accounts.models import Membership, Role
from barometre.structures.models import Structure, StructureImport
from tests.html import shown

from .files import csv_bytes, xlsx_bytes


def _upload(client, content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("structures:import"), {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_confirm_writes_everything(client_for, operator):
    client = client_for(operator)
    response = _upload(client, xlsx_bytes(), "structures.xlsx")
    batch = StructureImport.objects.get()
    assert response.url == reverse("structures:import_preview", args=[batch.pk])
    preview = client.get(response.url)
    assert "Le fichier est valide" in preview.text
    assert "3 créations" in shown(preview.text)
    assert Structure.objects.count() == 0  # a preview writes nothing
    confirmed = client.post(reverse("structures:import_confirm", args=[batch.pk]))
    status = client.get(confirmed.url)
    assert "Import terminé" in status.text
    assert Structure.objects.count() == 3
    batch.refresh_from_db()
    assert batch.status == "done" and batch.result == {"create": 3, "update": 0, "unchanged": 0}
    # A second confirmation (double click, back button) does not run the import again.
    client.post(reverse("structures:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"


def test_preview_lists_each_problem_and_offers_no_confirmation(client_for, operator):
    client = client_for(operator)
    bad = csv_bytes([["45234", "Orléans", "Château", "45", "", "", "", "", ""]], encoding="cp1252")
    response = client.get(_upload(client, bad, "bad.csv").url)
    assert "1 problème : rien ne sera enregistré" in response.text
    assert "type inconnu" in response.text
    assert "Confirmer" not in response.text


def test_oversized_upload_is_refused_at_the_form(client_for, operator, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = _upload(client_for(operator), csv_bytes(), "big.csv")
    assert response.status_code == 200
    assert "Le fichier dépasse la limite" in response.text
    assert not StructureImport.objects.exists()


def test_list_searches_filters_and_paginates(client_for, operator, structure_a, structure_b):
    for i in range(30):
        Structure.objects.create(
            name=f"Commune {i:02d}", identifier=f"450{i:02d}", kind="commune", department="45"
        )
    client = client_for(operator)
    page1 = client.get(reverse("structures:list"), {"department": "45"})
    assert "31 structures" in page1.text
    assert "Commune 24" in page1.text and "Commune 25" not in page1.text
    page2 = client.get(reverse("structures:list"), {"department": "45", "page": 2})
    assert "Commune 29" in page2.text
    found = client.get(reverse("structures:list"), {"q": "metz"})
    assert "Ville de Metz" in found.text and "Préfecture" not in found.text


def test_list_query_count_does_not_grow_with_structures(
    client_for, operator, django_assert_max_num_queries
):
    for i in range(25):
        Structure.objects.create(
            name=f"Commune {i}", identifier=f"451{i:02d}", kind="commune", department="45"
        )
    client = client_for(operator)
    client.get(reverse("structures:list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("structures:list"))


def test_managers_see_only_their_structures(client_for, manager_a, structure_a, structure_b):
    response = client_for(manager_a).get(reverse("structures:list"))
    assert structure_a.name in response.text
    assert structure_b.name not in response.text


def test_manager_edits_contact_points_but_not_labels(client_for, manager_a, structure_a):
    client = client_for(manager_a)
    url = reverse("structures:edit", args=[structure_a.pk])
    contact = structure_a.contact_points.get()
    data = {
        "name": "Préfecture du Loiret",
        "identifier": "130 005 487 00017",
        "kind": "state",
        "department": "45",
        "city": "Orléans",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": contact.pk,
        "contacts-0-channel": "phone",
        "contacts-0-value": "02 38 81 40 00",
        "contacts-1-channel": "email",
        "contacts-1-value": "pref-qualite@loiret.gouv.fr",
        "labels-TOTAL_FORMS": "1",
        "labels-INITIAL_FORMS": "0",
        "labels-0-kind": "qualepref",
        "labels-0-obtained_on": "2022-06-15",
        "labels-0-expires_on": "2025-06-15",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.identifier == "13000548700017"
    assert structure_a.contact_points.count() == 2
    # Labels are entered or confirmed by operators; managers propose them apart.
    assert not structure_a.labels.exists()


def test_an_operator_enters_a_label_confirmed_in_their_name(client_for, operator, structure_a):
    response = client_for(operator).post(
        reverse("structures:edit", args=[structure_a.pk]),
        {
            "name": structure_a.name,
            "identifier": structure_a.identifier,
            "kind": "state",
            "department": "45",
            "city": "Orléans",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "1",
            "labels-INITIAL_FORMS": "0",
            "labels-0-kind": "qualepref",
            "labels-0-obtained_on": "2022-06-15",
            "labels-0-expires_on": "2025-06-15",
        },
    )
    assert response.status_code == 302
    label = structure_a.labels.get()
    assert (label.kind, label.status, label.decided_by) == ("qualepref", "confirmed", operator)


def test_edit_form_explains_an_invalid_identifier(client_for, operator, structure_a):
    response = client_for(operator).post(
        reverse("structures:edit", args=[structure_a.pk]),
        {
            "name": "X",
            "identifier": "123",
            "kind": "state",
            "department": "45",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "0",
            "labels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "3 chiffres : un SIRET en compte 14, un code INSEE 5" in response.text
    structure_a.refresh_from_db()
    assert structure_a.name == "Préfecture du Loiret"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_downloads_the_filtered_list(client_for, operator, structure_a, structure_b, fmt):
    response = client_for(operator).get(reverse("structures:export"), {"format": fmt, "q": "Metz"})
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "csv":
        assert response.streaming  # rows leave as they are read
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Ville de Metz" in text and "Préfecture" not in text


def test_a_manager_cannot_rewrite_the_registry_keys(
    client_for, manager_a, structure_a, structure_b
):
    child = Structure.objects.create(
        name="Sous-préfecture de Montargis",
        identifier="13000548700025",
        kind="state",
        department="45",
        parent=structure_a,
    )
    Membership.objects.create(user=manager_a, role=Role.MANAGER, structure=child)
    client = client_for(manager_a)
    url = reverse("structures:edit", args=[structure_a.pk])
    form = client.get(url).text
    assert 'name="identifier"' not in form and 'name="kind"' not in form
    assert "tenues par les opérateurs" in form and "13000548700017" in form
    contact = structure_a.contact_points.get()
    response = client.post(
        url,
        {
            "name": "Préfecture du Loiret",
            "city": "Orléans",
            "postal_code": "45000",
            "identifier": "45234",
            "kind": "commune",
            "department": "57",
            "population": "999999",
            "parent": child.pk,
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-channel": "phone",
            "contacts-0-value": "02 38 81 40 00",
            "contacts-0-label": "du lundi au vendredi, 9 h à 16 h",
            "labels-TOTAL_FORMS": "0",
            "labels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert (structure_a.identifier, structure_a.kind, structure_a.department) == (
        "13000548700017",
        "state",
        "45",
    )
    assert structure_a.population is None and structure_a.parent is None
    assert structure_a.postal_code == "45000"
    assert structure_a.contact_points.get().label == "du lundi au vendredi, 9 h à 16 h"


def test_an_operator_corrects_the_registry_keys(client_for, operator, structure_a):
    response = client_for(operator).post(
        reverse("structures:edit", args=[structure_a.pk]),
        {
            "name": "Préfecture du Loiret",
            "identifier": "13000548700017",
            "kind": "state",
            "department": "45",
            "population": "680000",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "0",
            "labels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.population == 680000


def test_the_registry_refuses_a_second_prefecture_under_another_spelling(
    client_for, operator, structure_a
):
    response = client_for(operator).post(
        reverse("structures:create"),
        {
            "name": "Préfecture – Loiret",
            "identifier": "22410001700025",
            "kind": "state",
            "department": "45",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "0",
            "labels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "Une structure de type « Service de l&#x27;État (préfecture…) » existe déjà pour ce "
        "territoire sous le nom « Préfecture du Loiret »" in response.text
    )
    assert Structure.objects.count() == 1


def test_a_manager_sets_the_name_used_in_sentences(client_for, manager_a, structure_a):
    assert structure_a.to_name == "à la Préfecture du Loiret"
    detail = client_for(manager_a).get(reverse("structures:detail", args=[structure_a.pk]))
    assert "« transmis à la Préfecture du Loiret » <span" in shown(detail.text)
    response = client_for(manager_a).post(
        reverse("structures:edit", args=[structure_a.pk]),
        {
            "name": "Préfecture du Loiret",
            "name_in_sentence": "les services de la Préfecture du Loiret",
            "identifier": structure_a.identifier,
            "kind": "state",
            "department": "45",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "0",
            "labels-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.to_name == "aux services de la Préfecture du Loiret"
    detail = client_for(manager_a).get(reverse("structures:detail", args=[structure_a.pk]))
    assert "« transmis aux services de la Préfecture du Loiret »" in detail.text
    assert structure_a.of_name == "des services de la Préfecture du Loiret"


@pytest.mark.parametrize("field", ["name", "name_in_sentence", "city"])
def test_a_name_on_two_lines_is_refused_by_the_form(client_for, manager_a, structure_a, field):
    form = {
        "name": "Préfecture du Loiret",
        "name_in_sentence": "",
        "city": "Orléans",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "labels-TOTAL_FORMS": "0",
        "labels-INITIAL_FORMS": "0",
    }
    form[field] = "la Préfecture\r\ndu Loiret"
    response = client_for(manager_a).post(reverse("structures:edit", args=[structure_a.pk]), form)
    assert response.status_code == 200
    assert "Ce texte doit tenir sur une ligne : retirez le retour à la ligne." in response.text
    structure_a.refresh_from_db()
    assert "\n" not in structure_a.name + structure_a.name_in_sentence + structure_a.city


def _registry_form(parent: str) -> dict:
    return {
        "name": "Sous-préfecture de Montargis",
        "identifier": "13000548700025",
        "kind": "state",
        "department": "45",
        "parent": parent,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "labels-TOTAL_FORMS": "0",
        "labels-INITIAL_FORMS": "0",
    }


def test_the_parent_is_chosen_by_its_identifier_and_checked_by_the_server(
    client_for, operator, structure_a, structure_b
):
    client = client_for(operator)
    # Typed as people write a SIRET: the préfecture becomes the parent.
    response = client.post(reverse("structures:create"), _registry_form("130 005 487 00017"))
    assert response.status_code == 302
    child = Structure.objects.get(identifier="13000548700025")
    assert child.parent == structure_a
    # The form shows the current parent by its identifier, proposed with its name.
    form = client.get(reverse("structures:edit", args=[child.pk])).text
    assert 'value="13000548700017"' in form and ">Préfecture du Loiret</option>" in form
    assert "data-parent-options=" in form and "parent_options.js" in form
    # An identifier the registry does not hold, or the structure itself, is refused.
    for parent in ("99999", "13000548700025"):
        refused = client.post(reverse("structures:edit", args=[child.pk]), _registry_form(parent))
        assert refused.status_code == 200
        assert "Aucune structure du registre ne porte cet identifiant" in refused.text
    child.refresh_from_db()
    assert child.parent == structure_a


def test_a_parent_outside_the_choices_given_to_the_form_is_refused(structure_a, structure_b):
    from barometre.structures.forms import StructureForm

    data = _registry_form(structure_b.identifier)
    scoped = StructureForm(data, parent_choices=Structure.objects.filter(department="45"))
    assert not scoped.is_valid()
    assert "Aucune structure du registre" in scoped.errors["parent"][0]
    data["parent"] = structure_a.identifier
    assert StructureForm(data, parent_choices=Structure.objects.filter(department="45")).is_valid()


def test_the_structure_form_does_not_list_the_registry(client_for, operator, structure_a):
    client = client_for(operator)
    url = reverse("structures:edit", args=[structure_a.pk])
    counts = []
    for n in (0, 60):
        Structure.objects.bulk_create(
            Structure(
                name=f"Commune {n + i}", identifier=f"4{n + i:04d}", kind="commune", department="45"
            )
            for i in range(n)
        )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).text
        counts.append(len(queries))
        assert "Commune 1<" not in page and "<select" not in page.split('name="parent"')[0][-400:]
    assert counts[0] == counts[1], counts


def test_the_parent_proposals_are_few_and_for_operators_only(
    client_for, operator, manager_a, structure_a, structure_b
):
    Structure.objects.bulk_create(
        Structure(
            name=f"Mairie de Metz {i}", identifier=f"57{i:03d}", kind="commune", department="57"
        )
        for i in range(30)
    )
    url = reverse("structures:parent_options")
    client = client_for(operator)
    options = client.get(url, {"q": "metz"}).json()["options"]
    assert len(options) == 20
    assert options[0] == {"value": "57000", "label": "Mairie de Metz 0 (57)"}
    only = client.get(url, {"q": "loiret", "exclude": structure_a.pk}).json()["options"]
    assert only == []
    assert client.get(url, {"q": "l"}).json() == {"options": []}  # two letters at least
    assert client_for(manager_a).get(url, {"q": "metz"}).status_code == 403
    assert client_for(None).get(url, {"q": "metz"}).status_code == 302
