import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from barometre.campaigns.access import get_edition_for_runner
from barometre.core.deferred import workbook_response
from barometre.core.downloads import download, streamed_download
from barometre.core.errors import Refused
from barometre.core.figures import rounded
from barometre.core.navigation import crumbs, link
from barometre.core.public_pages import (
    KeyQuery,
    content_etag,
    for_visitors,
    visitor_download,
)
from barometre.results import publication
from barometre.results.access import (
    complete,
    get_structure_result,
    get_synthesis_result_set,
)
from barometre.results.awards import award_filename, certificate_pdf, press_kit
from barometre.results.batches import request_batch
from barometre.results.computing import (
    COMPUTABLE,
    publish,
    request_computation,
    review_publication,
)
from barometre.results.exports import (
    export_results,
    open_data_csv,
    results_csv_zip_chunks,
    rows_estimate,
    table_schema,
)
from barometre.results.forms import RankingFilterForm
from barometre.results.internal import internal_report
from barometre.results.models import ReportBatch, ResultSet
from barometre.results.palmares import award_for, confirm_laureate, palmares
from barometre.results.pdf import report_filename, report_pdf, synthesis_pdf
from barometre.results.reports import national_synthesis, structure_report
from barometre.structures.models import Structure

RANKING_PAGE_SIZE = 50


def edition_results(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    result_sets = list(edition.result_sets.select_related("requested_by"))
    latest = result_sets[0] if result_sets else None
    ready = latest if latest is not None and latest.status == "ready" else None
    # The ranking a page at a time, filtered by category or name: the page's work does
    # not grow with the number of structures of the edition.
    category_names = (
        list(ready.structures.order_by("category").values_list("category", flat=True).distinct())
        if ready
        else []
    )
    filters = RankingFilterForm(request.GET or None, categories=category_names)
    rows = ready.structures.select_related("structure") if ready else None
    if rows is not None and not edition.owner_id:  # the ranking shows scores, not the large details
        rows = rows.defer("details")
    ranking = (
        filters.filter(rows).order_by("category", "rank", "-score", "structure__name")
        if rows is not None
        else []
    )
    page = Paginator(ranking, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    categories = palmares(ready) if ready and not edition.owner_id else []
    # The ranking says which structures of the page did not accept publication (they are
    # ranked, but neither proposed nor distinguished).
    unpublished = (
        set(
            edition.enrolments.filter(
                publish_results=False, structure_id__in=[r.structure_id for r in page]
            ).values_list("structure_id", flat=True)
        )
        if ready and not edition.owner_id
        else set()
    )
    # An internal campaign is read against its target: no key figures, ranking or coverage.
    internal = [internal_report(r) for r in page] if edition.owner_id else []
    batch = latest.batches.first() if latest else None
    # Work whose worker went silent (killed) is neither waited for nor refreshed: the page
    # says so and offers to relaunch it (core.background.Job).
    batch_busy = batch is not None and batch.busy
    computing = latest is not None and latest.busy
    return render(
        request,
        "results/edition.html",
        {
            "edition": edition,
            "result_sets": result_sets,
            "latest": latest,
            "filters": filters,
            "page_obj": page,
            "ranking": page.object_list,
            "palmares": categories,
            "unpublished": unpublished,
            "internal": internal,
            "batch": batch,
            "batch_busy": batch_busy,
            "computing": computing,
            "busy": computing or batch_busy,  # the page refreshes itself
            "computable": edition.status in COMPUTABLE,
            **crumbs("Résultats", link(edition.name, "campaigns:edition", edition.pk)),
        },
    )


def _version(request, pk: int, version: int, **filters):
    """The edition (run by this user) and one of its result versions, or 404."""
    edition = get_edition_for_runner(request.user, pk)
    result_set = edition.result_sets.filter(version=version, **filters).first()
    if result_set is None:
        raise Http404("Version introuvable.")
    return edition, result_set


@require_POST
def compute(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    try:
        result_set = request_computation(edition, by=request.user)
        messages.success(request, f"Calcul de la version {result_set.version} lancé.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)


def publish_version(request, pk: int, version: int):
    """The publication as a reviewed decision: what becomes public and to whom, the
    coverage rules the version passes, then the operator's confirmation."""
    edition, result_set = _version(request, pk, version)
    if result_set.published_at is not None:
        messages.info(request, f"La version {version} est déjà publiée.")
        return redirect("results:edition", pk=edition.pk)
    erratum = request.POST.get("erratum", "")
    if request.method == "POST":
        try:
            publish(result_set, by=request.user, erratum=erratum)
            kind = "corrigée " if result_set.version > 1 and erratum.strip() else ""
            messages.success(request, f"Version {kind}{version} publiée : elle ne changera plus.")
            return redirect("results:edition", pk=edition.pk)
        except Refused as exc:
            for reason in exc.reasons:
                messages.error(request, reason[0].upper() + reason[1:] + ".")
    return render(
        request,
        "results/publish.html",
        {
            "edition": edition,
            "review": review_publication(result_set),
            "erratum": erratum,
            **crumbs(
                f"Publier la version {version}",
                link(edition.name, "campaigns:edition", edition.pk),
                link("Résultats", "results:edition", edition.pk),
            ),
        },
    )


def export(request, pk: int, version: int):
    edition, result_set = _version(request, pk, version, status="ready")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    extension = "zip" if fmt == "csv" else "xlsx"  # CSV: one file per table, zipped
    name = f"resultats-{edition.year}-v{version}.{extension}"
    if fmt == "csv":  # streamed: the first tables leave while the next are written
        return streamed_download(results_csv_zip_chunks(result_set), name)
    return workbook_response(  # a workbook cannot stream: a large one is built by the worker
        request,
        rows=rows_estimate(result_set),
        immediate=lambda: export_results(result_set, fmt),
        builder="barometre.results.exports.result_sheets",
        arguments={"result_set_id": result_set.pk},
        title=f"Export des résultats — {edition.name}, version {version}",
        filename=name,
        back_url=reverse("results:edition", args=[edition.pk]),
    )


def _published_national(pk: int):
    """The latest published version, without its large fields (see ``complete``)."""
    result_set = (
        ResultSet.objects.published_national()
        .filter(edition_id=pk)
        .select_related("edition")
        .without_large_fields()
        .order_by("-version")
        .first()
    )
    if result_set is None:
        raise Http404("Aucun résultat publié pour cette édition.")
    return result_set


@login_not_required
def open_data(request, pk: int):
    """Public: the latest published national aggregates, as CSV."""
    result_set = _published_national(pk)
    content = per_version("open_data", result_set, lambda: open_data_csv(complete(result_set)))
    response = download(content, f"barometre-{result_set.edition.year}-agregats.csv")
    # The version's key names everything the file shows (a correction, a rename).
    etag = content_etag(version_key("open_data", result_set))
    return visitor_download(request, response, etag)


@login_not_required
def open_data_schema(request, pk: int):
    _published_national(pk)
    return HttpResponse(table_schema(), content_type="application/json; charset=utf-8")


@require_POST
def laureate(request, pk: int, version: int):
    edition, result_set = _version(request, pk, version)
    try:
        chosen = confirm_laureate(
            result_set,
            request.POST.get("category", ""),
            int(request.POST.get("structure") or 0),
            request.POST.get("jury_note", ""),
            by=request.user,
        )
        messages.success(
            request,
            f"Lauréat confirmé dans la catégorie « {chosen.category} » : {chosen.structure.name}.",
        )
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)


@login_not_required
def public_palmares(request, pk: int):
    """Public page of a published national edition: the palmarès of structures that
    accepted publication, and national aggregates only."""

    def page() -> HttpResponse:
        result_set = _published_national(pk)

        def body() -> str:
            full = complete(result_set)
            national = publication.categories_by_name(full).get(publication.NATIONAL)
            return render_to_string(
                "results/public_palmares_main.html",
                {
                    "result_set": full,
                    "edition": full.edition,
                    "national": national,
                    "palmares": palmares(full, public=True),
                },
            )

        main = version_body("palmares", result_set, body)
        context = {"edition": result_set.edition, "main": main}
        return render(request, "results/public_palmares.html", context)

    return visitor_page(request, "palmares", pk, page)


PUBLIC_CACHE_SECONDS = 24 * 3600


def version_key(page: str, result_set: ResultSet, part: object = "") -> str:
    """The cache key of what a page makes of one result version. It names the version,
    when it was computed and when it was published: the views look up the latest version
    first (a correction published later is another version), so a publication is served
    at once, never a stale body. (What else the bodies read is frozen once the edition
    publishes: the enrolments' publication consent, the laureates of a published
    version.)"""
    computed = result_set.computed_at or result_set.requested_at
    published = result_set.published_at.timestamp() if result_set.published_at else "-"
    changed = _LAST_STRUCTURE_CHANGE.values_list("updated_at", flat=True).first()
    names = changed.timestamp() if changed else "-"
    return f"{page}:{result_set.pk}:{part}:{computed.timestamp()}:{published}:{names}"


# When a structure last changed (a rename among others): the pages and documents of a
# version show the structures' current names, so a change gives them a new key at once, in
# every server process. One index lookup (structures.Structure's updated_at index).
_LAST_STRUCTURE_CHANGE = Structure.objects.order_by("-updated_at").values("updated_at")[:1]


def per_version(page: str, result_set: ResultSet, build, *, part: object = ""):
    """What ``build`` makes of one result version (a page body, a PDF), built once per
    version and served from the cache (see ``version_key``)."""
    key = version_key(page, result_set, part)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PUBLIC_CACHE_SECONDS)
    return value


def version_body(page: str, result_set: ResultSet, build) -> str:
    return mark_safe(per_version(page, result_set, build))  # noqa: S308 (our templates)


# What a visitor's key names: the latest published version of a national edition.
_LATEST_PUBLISHED = KeyQuery(
    lambda edition_id: (
        ResultSet.objects.published_national()
        .filter(edition_id=edition_id)
        .order_by("-version")
        .annotate(names=Subquery(_LAST_STRUCTURE_CHANGE))
        .values_list("pk", "computed_at", "requested_at", "published_at", "names")[:1]
    ),
    int,
)


def visitor_page(request, page: str, pk: int, render_page) -> HttpResponse:
    """A public page of an edition's latest published version: visitors who are not logged
    in get the whole page from the cache of that version — a press day's traffic costs one
    lookup of the latest version, compiled once (``core.public_pages``). Others get
    ``render_page()``, which finds the version they may see."""

    def key() -> str:
        latest = _LATEST_PUBLISHED(pk)
        if latest is None:
            raise Http404("Aucun résultat publié pour cette édition.")
        return f"{page}.visitor:{pk}:" + ":".join(str(value) for value in latest)

    return for_visitors(request, key, render_page, seconds=PUBLIC_CACHE_SECONDS)


def _json(values) -> str:
    return json.dumps(values, ensure_ascii=False)


def _chart(rows, own: bool = True) -> dict:
    """Attributes of a DSFR chart (x, y, name) comparing the structure, its category and
    France; missing values are drawn as 0 and the table says "non audité"."""
    series = ([[rounded(r.score) for r in rows]] if own else []) + [
        [rounded(r.category) for r in rows],
        [rounded(r.national) for r in rows],
    ]
    names = (["Votre structure"] if own else []) + ["Moyenne de la catégorie", "Moyenne nationale"]
    return {"x": _json([[r.label for r in rows]]), "y": _json(series), "name": _json(names)}


DASHBOARD_CACHE_SECONDS = 3600


def structure_dashboard(request, pk: int, structure_pk: int):
    """Access is checked on every request; the body depends only on the result version
    (a computed version changes only by being recomputed, which moves ``computed_at``),
    so it is rendered once per version and served from the cache."""
    result = get_structure_result(request.user, pk, structure_pk, page_only=True)
    result_set = result.result_set
    computed = result_set.computed_at or result_set.requested_at
    # Publishing changes what the body shows (the distinction and its documents).
    published = int(result_set.published_at is not None)
    key = f"dashboard:{result_set.pk}:{result.pk}:{computed.timestamp()}:{published}"
    main = cache.get(key)
    if main is None:
        full = get_structure_result(request.user, pk, structure_pk)
        main = _dashboard_body(full)
        cache.set(key, main, DASHBOARD_CACHE_SECONDS)
    edition = result_set.edition
    return render(
        request,
        "results/dashboard.html",
        {
            "r": result,
            "edition": edition,
            "main": mark_safe(main),  # noqa: S308 (our template)
            "published": result_set.published_at is not None,
            "version": result_set.version,
            **crumbs(
                f"Résultats {edition.year}",
                link(result.structure.name, "structures:detail", structure_pk),
            ),
        },
    )


def _dashboard_body(full) -> str:
    """An internal campaign is read against its target only; a national edition's
    structure against its category and France."""
    if full.result_set.edition.owner_id:
        return render_to_string("results/internal_main.html", {"report": internal_report(full)})
    report = structure_report(full)
    charts = {
        "channels": _chart(report.channels),
        "stages": _chart(report.stages),
        "determinants": _chart(report.determinants),
    }
    award = award_for(full)
    # Once published (the consent no longer changes then), a structure that refused the
    # publication of its results is told why it is in no palmarès.
    unpublished = (
        award is None
        and full.result_set.published_at is not None
        and not full.result_set.edition.enrolments.filter(
            structure_id=full.structure_id, publish_results=True
        ).exists()
    )
    context = {
        "report": report,
        "r": full,
        "edition": report.edition,
        "charts": charts,
        "award": award,
        "unpublished": unpublished,
    }
    return render_to_string("results/dashboard_main.html", context)


def structure_report_pdf(request, pk: int, structure_pk: int):
    full = get_structure_result(request.user, pk, structure_pk)

    def build() -> tuple[bytes, str]:
        internal = full.result_set.edition.owner_id is not None
        report = internal_report(full) if internal else structure_report(full)
        return report_pdf(report), report_filename(report)

    content, filename = per_version("report", full.result_set, build, part=full.pk)
    return download(content, filename)


def _web_bars(labels: list[str], values: list, name: str, horizontal: bool = True) -> str:
    """A DSFR bar chart element (its table is next to it in the page). Its labels are
    wrapped, and its height set, in the browser to the width the chart has
    (static/barometre/charts.js)."""
    return format_html(
        '<div aria-hidden="true"><bar-chart x="{}" y="{}" name="{}"{}></bar-chart></div>',
        _json([labels]),
        _json([[rounded(v) for v in values]]),
        _json([name]),
        mark_safe(' horizontal="true" x-min="0" x-max="100"') if horizontal else "",
    )


@login_not_required
def synthesis(request, pk: int):
    def page() -> HttpResponse:
        result_set = get_synthesis_result_set(request.user, pk)

        def body() -> str:
            s = national_synthesis(complete(result_set))
            tens = range(0, 100, 10)
            charts = {
                "categories": _web_bars(
                    [c.category for c in s.published_categories],
                    [c.mean for c in s.published_categories],
                    "Score moyen",
                ),
                "channels": _web_bars(
                    [c.label for c in s.published_channels],
                    [c.score for c in s.published_channels],
                    "Score moyen",
                ),
                "histogram": _web_bars(
                    [f"{lo}–{lo + 9 if lo < 90 else 100}" for lo in tens],
                    s.histogram,
                    "Structures",
                    horizontal=False,
                ),
            }
            return render_to_string(
                "results/synthesis_main.html",
                {
                    "s": s,
                    "edition": result_set.edition,
                    "tens": tens,
                    "charts": charts,
                },
            )

        main = version_body("synthesis", result_set, body)
        context = {"edition": result_set.edition, "main": main}
        return render(request, "results/synthesis.html", context)

    return visitor_page(request, "synthesis", pk, page)


@login_not_required
def synthesis_pdf_view(request, pk: int):
    result_set = get_synthesis_result_set(request.user, pk)
    content = per_version(
        "synthesis.pdf", result_set, lambda: synthesis_pdf(national_synthesis(complete(result_set)))
    )
    return download(content, f"synthese-{result_set.edition.year}-v{result_set.version}.pdf")


@require_POST
def request_reports(request, pk: int, version: int):
    edition, result_set = _version(request, pk, version)
    try:
        batch = request_batch(result_set, by=request.user)
        messages.success(request, f"Production de {batch.total} rapports lancée.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)


def download_reports(request, pk: int, version: int, batch: int):
    edition, result_set = _version(request, pk, version)
    found = ReportBatch.objects.filter(pk=batch, result_set=result_set, status="ready").first()
    if found is None or not found.file:
        raise Http404("Archive introuvable.")
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"rapports-{edition.year}-v{version}.zip",
    )


def _award(request, pk: int, structure_pk: int):
    """The distinction of a structure in a published national edition, for its managers
    (and the operators), or 404."""
    # The published version's, even while a correction is being prepared.
    award = award_for(get_structure_result(request.user, pk, structure_pk, published=True))
    if award is None:
        raise Http404("Aucune distinction publiée pour cette structure dans cette édition.")
    return award


def award_certificate(request, pk: int, structure_pk: int):
    award = _award(request, pk, structure_pk)
    # A published version's palmarès no longer changes: its certificates are built once.
    content = per_version(
        "certificate.pdf",
        award.result.result_set,
        lambda: certificate_pdf(award),
        part=award.result.structure_id,
    )
    return download(content, award_filename(award, "diplome", "pdf"))


def award_press_kit(request, pk: int, structure_pk: int):
    award = _award(request, pk, structure_pk)
    url = request.build_absolute_uri(reverse("guide_page", args=["methodologie"]))
    text = press_kit(award, methodology_url=url)
    return download(text.encode("utf-8"), award_filename(award, "kit-presse", "txt"))
