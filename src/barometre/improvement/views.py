import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from barometre.accounts.models import User
from barometre.campaigns.lifecycle import Refused
from barometre.core.downloads import download
from barometre.improvement import posters, register, surveys
from barometre.improvement.access import (
    WRITE,
    can_manage,
    can_write,
    get_entry,
    get_point,
    get_questionnaire,
    get_structure,
    improvement_structures,
)
from barometre.improvement.forms import (
    ActionForm,
    EntryForm,
    ImportForm,
    ItemFormSet,
    PaperSurveyForm,
    PointForm,
    QuestionnaireForm,
    RegisterFilterForm,
)
from barometre.improvement.models import (
    CollectionPoint,
    FeedbackEntry,
    FeedbackKind,
    Questionnaire,
)
from barometre.improvement.public import new_submission_key

MANAGE = ("manager",)


def _crumbs(structure, current: str, *links) -> dict:
    base = [{"url": "/amelioration/", "title": "Amélioration continue"},
            {"url": f"/amelioration/{structure.pk}/", "title": structure.name}]  # fmt: skip
    return {"breadcrumb_data": {"links": base + list(links), "current": current},
            "active_nav": "improvement"}  # fmt: skip


def index(request):
    structures = list(improvement_structures(request.user))
    if not structures:
        raise PermissionDenied(
            "L'amélioration continue est réservée aux équipes des structures (responsables "
            "qualité, agents, lecteurs)."
        )
    if len(structures) == 1:
        return redirect("improvement:structure", pk=structures[0].pk)
    return render(request, "improvement/index.html", {
        "structures": structures, "active_nav": "improvement",
        "breadcrumb_data": {"links": [], "current": "Amélioration continue"},
    })  # fmt: skip


def structure_home(request, pk: int):
    structure = get_structure(request.user, pk)
    today = timezone.localdate()
    overdue, soon = register.due_within([structure.pk], today)
    return render(request, "improvement/structure.html", {
        "structure": structure, "overdue": overdue.count(), "soon": soon.count(),
        "open": register.open_entries().filter(structure=structure).count(),
        "questionnaires": Questionnaire.objects.filter(structure=structure),
        "points": CollectionPoint.objects.filter(structure=structure)
        .select_related("questionnaire"),
        "can_write": can_write(request.user, pk), "can_manage": can_manage(request.user, pk),
        "breadcrumb_data": {"links": [{"url": "/amelioration/", "title": "Amélioration continue"}],
                            "current": structure.name},
        "active_nav": "improvement",
    })  # fmt: skip


# ---------------------------------------------------------------- feedback register


def entry_list(request, pk: int):
    structure = get_structure(request.user, pk)
    filters = RegisterFilterForm(request.GET or None)
    entries = FeedbackEntry.objects.filter(structure=structure).select_related("assigned_to")
    today = timezone.localdate()
    due = request.GET.get("echeance")
    if due in ("retard", "bientot"):
        overdue, soon = register.due_within([structure.pk], today)
        entries = overdue if due == "retard" else soon
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"] == "open":
            entries = entries.exclude(status__in=("answered", "closed"))
        elif data["status"]:
            entries = entries.filter(status=data["status"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["channel"]:
            entries = entries.filter(channel=data["channel"])
        if data["q"]:
            entries = entries.filter(Q(subject__icontains=data["q"]) |
                                     Q(reference__icontains=data["q"]) |
                                     Q(description__icontains=data["q"]))  # fmt: skip
    page = Paginator(entries.order_by("-received_on", "-id"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "improvement/entry_list.html", {
        "structure": structure, "filters": filters, "page_obj": page, "today": today,
        "querystring": query.urlencode(), "due": due, "can_write": can_write(request.user, pk),
        **_crumbs(structure, "Réclamations et suggestions"),
    })  # fmt: skip


def _staff(structure):
    return (User.objects.filter(memberships__structure=structure, memberships__role__in=WRITE)
            .distinct().order_by("username"))  # fmt: skip


def entry_create(request, pk: int):
    structure = get_structure(request.user, pk, WRITE)
    form = EntryForm(request.POST or None, staff=_staff(structure))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            entry, _ = register.create_entry(structure, by=request.user, **data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Fiche {entry.reference} enregistrée"
                             + (f" : réponse attendue le {entry.answer_due:%d/%m/%Y}."
                                if entry.answer_due else "."))  # fmt: skip
            return redirect("improvement:entry", pk=entry.pk)
    return render(request, "improvement/entry_form.html", {
        "structure": structure, "form": form,
        **_crumbs(structure, "Nouvelle fiche",
                  {"url": f"/amelioration/{pk}/registre/", "title": "Registre"}),
    })  # fmt: skip


def entry_detail(request, pk: int):
    entry = get_entry(request.user, pk)
    writable = can_write(request.user, entry.structure_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST":
        if not writable:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                register.transition(entry, data["action"], by=request.user,
                                    version=data["version"], on=data["on"],
                                    answer=data["answer"] or "")  # fmt: skip
            except register.Conflict as exc:
                messages.error(request, str(exc))
                entry.refresh_from_db()
            except (Refused, KeyError) as exc:
                messages.error(request, f"Impossible : {exc}.")
            else:
                messages.success(request, "Fiche mise à jour.")
                return redirect("improvement:entry", pk=entry.pk)
    actions = [(a, register.ACTION_LABELS[a]) for a, (sources, _) in register.TRANSITIONS.items()
               if entry.status in sources]  # fmt: skip
    events = [(ev, register.ACTION_LABELS.get(ev.action, ev.action))
              for ev in entry.events.select_related("by")]  # fmt: skip
    return render(request, "improvement/entry_detail.html", {
        "entry": entry, "structure": entry.structure, "actions": actions, "form": form,
        "writable": writable, "events": events, "today": timezone.localdate(),
        # On a conflict the answer typed is shown again, not lost.
        "typed_answer": request.POST.get("answer", entry.answer),
        **_crumbs(entry.structure, entry.reference,
                  {"url": f"/amelioration/{entry.structure_id}/registre/", "title": "Registre"}),
    })  # fmt: skip


def register_figures(request, pk: int):
    structure = get_structure(request.user, pk)
    this_year = timezone.localdate().year
    years = list(range(this_year - 3, this_year + 1))
    kinds = FeedbackKind.choices
    figures = register.figures(structure, years)
    for year in figures:
        year.cells = [year.count(code) for code, _ in kinds]
    return render(request, "improvement/figures.html", {
        "structure": structure, "years": years, "figures": figures, "kinds": kinds,
        **_crumbs(structure, "Bilan du registre",
                  {"url": f"/amelioration/{pk}/registre/", "title": "Registre"}),
    })  # fmt: skip


# ---------------------------------------------------------------- surveys


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
    return render(request, "improvement/questionnaire_edit.html", {
        "questionnaire": questionnaire, "form": form, "items": items, "structure": structure,
        **_crumbs(structure, "Modifier le questionnaire"),
    })  # fmt: skip


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
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "improvement/questionnaire.html", {
        "questionnaire": questionnaire, "structure": questionnaire.structure,
        "start": start, "end": end, "results": surveys.results(questionnaire, start, end),
        "years": years, "table": surveys.yearly_table(questionnaire, years),
        "total": questionnaire.responses.filter(answered_on__range=(start, end)).count(),
        "query": query,
        "comments": surveys.search_comments(questionnaire, query) if query else
        questionnaire.responses.exclude(comment="").order_by("-answered_on", "-id")[:20],
        "can_write": can_write(request.user, questionnaire.structure_id),
        "can_manage": can_manage(request.user, questionnaire.structure_id),
        **_crumbs(questionnaire.structure, questionnaire.title),
    })  # fmt: skip


def paper_entry(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, WRITE)
    form = PaperSurveyForm(request.POST or None, questionnaire=questionnaire,
                           initial={"submission_key": new_submission_key()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            _, created = surveys.submit(
                questionnaire, form.values(), comment=form.cleaned_data.get("comment", ""),
                answered_on=form.cleaned_data["answered_on"], source="paper",
                submission_key=form.cleaned_data["submission_key"], by=request.user,
            )  # fmt: skip
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Questionnaire enregistré." if created
                             else "Ce questionnaire était déjà enregistré.")  # fmt: skip
            return redirect("improvement:paper_entry", pk=questionnaire.pk)
    return render(request, "improvement/paper_entry.html", {
        "questionnaire": questionnaire, "form": form, "structure": questionnaire.structure,
        **_crumbs(questionnaire.structure, "Saisir un questionnaire papier"),
    })  # fmt: skip


def survey_import(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        written, problems = surveys.import_responses(
            questionnaire, upload.read(), upload.name, by=request.user,
            max_bytes=settings.IMPORT_MAX_BYTES,
        )  # fmt: skip
        if not problems:
            messages.success(request, f"{written} questionnaire(s) importé(s).")
            return redirect("improvement:questionnaire", pk=questionnaire.pk)
    return render(request, "improvement/survey_import.html", {
        "questionnaire": questionnaire, "form": form, "problems": problems,
        "structure": questionnaire.structure, "codes": questionnaire.items.all(),
        **_crumbs(questionnaire.structure, "Importer des questionnaires"),
    })  # fmt: skip


def point_create(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    form = PointForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        point = form.save(commit=False)
        point.structure = structure
        point.save()
        messages.success(request, f"Point de collecte « {point.label} » créé.")
        return redirect("improvement:structure", pk=structure.pk)
    return render(request, "improvement/point_form.html", {
        "structure": structure, "form": form, **_crumbs(structure, "Nouveau point de collecte"),
    })  # fmt: skip


def point_qr(request, pk: int, fmt: str):
    point = get_point(request.user, pk)
    if fmt == "svg":
        return HttpResponse(posters.qr_svg(point), content_type="image/svg+xml")
    if fmt == "png":
        return HttpResponse(posters.qr_png(point), content_type="image/png")
    return download(posters.poster_pdf(point), f"affiche-{point.token}.pdf")
