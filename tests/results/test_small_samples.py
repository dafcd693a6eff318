"""The small-sample rule and the formatting rule on each page and document of the
results (docs/scoring.md §7): public pages and documents never show a figure computed from
too few observations; internal pages show it with a warning."""

import pytest
from django.urls import reverse

from barometre.core.figures import format_number
from barometre.results import charts
from barometre.results.computing import publish
from barometre.results.models import StructureResult
from tests.html import shown
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _small_rate(result_set):
    """A key figure of the small edition: a rate over a handful of audits."""
    figure = next(f for f in result_set.stored_key_figures if f["unit"] == "%" and f["denominator"])
    assert figure["denominator"] < 30
    return figure


def test_internal_pages_show_a_small_sample_with_a_warning(computed, client_for, personas):
    operator = client_for(personas["operator"])
    figure = _small_rate(computed)
    page = operator.get(reverse("results:edition", args=[computed.edition_id])).content.decode()
    n = figure["denominator"]
    assert f"{figure['numerator']} / {n} " in page  # a rate shows k / n
    assert f"effectif faible (n = {n})" in page
    # A mean shows what it averaged, never its sum over its n ("1893 / 704").
    for mean in (f for f in computed.stored_key_figures if f["unit"] != "%"):
        total = format_number(mean["numerator"], 0)
        assert f"{total} / {mean['denominator']}" not in page
    rings = next(f for f in computed.stored_key_figures if f["id"] == "phone_mean_rings")
    assert f"{rings['denominator']} appels décrochés" in page
    result = StructureResult.objects.filter(result_set=computed).first()
    assert result.audits < 5
    dashboard = operator.get(
        reverse("results:dashboard", args=[computed.edition_id, result.structure_id])
    ).content.decode()
    assert f"effectif faible (n = {result.audits})" in dashboard
    assert f"{format_number(result.score, 1)} / 100" in dashboard


def test_public_pages_and_documents_say_the_sample_is_insufficient(
    computed, client, client_for, personas, tmp_path
):
    publish(computed, by=personas["operator"])
    figure = _small_rate(computed)
    n = figure["denominator"]
    for name in ("results:synthesis", "results:public_palmares"):
        page = client.get(reverse(name, args=[computed.edition_id])).content.decode()
        assert f"effectif insuffisant (n = {n})" in page, name
        assert "effectif faible" not in page, name
    # A channel's mean over the two structures of this edition is not published either.
    synthesis = client.get(reverse("results:synthesis", args=[computed.edition_id])).content
    labels = {c.id: c.label for c in computed.grid.parsed().channels}
    for channel, stats in computed.stored_benchmarks["(national)"]["channels"].items():
        row = (
            f'<th scope="row">{labels[channel]}</th><td class="n">{stats["n"]}</td>'
            f'<td class="n">effectif insuffisant (n = {stats["n"]})</td>'
        )
        assert row in shown(synthesis.decode()), channel
    result = StructureResult.objects.filter(result_set=computed).select_related("structure").first()
    pdf = client_for(personas["operator"]).get(
        reverse("results:report_pdf", args=[computed.edition_id, result.structure_id])
    )
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = " ".join(pdf_text(tmp_path, content).split())
    assert f"insuffisant (n = {result.audits})" in text
    assert f"{format_number(result.score, 1)} / 100" not in text


def test_chart_labels_are_rounded_not_truncated():
    svg = str(charts.bars(["Téléphone"], {"Score": [63.6]}))
    assert ">64</text>" in svg and ">63</text>" not in svg
    marked = str(charts.histogram([0] * 10, marker=72.06, marker_label="quartile"))
    assert "quartile 72,1" in marked
