"""One publication rule for every output that compares structures (docs/scoring.md §7).

An edition with a category of two structures, « Autres structures », whose aggregates all
but name them (its mean and minimum are 17.777, the score of a structure that refused
publication): no declared output may print that value, and every output that reads the
aggregates must be declared in ``results.OUTPUTS`` and built here."""

import ast
import importlib
import io
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from barometre.accounts.models import Membership, Role, User
from barometre.results import publication
from barometre.results.exports import export_results, open_data_csv
from barometre.results.models import ResultSet, StructureResult
from barometre.results.pdf import report_pdf
from barometre.results.reports import structure_report
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

# Every output that publishes aggregates of a result version, with the function that
# builds it from the rule above (dotted path, checked below).
OUTPUTS = {
    "API : résultats nationaux": "barometre.api.results.get_national_results",
    "Données ouvertes (CSV)": "barometre.results.exports.open_data_rows",
    "Export XLSX d'une version (chiffres clés, palmarès)": "barometre.results.exports.tables",
    "Synthèse nationale (page)": "barometre.results.views.synthesis",
    "Synthèse nationale (PDF)": "barometre.results.views.synthesis_pdf_view",
    "Palmarès public": "barometre.results.views.public_palmares",
    "Tableau de bord d'une structure": "barometre.results.views.structure_dashboard",
    "Rapport PDF d'une structure": "barometre.results.pdf.report_pdf",
}
SRC = Path(__file__).resolve().parents[2] / "src" / "barometre"
SECRET = 17.777
WRITINGS = ("17,8", "17.78", "17,78", "17.777", "17,777")
SMALL = "Autres structures"


@pytest.fixture
def small_category(fabricate):
    """Twelve structures in two categories of six, and two more alone together."""
    result_set = fabricate(14)
    first, second = result_set.structures.order_by("pk")[:2]
    StructureResult.objects.filter(pk=first.pk).update(
        category=SMALL, score=SECRET, score_low=SECRET - 3, score_high=SECRET + 3, rank=None
    )
    StructureResult.objects.filter(pk=second.pk).update(category=SMALL, score=60.0, rank=None)
    result_set.stored_categories.append(
        {
            "category": SMALL,
            "structures": 2,
            "mean": (SECRET + 60) / 2,
            "median": (SECRET + 60) / 2,
            "q1": SECRET,
            "q3": 60.0,
            "min": SECRET,
            "max": 60.0,
            "mean_certified": SECRET,
            "mean_not_certified": 60.0,
            "certified": 1,
            **{f"from_{lo}": 0 for lo in range(0, 100, 10)},
        }
    )
    # France's row names its lowest score: one structure's.
    result_set.stored_categories[0]["min"] = SECRET
    grid = result_set.grid.parsed()
    result_set.stored_benchmarks[SMALL] = {
        "channels": {c: {"mean": SECRET, "n": 2} for c in grid.channel_ids},
        "stages": {s.id: {"mean": SECRET, "n": 2} for s in grid.stages},
    }
    result_set.save()
    return result_set


def _client_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode("utf-8-sig")


def _outputs(result_set: ResultSet, client, operator, tmp_path) -> dict[str, str]:
    """Each declared output, built as its users get it, as text."""
    pk = result_set.edition_id
    other = result_set.structures.exclude(category=SMALL).select_related(
        "structure", "result_set__edition__grid", "result_set__grid"
    )[0]
    manager = User.objects.create_user("gerante")
    Membership.objects.create(user=manager, role=Role.MANAGER, structure=other.structure)
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(result_set)))
    sheets = {
        name: json.dumps(book.get_sheet_by_name(name).to_python(), default=str)
        for name in ("Chiffres clés", "Palmarès")
    }
    client.logout()
    texts = {
        "API : résultats nationaux": _client_text(client, f"/api/v1/results/editions/{pk}"),
        "Données ouvertes (CSV)": open_data_csv(result_set).decode("utf-8-sig"),
        "Export XLSX d'une version (chiffres clés, palmarès)": " ".join(sheets.values()),
        "Synthèse nationale (page)": _client_text(client, reverse("results:synthesis", args=[pk])),
        "Synthèse nationale (PDF)": pdf_text(
            tmp_path, client.get(reverse("results:synthesis_pdf", args=[pk])).content
        ),
        "Palmarès public": _client_text(client, reverse("results:public_palmares", args=[pk])),
    }
    client.force_login(manager)
    dashboard = reverse("results:dashboard", args=[pk, other.structure_id])
    texts["Tableau de bord d'une structure"] = _client_text(client, dashboard)
    texts["Rapport PDF d'une structure"] = pdf_text(tmp_path, report_pdf(structure_report(other)))
    client.logout()
    return texts


def test_no_output_prints_what_the_rule_withholds(small_category, client, operator, tmp_path):
    texts = _outputs(small_category, client, operator, tmp_path)
    assert set(texts) == set(OUTPUTS), "an output is declared but not checked here"
    for name, text in texts.items():
        leaked = [w for w in WRITINGS if w in text]
        assert not leaked, f"{name} prints {leaked}"
    api = json.loads(texts["API : résultats nationaux"])
    small = next(c for c in api["categories"] if c["category"] == SMALL)
    assert (small["structures"], small["published"], small["mean"]) == (2, False, None)


def test_the_rule_withholds_small_categories_extremes_and_thin_comparisons(small_category):
    rows = publication.categories_by_name(small_category)
    assert rows[SMALL] == {"category": SMALL, "structures": 2, "published": False}
    assert all("min" not in row and "max" not in row for row in rows.values())
    assert rows["Communes A"]["published"] and rows["Communes A"]["mean"] == 62.0
    withheld = publication.benchmarks(small_category)[SMALL]
    assert {m["mean"] for part in withheld.values() for m in part.values()} == {None}
    assert {m["n"] for part in withheld.values() for m in part.values()} == {2}


def _dotted(node: ast.AST) -> str:
    return ast.unparse(node)


def test_every_output_is_declared_and_only_the_rule_reads_the_stored_aggregates():
    """The stored aggregates (``stored_*``) are read by the publication rule only (and
    written by the computation); a module that reads the rule's functions is the module of
    a declared output, or a helper those outputs use."""
    writers = {
        "results/publication.py",
        "results/computing.py",
        "results/models.py",
        "results/stored.py",  # their typed definition (raw_* accessors)
    }
    helpers = {"results/templatetags/result_figures.py", "results/reports.py"}
    readers, raw = set(), set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative:
            continue
        text = path.read_text()
        if (
            "stored_categories" in text
            or "stored_key_figures" in text
            or "stored_benchmarks" in text
            or re.search(r"\braw_(categories|key_figures|benchmarks)\(", text)
        ):
            raw.add(relative)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and _dotted(node.value) == "publication":
                readers.add(relative)
    assert raw <= writers, f"read the aggregates through results.publication: {raw - writers}"
    declared = set()
    for dotted in OUTPUTS.values():
        module, _, name = dotted.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name)), dotted
        declared.add(module.removeprefix("barometre.").replace(".", "/") + ".py")
    assert readers - {"results/publication.py"} <= declared | helpers, (
        "a module reads the publication rule without declaring its output in "
        f"results.OUTPUTS: {readers - declared - helpers - {'results/publication.py'}}"
    )
