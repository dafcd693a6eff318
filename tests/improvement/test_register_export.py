"""Exporting a structure's feedback register (XLSX by default, CSV streamed): the entries
the register list shows with the same filters, most recent first, each as its reader may
see it (docs/guide/donnees-personnelles.md), in a constant number of queries."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from barometre.accounts.models import Role, SensitiveAction
from barometre.core.models import ExportFile
from barometre.improvement import register
from barometre.improvement.deadlines import working_days_taken
from barometre.improvement.models import FeedbackEntry
from barometre.improvement.register_export import register_sheets
from tests.conftest import _user

pytestmark = pytest.mark.django_db
D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "reference",
    "recue_le",
    "canal",
    "nature",
    "objet",
    "etat",
    "reponse_attendue_le",
    "repondue_le",
    "jours_ouvres_de_traitement",
    "dans_le_delai",
    "personne_en_charge",
    "nom_usager",
    "courriel_usager",
]
DUPUIS = "jeanne.dupuis@example.fr"
MOREAU = "paul.moreau@example.fr"
FORMULA = '=HYPERLINK("http://x","clic")'


@pytest.fixture(autouse=True)
def _april_20():
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _entry(structure, received, *, channel="email", kind="complaint", subject="Attente", **kw):
    entry, _ = register.create_entry(
        structure,
        kind=kind,
        channel=channel,
        received_on=received,
        subject=subject,
        description="Deux heures d'attente au guichet.",
        **kw,
    )
    return entry


def _answer(entry, on, by):
    return register.transition(entry, "answer", by=by, version=entry.version, on=on, answer="Vu.")


@pytest.fixture
def register_a(structure_a, manager_a, agent_a):
    """Four entries of the Préfecture du Loiret (département 45), on 20 April 2026: one
    answered in time and assigned to the agent, one open and not yet due, one answered
    late, one open and overdue."""
    on_time = _entry(
        structure_a,
        D(2026, 4, 1),
        subject="Accueil de Mme Dupuis",
        contact_name="Jeanne Dupuis",
        contact_email=DUPUIS,
        assigned_to=agent_a,
    )
    on_time = _answer(on_time, D(2026, 4, 8), manager_a)
    not_due = _entry(structure_a, D(2026, 4, 10), channel="letter", kind="suggestion")
    late = _answer(_entry(structure_a, D(2026, 3, 2)), D(2026, 4, 15), manager_a)
    overdue = _entry(
        structure_a,
        D(2026, 3, 20),
        subject=FORMULA,
        contact_name="Paul Moreau",
        contact_email=MOREAU,
    )
    return {"on_time": on_time, "not_due": not_due, "late": late, "overdue": overdue}


def _url(structure, **params) -> str:
    url = reverse("improvement:entries_export", args=[structure.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(response) -> list[list[str]]:
    body = _body(response)
    assert body.startswith("\ufeff".encode())  # for spreadsheet software to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _xlsx(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["Registre"]
    return book.get_sheet_by_name("Registre").to_python()


def _references(rows) -> list[str]:
    return [row[0] for row in rows[1:]]


def test_the_csv_holds_the_register_most_recent_first(
    client_for, manager_a, structure_a, register_a
):
    response = client_for(manager_a).get(_url(structure_a, format="csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="registre-13000548700017-2026-04-20.csv"'
    )
    rows = _csv(response)
    assert rows[0] == HEADERS
    e = register_a
    order = [e["not_due"], e["on_time"], e["overdue"], e["late"]]
    assert _references(rows) == [entry.reference for entry in order]
    days = working_days_taken(D(2026, 4, 1), D(2026, 4, 8), "45")
    assert rows[2] == [
        e["on_time"].reference,
        "01/04/2026",
        "Courriel",
        "Réclamation",
        "Accueil de Mme Dupuis",
        "Répondue",
        e["on_time"].answer_due.strftime("%d/%m/%Y"),
        "08/04/2026",
        str(days),
        "oui",
        "antoine",
        "Jeanne Dupuis",
        DUPUIS,
    ]
    # Open: no answer date, no delay, no verdict; answered late: « non ».
    assert rows[1][3:10] == ["Suggestion", "Attente", "Reçue", rows[1][6], "", "", ""]
    assert rows[1][6] == e["not_due"].answer_due.strftime("%d/%m/%Y")
    late = working_days_taken(D(2026, 3, 2), D(2026, 4, 15), "45")
    assert rows[4][7:10] == ["15/04/2026", str(late), "non"]
    # A subject a spreadsheet would run as a formula is neutralised.
    assert rows[3][4] == "'" + FORMULA


def test_the_xlsx_holds_the_same_rows_typed(client_for, manager_a, structure_a, register_a):
    client = client_for(manager_a)
    response = client.get(_url(structure_a))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('-2026-04-20.xlsx"')
    rows = _xlsx(response.content)
    assert rows[0] == HEADERS
    assert _references(rows) == _references(_csv(client.get(_url(structure_a, format="csv"))))
    on_time = rows[2]
    assert on_time[1] == D(2026, 4, 1) and on_time[7] == D(2026, 4, 8)
    assert on_time[8] == working_days_taken(D(2026, 4, 1), D(2026, 4, 8), "45")
    assert on_time[9:] == ["oui", "antoine", "Jeanne Dupuis", DUPUIS]
    assert rows[3][4] == "'" + FORMULA
    # An unknown format falls back to XLSX.
    other = client.get(_url(structure_a, format="ods"))
    assert other["Content-Type"] == XLSX and _xlsx(other.content) == rows


def _listed(client, structure, params) -> list[str]:
    page = client.get(reverse("improvement:entries", args=[structure.pk]), params).text
    return re.findall(r">(\d{4}-\d{4})</a>", page)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "open"},
        {"status": "answered"},
        {"kind": "suggestion"},
        {"channel": "letter"},
        {"echeance": "retard"},
        {"echeance": "bientot"},
        {"q": "Dupuis"},
        {"q": "2026-000"},
        {"status": "open", "echeance": "retard", "q": "2026"},
    ],
)
@pytest.mark.parametrize("persona", ["manager_a", "viewer_a"])
def test_the_export_holds_what_the_list_shows(
    params, persona, personas, client_for, structure_a, register_a
):
    client = client_for(personas[persona])
    listed = _listed(client, structure_a, params)
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("improvement:entries_export", args=[structure_a.pk]), {**params, "format": fmt}
        )
        rows = _csv(response) if fmt == "csv" else _xlsx(response.content)
        assert _references(rows) == listed, (fmt, params)


def test_filters_select_the_entries(client_for, manager_a, structure_a, register_a):
    client = client_for(manager_a)
    e = register_a

    def exported(**params):
        return _references(_csv(client.get(_url(structure_a, format="csv", **params))))

    assert exported(status="open") == [e["not_due"].reference, e["overdue"].reference]
    assert exported(echeance="retard") == [e["overdue"].reference]
    assert exported(kind="suggestion", channel="letter") == [e["not_due"].reference]
    assert exported(q="Dupuis") == [e["on_time"].reference]


def _everything(fmt: str, body: bytes) -> str:
    """Every cell of the file as one text (XLSX read back; CSV as it is)."""
    if fmt == "xlsx":
        return "\n".join(str(cell) for row in _xlsx(body) for cell in row)
    return body.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a", {DUPUIS, MOREAU, "Jeanne Dupuis", "Paul Moreau", "Mme Dupuis"}),
        ("agent_a", {DUPUIS, "Jeanne Dupuis", "Mme Dupuis"}),  # assigned to the first only
        ("other_agent", set()),
        ("viewer_a", set()),
    ],
)
def test_personal_data_only_for_who_handles_the_entry(
    fmt, persona, expected, personas, client_for, structure_a, register_a
):
    users = {**personas, "other_agent": _user("bruno", Role.AGENT, structure_a)}
    response = client_for(users[persona]).get(_url(structure_a, format=fmt))
    assert response.status_code == 200
    body = _body(response)
    text = _everything(fmt, body)
    markers = {DUPUIS, MOREAU, "Jeanne Dupuis", "Paul Moreau", "Mme Dupuis"}
    assert {m for m in markers if m in text} == expected
    if not expected:
        assert "Dupuis" not in text and "Moreau" not in text
        assert "[courriel masqué]" in text and "Accueil de Mme [nom masqué]" in text
        assert DUPUIS.encode() not in body and MOREAU.encode() not in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        _body(response)  # a streamed response reads its rows while it is sent
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_queries_do_not_grow_with_the_entries(fmt, client_for, manager_a, agent_a, structure_a):
    client = client_for(manager_a)
    url = _url(structure_a, format=fmt)

    def add(count: int) -> None:
        for i in range(count):
            entry = _entry(
                structure_a,
                D(2026, 3, 2) + dt.timedelta(days=i % 30),
                contact_email=f"usager{i}@example.fr",
                assigned_to=agent_a if i % 2 else None,
            )
            if i % 3:
                _answer(entry, D(2026, 4, 15), manager_a)

    add(2)
    client.get(url)  # the session and memberships read once, as on any later request
    few = _queries(client, url)
    add(18)
    many = _queries(client, url)
    assert few == many
    rows = _csv(client.get(_url(structure_a, format="csv")))
    assert len(rows) == 21


def test_a_large_xlsx_is_built_in_the_background_with_the_filters(
    client_for, manager_a, structure_a, register_a, settings
):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 1
    client = client_for(manager_a)
    response = client.get(_url(structure_a, status="open"))
    export = ExportFile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("export_status", args=[export.pk])
    assert export.arguments == {
        "user_id": manager_a.pk,
        "structure_id": structure_a.pk,
        "filters": {"status": "open"},
    }
    assert export.back_url == reverse("improvement:entries", args=[structure_a.pk]) + "?status=open"
    # « Mes exports » tells two exports of the register apart by their filters.
    assert export.title == f"Export du registre — {structure_a.name} (État : À traiter)"
    # The tests' task backend builds it at once: the progress page offers the file.
    assert "Télécharger" in client.get(response.url).text
    download = client.get(reverse("export_file", args=[export.pk]))
    rows = _xlsx(b"".join(download.streaming_content))
    assert rows[0] == HEADERS
    assert _references(rows) == [register_a["not_due"].reference, register_a["overdue"].reference]
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 100
    small = _xlsx(client.get(_url(structure_a, status="open")).content)
    assert rows == small  # the same file, built by the worker or at once


def test_a_background_export_checks_access_again(agent_a, structure_a, register_a):
    agent_a.memberships.all().delete()  # between the request and the worker
    with pytest.raises(Http404):
        register_sheets(user_id=agent_a.pk, structure_id=structure_a.pk, filters={})


@pytest.mark.parametrize("persona", ["manager_b", "operator", "auditor", "no_role"])
def test_other_users_get_a_404(persona, personas, client_for, structure_a, register_a):
    client = client_for(personas[persona])
    for fmt in ("csv", "xlsx"):
        assert client.get(_url(structure_a, format=fmt)).status_code == 404


def test_the_export_answers_get_only(client_for, manager_a, structure_a):
    assert client_for(manager_a).post(_url(structure_a)).status_code == 405


def test_an_export_with_contact_details_is_journaled(
    client_for, manager_a, viewer_a, structure_a, register_a
):
    client_for(manager_a).get(_url(structure_a, format="csv"))
    client_for(viewer_a).get(_url(structure_a, format="csv"))
    action = SensitiveAction.objects.get(kind="personal_export")
    assert (
        action.actor == manager_a
        and action.target == "Registre des réclamations — Préfecture du Loiret"
    )
    assert action.detail == {"structure": structure_a.pk, "format": "csv"}


def test_the_register_page_offers_both_downloads_with_its_filters(
    client_for, viewer_a, structure_a
):
    url = reverse("improvement:entries", args=[structure_a.pk])
    page = client_for(viewer_a).get(url, {"status": "open", "q": "guichet", "page": "1"}).text
    export = reverse("improvement:entries_export", args=[structure_a.pk])
    assert f'href="{export}?status=open&amp;q=guichet"' in page
    assert f'href="{export}?status=open&amp;q=guichet&amp;format=csv"' in page
    assert "Exporter le registre (XLSX)" in page


def test_a_masked_copy_never_reads_a_text_left_unread(register_a, django_assert_num_queries):
    """The export leaves the long texts unread: the masked copy does not fetch them (which
    would give them as written), it leaves them empty."""
    entry = FeedbackEntry.objects.defer("description", "answer").get(pk=register_a["on_time"].pk)
    with django_assert_num_queries(0):
        shown = register.masked(entry)
        assert (shown.description, shown.answer) == ("", "")
        assert shown.subject == "Accueil de Mme [nom masqué]"
        assert (shown.contact_name, shown.contact_email) == ("[nom masqué]", "[courriel masqué]")


def test_filtering_the_overdue_entries_further_keeps_them_overdue(
    client_for, manager_a, structure_a, register_a
):
    """The structure page links to ?echeance=retard; the filter bar has the same field, so
    « Filtrer » with another criterion keeps it (it used to drop it)."""
    client = client_for(manager_a)
    url = reverse("improvement:entries", args=[structure_a.pk])
    page = client.get(url, {"echeance": "retard"}).text
    assert re.search(r'<option value="retard" selected>\s*En retard', page)
    assert _listed(client, structure_a, {"echeance": "retard", "kind": "complaint"}) == [
        register_a["overdue"].reference
    ]
