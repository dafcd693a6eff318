from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from barometre.campaigns.access import get_edition_for_runner
from barometre.campaigns.lifecycle import Refused
from barometre.results.computing import publish, request_computation


def edition_results(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    result_sets = list(edition.result_sets.select_related("requested_by"))
    latest = result_sets[0] if result_sets else None
    ranking = (
        latest.structures.select_related("structure").order_by("category", "rank", "-score")
        if latest and latest.status == "ready"
        else []
    )
    return render(request, "results/edition.html", {
        "edition": edition, "result_sets": result_sets, "latest": latest, "ranking": ranking,
        "busy": latest is not None and latest.status in ("queued", "computing"),
        "breadcrumb_data": {"links": [{"url": f"/terrain/editions/{edition.pk}/",
                                       "title": edition.name}], "current": "Résultats"},
    })  # fmt: skip


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
    edition = get_edition_for_runner(request.user, pk)
    result_set = edition.result_sets.filter(version=version).first()
    if result_set is None:
        raise Http404("Version introuvable.")
    try:
        publish(result_set, by=request.user)
        messages.success(request, f"Version {version} publiée : elle ne changera plus.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("results:edition", pk=edition.pk)
