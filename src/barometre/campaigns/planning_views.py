"""The planning page of an edition: every audit, filters, bulk reassignment under the
planner's rules, and the spreadsheet export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from barometre.accounts.models import User
from barometre.campaigns import lifecycle
from barometre.campaigns.access import get_edition_for_runner
from barometre.campaigns.planning import (
    AuditFilterForm,
    edition_tasks,
    export_planning,
    week_label,
)
from barometre.core.downloads import download
from barometre.core.errors import Refused
from barometre.core.figures import count_of, plural
from barometre.core.navigation import crumbs, link

PAGE_SIZE = 100
MAX_BULK = 200


def _bulk_reassign(request, edition) -> None:
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()][:MAX_BULK]
    auditor = User.objects.filter(pk=request.POST.get("auditor") or 0).first()
    if not ids:
        messages.error(request, "Cochez au moins un audit à réattribuer.")
        return
    if auditor is None:
        messages.error(request, "Choisissez l'enquêteur à qui confier les audits cochés.")
        return
    tasks = list(edition.tasks.filter(pk__in=ids).select_related("structure", "edition"))
    try:
        count = lifecycle.reassign_many(tasks, auditor, by=request.user)
        messages.success(request, f"{count_of(count, 'audit')} confié{plural(count)} à {auditor}.")
    except Refused as exc:
        messages.error(request, "Aucun audit n'a été réattribué :")
        for reason in exc.reasons[:20]:
            messages.error(request, reason)


def edition_audits(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    if request.method == "POST":
        _bulk_reassign(request, edition)
        return redirect(request.get_full_path())
    filters = AuditFilterForm(request.GET or None, edition=edition)
    tasks = filters.filter(edition_tasks(edition))
    if request.GET.get("format") == "xlsx":
        return download(export_planning(tasks), f"planning-{edition.year}-{edition.pk}.xlsx")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/planning.html",
        {
            "edition": edition,
            "filters": filters,
            "page_obj": page,
            "rows": [(task, week_label(task)) for task in page],
            "querystring": query.urlencode(),
            "auditors": lifecycle.staff(edition),
            "reassignable": edition.status in ("draft", "enrolment", "fieldwork"),
            **crumbs(
                "Planning des audits",
                link("Éditions", "campaigns:editions"),
                link(edition.name, "campaigns:edition", edition.pk),
            ),
        },
    )
