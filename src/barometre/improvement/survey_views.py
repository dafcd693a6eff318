"""Satisfaction surveys: questionnaires, collection points and their QR codes, results,
paper entry, file import and single-use links."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from barometre.core.downloads import download
from barometre.core.errors import Refused
from barometre.core.exporting import Column, write_csv
from barometre.core.figures import count_of, plural
from barometre.core.uploads import import_limits
from barometre.engine.themes import MIN_COMMENTS
from barometre.improvement import (
    mailings,
    posters,
    surveys,
)
from barometre.improvement.access import (
    WRITE,
    can_manage,
    can_write,
    get_point,
    get_questionnaire,
    get_structure,
)
from barometre.improvement.pages import MANAGE, structure_crumbs
from barometre.improvement.public import new_submission_key
from barometre.improvement.survey_forms import (
    CommentSearchForm,
    ImportForm,
    ItemFormSet,
    PaperSurveyForm,
    PointForm,
    QuestionnaireForm,
)


@require_POST
def questionnaire_create(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    questionnaire = surveys.create_from_template(structure)
    messages.success(request, "Questionnaire créé à partir du modèle Services Publics+.")
    return redirect("improvement:questionnaire_edit", pk=questionnaire.pk)


def questionnaire_edit(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, MANAGE)
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    items = ItemFormSet(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid() and items.is_valid():
        form.save()
        items.save()
        messages.success(request, "Questionnaire enregistré.")
        return redirect("improvement:questionnaire", pk=questionnaire.pk)
    structure = questionnaire.structure
    return render(
        request,
        "improvement/questionnaire_edit.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "items": items,
            "structure": structure,
            **structure_crumbs(structure, "Modifier le questionnaire"),
        },
    )


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.GET.get("au", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


def questionnaire_results(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk)
    start, end = _period(request)
    year = timezone.localdate().year
    years = [year - 2, year - 1, year]
    search = CommentSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    period = surveys.period_results(questionnaire, start, end)
    sending = [
        (m, mailings.response_rate(m), mailings.progress(m)) for m in questionnaire.mailings.all()
    ]
    return render(
        request,
        "improvement/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "structure": questionnaire.structure,
            "start": start,
            "end": end,
            "results": period.items,
            "years": years,
            "table": surveys.yearly_table(questionnaire, years),
            "total": period.responses,
            "query": query,
            "search": search,
            "themes": surveys.themes(questionnaire, start, end, period.version),
            # The comments of the period shown, the newest 20 (or those found, 100 at most).
            "comments": surveys.search_comments(
                questionnaire, query, 100 if query else 20, start=start, end=end
            ),
            "min_comments": MIN_COMMENTS,
            "can_write": can_write(request.user, questionnaire.structure_id),
            "can_manage": can_manage(request.user, questionnaire.structure_id),
            "mailings": sending,
            "sending": any(m.busy for m, _, _ in sending),  # the page follows the sending
            **structure_crumbs(questionnaire.structure, questionnaire.title),
        },
    )


def paper_entry(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, WRITE)
    form = PaperSurveyForm(
        request.POST or None,
        questionnaire=questionnaire,
        initial={"submission_key": new_submission_key()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, created = surveys.submit(
                questionnaire,
                form.values(),
                comment=form.cleaned_data.get("comment", ""),
                answered_on=form.cleaned_data["answered_on"],
                source="paper",
                submission_key=form.cleaned_data["submission_key"],
                by=request.user,
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Questionnaire enregistré."
                if created
                else "Ce questionnaire était déjà enregistré.",
            )
            return redirect("improvement:paper_entry", pk=questionnaire.pk)
    return render(
        request,
        "improvement/paper_entry.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "structure": questionnaire.structure,
            **structure_crumbs(questionnaire.structure, "Saisir un questionnaire papier"),
        },
    )


def survey_import(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        written, problems = surveys.import_responses(
            questionnaire, upload.read(), upload.name, by=request.user, **import_limits()
        )
        if not problems:
            messages.success(
                request, f"{count_of(written, 'questionnaire')} importé{plural(written)}."
            )
            return redirect("improvement:questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "improvement/survey_import.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "problems": problems,
            "structure": questionnaire.structure,
            "codes": questionnaire.items.all(),
            **structure_crumbs(questionnaire.structure, "Importer des questionnaires"),
        },
    )


def point_create(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    form = PointForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        point = form.save(commit=False)
        point.structure = structure
        point.save()
        messages.success(request, f"Point de collecte « {point.label} » créé.")
        return redirect("improvement:structure", pk=structure.pk)
    return render(
        request,
        "improvement/point_form.html",
        {
            "structure": structure,
            "form": form,
            **structure_crumbs(structure, "Nouveau point de collecte"),
        },
    )


def point_qr(request, pk: int, fmt: str):
    point = get_point(request.user, pk)
    if fmt == "svg":
        return HttpResponse(posters.qr_svg(point), content_type="image/svg+xml")
    if fmt == "png":
        return HttpResponse(posters.qr_png(point), content_type="image/png")
    return download(posters.poster_pdf(point), f"affiche-{point.token}.pdf")


@require_POST
def invitations(request, pk: int):
    """Single-use links to the questionnaire, as a CSV file to merge into messages."""
    questionnaire = get_questionnaire(request.user, pk, MANAGE)
    try:
        count = int(request.POST.get("count", "0"))
        created = surveys.create_invitations(questionnaire, count)
    except (ValueError, Refused) as exc:
        messages.error(request, f"Impossible : {exc}.")
        return redirect("improvement:questionnaire", pk=pk)
    base = settings.BAROMETRE_SITE_URL.rstrip("/")
    links = [(i.token, base + reverse("public:invitation", args=[i.token])) for i in created]
    content = write_csv([Column("jeton", lambda r: r[0]), Column("lien", lambda r: r[1])], links)
    return download(content, f"liens-uniques-{questionnaire.pk}.csv")
