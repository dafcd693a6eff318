"""Report builders and PDF documents, tested without HTTP."""

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barometre.campaigns.models import Answer, Edition
from barometre.results.computing import publish, request_computation
from barometre.results.models import StructureResult
from barometre.results.pdf import report_pdf, synthesis_pdf, write_reports_zip
from barometre.results.reports import national_synthesis, structure_report
from tests.pdf import layout_problems, pdf_text, pdf_title, sparse_pages

pytestmark = pytest.mark.django_db


def _pages(tmp_path, content: bytes) -> list:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def _result(result_set, identifier):
    return StructureResult.objects.select_related(
        "result_set__edition", "result_set__grid", "structure"
    ).get(result_set=result_set, structure__identifier=identifier)


@pytest.fixture
def computed(filled, operator):
    task = filled.tasks.filter(structure__identifier="57463", channel="phone").first()
    Answer.objects.filter(task=task, criterion="phone.observations").update(
        value="Rappel promis par Mme Durand, joignable au 06 12 34 56 78 ou durand@metz.fr"
    )
    result_set = request_computation(filled, by=operator)
    result_set.refresh_from_db()
    return publish(result_set, by=operator)


def test_structure_report_compares_with_category_and_france(computed, settings):
    # France is two structures here: below the minimum, its means are withheld.
    report = structure_report(_result(computed, "57463"))
    assert {c.national for c in report.channels} == {None}
    settings.BAROMETRE_MIN_CATEGORY_STRUCTURES = 2
    report = structure_report(_result(computed, "57463"))
    channels = {c.id: c for c in report.channels}
    assert set(channels) == {"phone", "email"}
    assert channels["email"].audits == 2 and channels["phone"].audits == 2
    assert channels["phone"].national == pytest.approx(
        sum(r.details["channels"]["phone"] for r in computed.structures.all()) / 2
    )
    assert {d.id for d in report.determinants} >= {"courtesy", "reactivity"}
    # Strengths are above the reference, weaknesses below, recommendations from the grid.
    assert all(g.gap > 0 for g in report.strengths)
    assert all(g.gap < 0 for g in report.weaknesses)
    assert all(g.recommendation for g in report.recommendations)
    # Observations reach the report with personal data masked.
    texts = " ".join(o["text"] for o in report.observations)
    assert "Mme [nom masqué]" in texts and "[téléphone masqué]" in texts
    assert "durand@metz.fr" not in texts and "06 12" not in texts


def test_observations_are_dated_day_month_year_on_the_dashboard_and_in_the_pdf(
    computed, client_for, operator, tmp_path
):
    noted = Answer.objects.get(task__edition=computed.edition, value__startswith="Rappel promis")
    day = timezone.localdate(noted.task.scheduled_at)
    result = _result(computed, "57463")
    url = reverse("results:dashboard", args=[computed.edition_id, result.structure_id])
    page = client_for(operator).get(url).text
    assert f"{day:%d/%m/%Y}, Téléphone : Rappel promis" in page
    text = pdf_text(tmp_path, report_pdf(structure_report(result)))
    assert f"{day:%d/%m/%Y} — Téléphone" in text
    assert day.isoformat() not in page and day.isoformat() not in text


def test_the_pdf_report_is_a4_french_and_names_only_its_structure(computed, tmp_path):
    content = report_pdf(structure_report(_result(computed, "57463")))
    assert content.startswith(b"%PDF")
    text = pdf_text(tmp_path, content)
    for expected in (
        "Ville de Metz",
        "Rapport individuel",
        "Résultats par canal",
        "Déterminants de la satisfaction",
        "Étapes du parcours",
        "Recommandations",
        "Méthodologie",
        "Téléphone",
        "confidentiel",
    ):
        assert expected in text, expected
    assert "Préfecture du Loiret" not in text  # the other participant is never named
    pages = _pages(tmp_path, content)
    # A cover and the sections following one another (none forced onto its own page).
    assert len(pages) >= 4 and all(p.stat().st_size > 1000 for p in pages)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Marianne" in fonts and " yes yes " in fonts  # embedded, subset


def test_the_report_and_the_synthesis_fit_their_pages_and_print_no_entity(computed, tmp_path):
    """An apostrophe in the edition's name reaches every footer as an apostrophe, not as
    "&#x27;"; no table or chart label runs into the margins."""
    from barometre.campaigns.models import Edition

    Edition.objects.filter(pk=computed.edition_id).update(
        name="Baromètre de l'expérience usager 2025"
    )
    report = report_pdf(structure_report(_result(computed, "57463")))
    assert layout_problems(tmp_path, report, name="rapport-structure") == []
    # Sections follow one another: no page left nearly empty behind a forced break.
    assert sparse_pages(tmp_path, report) == []
    text = pdf_text(tmp_path, report)
    pages = text.count("\f")
    # In the footer of every page but the cover (whose title wraps over two lines).
    assert pages >= 4 and text.count("Baromètre de l'expérience usager 2025 —") == pages - 1
    assert pdf_title(tmp_path, report) == (
        "Rapport individuel — Baromètre de l'expérience usager 2025 — Ville de Metz"
    )
    computed.refresh_from_db()
    long = "Développement économique, aménagement et tourisme"  # a trophy category
    computed.stored_categories = [
        {**row, "category": long} if row["category"] != "(national)" else row
        for row in computed.stored_categories
    ]
    synthesis = synthesis_pdf(national_synthesis(computed))
    assert layout_problems(tmp_path, synthesis, name="synthese-nationale") == []
    text = pdf_text(tmp_path, synthesis)
    assert "Baromètre de l'expérience usager 2025 — synthèse nationale" in text
    assert "Développement" in text and "aménagement et tourisme" in text
    assert pdf_title(tmp_path, synthesis) == (
        "Synthèse nationale — Baromètre de l'expérience usager 2025"
    )


def test_reports_zip_has_one_pdf_per_structure(computed):
    import io
    import zipfile

    reports = [
        structure_report(r)
        for r in computed.structures.select_related(
            "result_set__edition", "result_set__grid", "structure"
        )
    ]
    seen, buffer = [], io.BytesIO()
    write_reports_zip(buffer, reports, progress=seen.append)
    archive = zipfile.ZipFile(buffer)
    assert len(archive.namelist()) == 2 and seen == [1, 2]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_a_batch_rendered_by_several_processes_equals_the_one_process_batch(
    computed, tmp_path, settings
):
    import io
    import zipfile

    from barometre.results.batches import request_batch

    def texts(content: bytes) -> dict[str, str]:
        archive = zipfile.ZipFile(io.BytesIO(content))
        return {name: pdf_text(tmp_path, archive.read(name)) for name in archive.namelist()}

    rows = computed.structures.select_related(
        "result_set__edition", "result_set__grid", "structure"
    ).order_by("structure__name")
    reports = [structure_report(r) for r in rows]
    serial, parallel, seen = io.BytesIO(), io.BytesIO(), []
    write_reports_zip(serial, reports, processes=1)
    write_reports_zip(parallel, reports, seen.append, processes=2)
    assert seen == [1, 2]
    assert list(texts(parallel.getvalue())) == list(texts(serial.getvalue()))  # same order
    assert texts(parallel.getvalue()) == texts(serial.getvalue())
    # The background task uses the setting: the ZIP holds every structure's report.
    settings.BAROMETRE_REPORT_PROCESSES = 2
    batch = request_batch(computed, by=computed.requested_by)
    batch.refresh_from_db()
    assert batch.status == "ready" and batch.done == batch.total == 2
    assert sorted(texts(batch.file.read())) == sorted(texts(serial.getvalue()))


def test_a_batch_requested_again_lays_out_only_the_reports_that_changed(
    computed, tmp_path, settings, monkeypatch
):
    import io
    import zipfile

    from barometre.results import pdf
    from barometre.results.batches import request_batch

    settings.BAROMETRE_REPORT_PROCESSES = 1  # laid out here, where they are counted
    laid_out = []
    html_to_pdf = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: laid_out.append(html) or html_to_pdf(html))

    def batch_files() -> dict[str, bytes]:
        batch = request_batch(computed, by=computed.requested_by)
        batch.refresh_from_db()
        assert batch.status == "ready" and batch.done == batch.total == 2
        archive = zipfile.ZipFile(io.BytesIO(batch.file.read()))
        return {name: archive.read(name) for name in archive.namelist()}

    first = batch_files()
    assert len(laid_out) == 2
    assert batch_files() == first and len(laid_out) == 2  # nothing changed: nothing laid out
    # One structure's results change (an observation is corrected): its report only.
    metz = _result(computed, "57463")
    metz.details["observations"] = [
        {"date": "12/03/2025", "channel": "phone", "text": "Accueil corrigé après vérification"}
    ]
    metz.save()
    again = batch_files()
    assert len(laid_out) == 3 and "Accueil corrigé" in laid_out[-1]
    assert list(again) == list(first)
    changed = [name for name in first if again[name] != first[name]]
    assert changed == ["rapport-2025-ville-de-metz-57463.pdf"]
    assert "Accueil corrigé après vérification" in pdf_text(tmp_path, again[changed[0]])


def test_a_batch_shares_the_figures_of_its_version(computed):
    from barometre.results.reports import shared_figures

    rows = list(
        computed.structures.select_related("result_set__edition", "result_set__grid", "structure")
    )
    alone = [structure_report(r) for r in rows]
    shared = shared_figures(computed)
    with CaptureQueriesContext(connection) as queries:
        together = [structure_report(r, shared) for r in rows]
    assert len(queries) == 0  # the figures of the version are read once for the batch
    assert [r.neighbours for r in together] == [r.neighbours for r in alone]
    assert [r.funnel for r in together] == [r.funnel for r in alone]
    assert [r.intervals for r in together] == [r.intervals for r in alone]
    assert [r.ranked for r in together] == [r.ranked for r in alone]


def test_national_synthesis_states_the_figures_of_an_edition(fabricate, tmp_path, settings):
    result_set = fabricate(12)
    synthesis = national_synthesis(result_set)
    assert synthesis.participants == 12 and synthesis.local_authorities == 12
    assert synthesis.local_share == 100
    assert synthesis.certified_gap == pytest.approx(10.0)
    assert synthesis.national["q3"] == 72.0
    assert [c.category for c in synthesis.categories] == ["Communes A", "Communes B"]
    assert synthesis.visit is not None and synthesis.visit.score == 60.0
    text = pdf_text(tmp_path, synthesis_pdf(synthesis))
    for expected in (
        "Synthèse nationale",
        "Score global",
        "62,0 / 100",
        "Quartile supérieur",
        "Accueil physique",
        "Communes A",
    ):
        assert expected in text, expected
    # 3 certified structures: fewer than the 5 a mean over structures is published from.
    words = " ".join(text.split())
    assert "insuffisant (n = 3)" in words and "70,0 / 100" not in words
    settings.BAROMETRE_MIN_CATEGORY_STRUCTURES = 3
    text = pdf_text(tmp_path, synthesis_pdf(synthesis))
    assert "70,0 / 100" in text and "+10,0 points" in text


@pytest.mark.parametrize("builder", ["structure", "synthesis"])
def test_builders_read_a_bounded_number_of_queries(fabricate, builder):
    counts = []
    for n in (6, 120):
        result_set = fabricate(n)
        target = result_set.structures.order_by("-pk").first()
        with CaptureQueriesContext(connection) as queries:
            if builder == "structure":
                report = structure_report(_result(result_set, target.structure.identifier))
                assert report.neighbours and sum(nb.own for nb in report.neighbours) == 1
            else:
                assert national_synthesis(result_set).participants == n
        counts.append(len(queries))
        result_set.delete()
    assert counts[0] == counts[1] and counts[1] <= 6, counts


def test_evolution_is_measured_on_the_criteria_both_editions_share(
    computed, grid, operator, structure_a, structure_b
):
    import datetime as dt

    from barometre.campaigns import lifecycle
    from tests.campaigns.test_transfer import EMAIL, PHONE, _fill

    later = lifecycle.create_edition(
        year=2026,
        name="Baromètre 2026",
        grid=grid,
        enrolment_opens=dt.date(2026, 1, 5),
        enrolment_closes=dt.date(2026, 4, 30),
        fieldwork_starts=dt.date(2026, 5, 4),
        fieldwork_ends=dt.date(2026, 7, 24),
        by=operator,
    )
    for structure in (structure_a, structure_b):
        lifecycle.enrol(later, structure, by=operator)
    # Metz answers its phone better in 2026; the Loiret does not take part.
    _fill(
        later,
        structure_b,
        "phone",
        PHONE | {"phone.agent_name": "oui", "phone.answer_quality": "complete"},
        2,
    )
    _fill(later, structure_b, "email", EMAIL, 2)
    Edition.objects.filter(pk=later.pk).update(status=Edition.Status.RESULTS)
    later.refresh_from_db()
    result_set = request_computation(later, by=operator)
    result_set.refresh_from_db()
    assert result_set.evolution["edition"] == "Baromètre 2025"
    assert result_set.evolution["structures"] == 1 and result_set.evolution["participants"] == 2
    scored = [c for c in grid.parsed().criteria if c.scored]  # same grid: all are shared
    assert result_set.evolution["shared_criteria"] == len(scored)
    report = structure_report(_result(result_set, "57463"))
    assert report.evolution["change"] > 0
    assert report.evolution["current"] == pytest.approx(
        report.evolution["previous"] + report.evolution["change"]
    )
    synthesis = national_synthesis(result_set)
    assert synthesis.change == pytest.approx(report.evolution["change"])
    assert synthesis.participants_change == pytest.approx(-50.0)


def test_the_funnel_places_each_structure_against_limits_around_the_national_mean(fabricate):
    from barometre.results.charts import funnel as funnel_chart

    result_set = fabricate(12)  # every structure: 14 audits, a 90 % interval of ± 4 points
    target = next(c["mean"] for c in result_set.stored_categories if c["category"] == "(national)")
    own = result_set.structures.order_by("score").first()
    report = structure_report(_result(result_set, own.structure.identifier))
    funnel = report.funnel
    # se = 8 / (2 × 1.6449) = 2.4318 for each structure, so sigma = 2.4318 × √14 = 9.099.
    assert funnel.sigma == pytest.approx(8 / (2 * 1.6448536) * 14**0.5, rel=1e-6)
    (row,) = funnel.rows
    assert (row["audits"], row["structures"]) == (14, 12)
    assert row["limits"].high95 == pytest.approx(target + 1.959964 * 8 / (2 * 1.6448536), abs=1e-4)
    scores = list(result_set.structures.values_list("score", flat=True))
    assert row["above"] == sum(s > row["limits"].high95 for s in scores)
    assert funnel.own.score == own.score and funnel.own_limits.n == 14
    svg = str(funnel_chart(funnel))
    assert svg.count("<circle") == 12 + 1  # the structures and the legend's own marker
    assert svg.count("<polyline") == 4 and "votre structure" in svg


STANDINGS = [
    # (above apart, below apart, rank, tied with the leader) → the sentence
    (None, None, 1, False, "Votre structure est la seule classée dans sa catégorie."),
    (
        None,
        True,
        1,
        False,
        "Votre structure est en tête de sa catégorie ; votre score se distingue de celui de "
        "la structure classée juste en dessous.",
    ),
    (
        None,
        False,
        1,
        False,
        "Votre structure est en tête de sa catégorie ; votre score ne peut pas être "
        "distingué de celui de la structure classée juste en dessous.",
    ),
    (
        True,
        True,
        4,
        False,
        "Votre score se distingue de celui de la structure classée juste au-dessus comme de "
        "celui de la structure classée juste en dessous.",
    ),
    (
        True,
        False,
        4,
        False,
        "Votre score se distingue de celui de la structure classée juste au-dessus, mais pas "
        "de celui de la structure classée juste en dessous.",
    ),
    (
        False,
        True,
        2,
        True,
        "Votre score ne peut pas être distingué de celui de la structure classée juste "
        "au-dessus, mais il se distingue de celui de la structure classée juste en dessous. "
        "Votre intervalle rejoint celui de la structure classée première.",
    ),
    (
        False,
        False,
        3,
        True,
        "Votre score ne peut être distingué ni de celui de la structure classée juste "
        "au-dessus, ni de celui de la structure classée juste en dessous. Votre intervalle "
        "rejoint celui de la structure classée première.",
    ),
    (
        True,
        None,
        9,
        False,
        "Votre score se distingue de celui de la structure classée juste au-dessus ; aucune "
        "structure n'est classée après la vôtre.",
    ),
    (
        False,
        None,
        9,
        True,
        "Votre score ne peut pas être distingué de celui de la structure classée juste "
        "au-dessus ; aucune structure n'est classée après la vôtre. Votre intervalle rejoint "
        "celui de la structure classée première.",
    ),
]


@pytest.mark.parametrize(("above", "below", "rank", "tied", "sentence"), STANDINGS)
def test_every_standing_reads_as_a_sentence_whose_subject_is_named(
    above, below, rank, tied, sentence
):
    from barometre.results.reports import standing_sentence

    assert standing_sentence(above, below, rank, tied) == sentence


def test_the_leader_is_told_how_its_score_compares_with_the_next_one(fabricate):
    """Seen on the Département de l'Aisne's dashboard: « … en tête de sa catégorie ; il se
    distingue de celui de la structure classée juste en dessous » (« il » had no subject)."""
    from django.template.loader import render_to_string

    result_set = fabricate(6)  # three ranked structures in each of two categories
    ranking = list(result_set.structures.filter(category="Communes B").order_by("rank"))
    for result, score in zip(ranking, (80, 70, 69), strict=True):
        StructureResult.objects.filter(pk=result.pk).update(
            score=score, score_low=score - 2, score_high=score + 2
        )
    first, second, last = (
        structure_report(_result(result_set, r.structure.identifier)) for r in ranking
    )
    html = " ".join(render_to_string("results/includes/standing.html", {"report": first}).split())
    assert html == (
        "<p>Votre structure est en tête de sa catégorie ; votre score se distingue de celui "
        "de la structure classée juste en dessous.</p>"
    )
    assert second.standing == (
        "Votre score se distingue de celui de la structure classée juste au-dessus, mais pas "
        "de celui de la structure classée juste en dessous."
    )
    assert last.standing.endswith("aucune structure n'est classée après la vôtre.")
