from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from barometre.campaigns.access import get_edition_for_runner
from barometre.campaigns.lifecycle import Refused
from barometre.core.downloads import download
from barometre.results.computing import publish, request_computation
from barometre.results.exports import export_results, open_data_csv, table_schema
from barometre.results.models import ResultSet
from barometre.results.palmares import confirm_laureate, palmares


def edition_results(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    result_sets = list(edition.result_sets.select_related("requested_by"))
    latest = result_sets[0] if result_sets else None
    ranking = (
        latest.structures.select_related("structure").order_by("category", "rank", "-score")
        if latest and latest.status == "ready"
        else []
    )
    categories = palmares(latest) if ranking and not edition.owner_id else []
    return render(request, "results/edition.html", {
        "edition": edition, "result_sets": result_sets, "latest": latest, "ranking": ranking,
        "palmares": categories,
        "busy": latest is not None and latest.status in ("queued", "computing"),
        "breadcrumb_data": {"links": [{"url": f"/terrain/editions/{edition.pk}/",
                                       "title": edition.name}], "current": "Résultats"},
    })  # fmt: skip


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


@require_POST
def publish_version(request, pk: int, version: int):
    edition, result_set = _version(request, pk, version)
    try:
        publish(result_set, by=request.user)
        messages.success(request, f"Version {version} publiée : elle ne changera plus.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)


def export(request, pk: int, version: int):
    edition, result_set = _version(request, pk, version, status="ready")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    extension = "zip" if fmt == "csv" else "xlsx"  # CSV: one file per table, zipped
    name = f"resultats-{edition.year}-v{version}.{extension}"
    return download(export_results(result_set, fmt), name)


def _published_national(pk: int):
    result_set = (
        ResultSet.objects.filter(edition_id=pk, edition__owner__isnull=True,
                                 published_at__isnull=False)
        .select_related("edition").order_by("-version").first()
    )  # fmt: skip
    if result_set is None:
        raise Http404("Aucun résultat publié pour cette édition.")
    return result_set


@login_not_required
def open_data(request, pk: int):
    """Public: the latest published national aggregates, as CSV."""
    result_set = _published_national(pk)
    return download(open_data_csv(result_set), f"barometre-{result_set.edition.year}-agregats.csv")


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
        messages.success(request, f"Lauréat confirmé : {chosen}.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)


@login_not_required
def public_palmares(request, pk: int):
    """Public page of a published national edition: the palmarès of structures that
    accepted publication, and national aggregates only."""
    result_set = _published_national(pk)
    national = next((c for c in result_set.categories if c["category"] == "(national)"), None)
    return render(request, "results/public_palmares.html", {
        "result_set": result_set, "edition": result_set.edition, "national": national,
        "palmares": palmares(result_set, public=True),
    })  # fmt: skip
