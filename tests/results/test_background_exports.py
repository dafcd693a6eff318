"""Large XLSX exports (audits, result versions) are built in the background: the user
follows a progress page, then downloads the file; small ones download at once. Only the
user who asked may fetch the file."""

import datetime as dt
import io
import tracemalloc

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from barometre.campaigns.transfer import export_audits
from barometre.core.exporting import Column, write_xlsx_file
from barometre.core.models import ExportFile
from barometre.results.exports import export_results
from tests.conftest import _user
from tests.html import shown

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheets(content: bytes) -> dict:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_a_small_export_downloads_at_once(client_for, operator, filled):
    response = client_for(operator).get(reverse("campaigns:edition_export", args=[filled.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert not ExportFile.objects.exists()


@pytest.mark.parametrize("page", ["audits", "results"])
def test_a_large_export_is_built_in_the_background_then_downloaded(
    page, client_for, operator, computed, settings
):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    edition = computed.edition
    if page == "audits":
        url = reverse("campaigns:edition_export", args=[edition.pk])
        expected = export_audits(edition)
    else:
        url = reverse("results:export", args=[edition.pk, computed.version])
        expected = export_results(computed)
    client = client_for(operator)
    response = client.get(url)
    export = ExportFile.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "export_status", args=[export.pk]
    )
    # The tests' task backend runs the task at once: the page offers the file.
    page_text = client.get(response.url).text
    assert export.title in page_text and "Télécharger" in page_text
    download = client.get(reverse("export_file", args=[export.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    content = b"".join(download.streaming_content)
    assert _sheets(content) == _sheets(expected)
    export.refresh_from_db()
    assert export.status == "ready" and export.done == sum(
        len(rows) - 1 for rows in _sheets(content).values()
    )
    # Asked again while it is on its way: the same export, not a second one.
    ExportFile.objects.update(status=ExportFile.Status.RUNNING)
    assert client.get(url).url == response.url


def test_the_progress_page_refreshes_until_the_file_is_ready(client_for, operator):
    export = ExportFile.objects.create(
        title="Export des audits — Baromètre 2025",
        builder="barometre.campaigns.transfer.audit_sheets",
        filename="audits-2025.xlsx",
        status=ExportFile.Status.RUNNING,
        done=4000,
        total=36000,
        requested_by=operator,
        back_url="/terrain/editions/1/",
    )
    client = client_for(operator)
    page = client.get(reverse("export_status", args=[export.pk])).text
    assert "4 000 lignes écrites sur environ 36 000 (11 %)" in shown(page)
    assert '<meta http-equiv="refresh"' in page and 'href="/terrain/editions/1/"' in page
    assert client.get(reverse("export_file", args=[export.pk])).status_code == 404
    ExportFile.objects.update(status=ExportFile.Status.FAILED, error="disque plein")
    page = client.get(reverse("export_status", args=[export.pk])).text
    assert "La préparation du fichier a échoué : disque plein" in page
    assert '<meta http-equiv="refresh"' not in page


def test_no_one_else_fetches_an_export(client_for, operator, manager_b, computed, settings):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    url = reverse("campaigns:edition_export", args=[computed.edition_id])
    client_for(operator).get(url)
    export = ExportFile.objects.get()
    colleague = _user("oscar", "operator")  # runs the same edition, did not ask for it
    for user in (colleague, manager_b):
        client = client_for(user)
        assert client.get(reverse("export_status", args=[export.pk])).status_code == 404
        assert client.get(reverse("export_file", args=[export.pk])).status_code == 404
    assert client_for(None).get(reverse("export_file", args=[export.pk])).status_code == 302


def test_a_workbook_written_to_a_file_takes_memory_that_does_not_grow_with_its_rows(tmp_path):
    columns = [Column(h, lambda row, h=h: f"{h} {row}") for h in ("a", "b", "c", "d")]

    def peak(rows: int) -> int:
        tracemalloc.start()
        written = write_xlsx_file([("Lignes", columns, range(rows))], str(tmp_path / "x.xlsx"))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert written == rows
        return top

    small, large = peak(2_000), peak(20_000)
    assert large < 1.5 * small, (small, large)


def test_the_registry_export_in_the_background_keeps_what_the_user_sees(
    client_for, operator, manager_a, structure_a, structure_b, settings
):
    from barometre.structures.exporting import export_structures
    from barometre.structures.models import Structure

    expected = export_structures(Structure.objects.filter(pk=structure_a.pk))
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 0
    url = reverse("structures:export")
    client = client_for(manager_a)  # sees one structure of the two
    response = client.get(url, {"department": structure_a.department})
    export = ExportFile.objects.get()
    assert response.url == reverse("export_status", args=[export.pk])
    assert export.arguments["filters"] == {"department": structure_a.department}
    content = b"".join(client.get(reverse("export_file", args=[export.pk])).streaming_content)
    assert _sheets(content) == _sheets(expected)
    assert client_for(operator).get(reverse("export_file", args=[export.pk])).status_code == 404


def test_an_export_and_its_file_are_deleted_after_the_keeping_time(
    client_for, operator, computed, settings
):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    settings.BAROMETRE_EXPORT_KEEP_HOURS = 48
    client = client_for(operator)
    url = reverse("campaigns:edition_export", args=[computed.edition.pk])
    client.get(url)
    old = ExportFile.objects.get()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    # Two days and an hour later, the next request deletes the old export and its file.
    ExportFile.objects.filter(pk=old.pk).update(
        requested_at=old.requested_at - dt.timedelta(hours=49),
        finished_at=old.finished_at - dt.timedelta(hours=49),
    )
    client.get(reverse("results:export", args=[computed.edition.pk, computed.version]))
    assert not ExportFile.objects.filter(pk=old.pk).exists()
    assert not storage.exists(name)
    assert client.get(reverse("export_file", args=[old.pk])).status_code == 404
    # A recent export is kept.
    assert ExportFile.objects.count() == 1 and ExportFile.objects.get().status == "ready"


def test_a_progress_record_refused_by_the_database_does_not_stop_the_export(
    client_for, operator, computed, settings, monkeypatch
):
    """On SQLite a write from the connection still reading the rows is refused at once
    when another connection wrote meanwhile: the export goes on without that record."""
    from django.db import OperationalError

    from barometre.core import deferred

    def locked(pk, done):
        raise OperationalError("database is locked")

    monkeypatch.setattr(deferred, "_record_progress", locked)
    monkeypatch.setattr(deferred, "PROGRESS_EVERY", 5)
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    client = client_for(operator)
    client.get(reverse("campaigns:edition_export", args=[computed.edition.pk]))
    export = ExportFile.objects.get()
    assert export.status == "ready" and export.done > 5
    assert client.get(reverse("export_file", args=[export.pk])).status_code == 200


def test_a_stalled_export_says_so_and_stops_refreshing(client_for, operator):
    from django.utils import timezone

    export = ExportFile.objects.create(
        title="Export des audits — Baromètre 2025",
        builder="barometre.campaigns.transfer.audit_sheets",
        filename="audits-2025.xlsx",
        status=ExportFile.Status.RUNNING,
        done=1,
        total=36000,
        requested_by=operator,
        back_url="/terrain/editions/1/",
    )
    ExportFile.objects.filter(pk=export.pk).update(
        heartbeat=timezone.now() - dt.timedelta(minutes=20)
    )
    page = shown(client_for(operator).get(reverse("export_status", args=[export.pk])).text)
    assert "La préparation du fichier s'est interrompue" in page
    assert "1 ligne écrite sur environ" not in page and "http-equiv" not in page
    ExportFile.objects.filter(pk=export.pk).update(heartbeat=timezone.now())
    page = shown(client_for(operator).get(reverse("export_status", args=[export.pk])).text)
    assert "1 ligne écrite sur environ 36 000 (0 %)" in page


def test_my_exports_lists_only_mine_and_leads_back_to_each(
    client_for, operator, manager_b, computed, settings
):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    client = client_for(operator)
    client.get(reverse("campaigns:edition_export", args=[computed.edition.pk]))
    export = ExportFile.objects.get()
    page = client.get(reverse("export_list")).text
    assert reverse("export_list") in page  # in the header of every page
    assert reverse("export_status", args=[export.pk]) in page
    assert reverse("export_file", args=[export.pk]) in page and export.title in page
    status = client.get(reverse("export_status", args=[export.pk])).text
    assert "Tous mes exports" in status
    other = client_for(manager_b).get(reverse("export_list")).text
    assert export.title not in other and "Aucun export en cours ni prêt" in other


def test_a_stalled_export_is_relaunched_from_its_page(
    client_for, operator, manager_b, computed, settings
):
    """The worker was killed while it wrote the file: the page offers « Relancer
    l'export », which prepares a new file; nobody else may relaunch it."""
    from django.utils import timezone

    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    edition = computed.edition
    client = client_for(operator)
    client.get(reverse("campaigns:edition_export", args=[edition.pk]))
    export = ExportFile.objects.get()
    ExportFile.objects.filter(pk=export.pk).update(
        status=ExportFile.Status.RUNNING,
        file="",
        heartbeat=timezone.now() - dt.timedelta(minutes=20),
    )
    page = shown(client.get(reverse("export_status", args=[export.pk])).text)
    assert "La préparation du fichier s'est interrompue" in page
    assert "Relancer l'export" in page
    url = reverse("export_relaunch", args=[export.pk])
    assert client_for(manager_b).post(url).status_code == 404
    response = client_for(operator).post(url)
    again = ExportFile.objects.exclude(pk=export.pk).get()
    assert response.url == reverse("export_status", args=[again.pk])
    assert (again.status, again.title, again.builder) == ("ready", export.title, export.builder)
    assert again.arguments == export.arguments
