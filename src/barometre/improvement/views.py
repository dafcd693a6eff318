import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from barometre.accounts.models import User
from barometre.core.downloads import download
from barometre.core.errors import Conflict, Refused
from barometre.core.exporting import Column, write_csv, write_xlsx
from barometre.core.pdf import render_pdf
from barometre.core.uploads import import_limits
from barometre.engine import sp_engagements
from barometre.improvement import (
    annual,
    catalogue,
    dashboard,
    mailings,
    posters,
    register,
    surveys,
)
from barometre.improvement.access import (
    WRITE,
    can_manage,
    can_write,
    get_entry,
    get_point,
    get_questionnaire,
    get_structure,
    improvement_structures,
    sees_personal_data,
)
from barometre.improvement.experiences import apply_experiences, plan_experiences
from barometre.improvement.forms import (
    ActionForm,
    CommentSearchForm,
    DeadlineRuleFormSet,
    DecisionFormSet,
    EntryEditForm,
    EntryForm,
    ExperiencesImportForm,
    ImportForm,
    IndicatorForm,
    ItemFormSet,
    MeetingForm,
    MemberForm,
    PaperSurveyForm,
    PlanActionForm,
    PointForm,
    ProfileForm,
    QuestionnaireForm,
    RegisterFilterForm,
    SelfAssessmentForm,
    StatementFormSet,
    TargetFormSet,
    TrainingForm,
    ValueFormSet,
    with_one_more_row,
)
from barometre.improvement.models import (
    Action,
    CollectionPoint,
    CommitteeMember,
    DeadlineRule,
    FeedbackEntry,
    FeedbackKind,
    ImprovementProfile,
    Indicator,
    IndicatorValue,
    Meeting,
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
        "last_year": today.year - 1,
        "profile": ImprovementProfile.objects.filter(structure=structure).first(),
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
            entries = entries.filter(_search(request.user, structure, data["q"]))
    page = Paginator(entries.order_by("-received_on", "-id"), 25).get_page(request.GET.get("page"))
    page.object_list = [_shown(request.user, e) for e in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "improvement/entry_list.html", {
        "structure": structure, "filters": filters, "page_obj": page, "today": today,
        "querystring": query.urlencode(), "due": due, "can_write": can_write(request.user, pk),
        "can_manage": can_manage(request.user, pk),
        **_crumbs(structure, "Réclamations et suggestions"),
    })  # fmt: skip


def _shown(user, entry: FeedbackEntry) -> FeedbackEntry:
    return entry if sees_personal_data(user, entry) else register.masked(entry)


def _search(user, structure, text: str) -> Q:
    """The texts are searched only where the reader sees them as written: otherwise a
    search for a name would tell which masked entry holds it."""
    words = Q(subject__icontains=text) | Q(description__icontains=text)
    if not can_manage(user, structure.pk):
        words &= Q(assigned_to=user)
    return Q(reference__icontains=text) | words


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
    personal_data = sees_personal_data(request.user, entry)
    writable = can_write(request.user, entry.structure_id)
    edit_form = EntryEditForm(
        request.POST if request.POST.get("action") == "edit" else None, instance=entry,
        initial={"version": entry.version}, staff=_staff(entry.structure),
        structure=entry.structure, prefix="fiche",
    )  # fmt: skip
    if request.method == "POST" and request.POST.get("action") == "edit":
        if not writable:
            return HttpResponse(status=403)
        if edit_form.is_valid():
            data = dict(edit_form.cleaned_data)
            version = data.pop("version")
            try:
                register.edit(entry, by=request.user, version=version, **data)
            except Conflict as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Fiche mise à jour.")
                return redirect("improvement:entry", pk=entry.pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") != "edit":
        if not writable:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                register.transition(entry, data["action"], by=request.user,
                                    version=data["version"], on=data["on"],
                                    answer=data["answer"] or "")  # fmt: skip
            except Conflict as exc:
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
    shown = entry if personal_data else register.masked(entry)
    return render(request, "improvement/entry_detail.html", {
        "entry": shown, "structure": entry.structure, "actions": actions, "form": form,
        "writable": writable, "events": events, "today": timezone.localdate(),
        "edit_form": edit_form, "personal_data": personal_data,
        # On a conflict the answer typed is shown again, not lost.
        "typed_answer": request.POST.get("answer", shown.answer),
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
    search = CommentSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return render(request, "improvement/questionnaire.html", {
        "questionnaire": questionnaire, "structure": questionnaire.structure,
        "start": start, "end": end, "results": surveys.results(questionnaire, start, end),
        "years": years, "table": surveys.yearly_table(questionnaire, years),
        "total": questionnaire.responses.filter(answered_on__range=(start, end)).count(),
        "query": query, "search": search, "themes": surveys.themes(questionnaire, start, end),
        "comments": surveys.search_comments(questionnaire, query) if query else
        questionnaire.responses.exclude(comment="").order_by("-answered_on", "-id")[:20],
        "can_write": can_write(request.user, questionnaire.structure_id),
        "can_manage": can_manage(request.user, questionnaire.structure_id),
        "mailings": [(m, mailings.response_rate(m)) for m in questionnaire.mailings.all()],
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
            questionnaire, upload.read(), upload.name, by=request.user, **import_limits()
        )
        if not problems:
            messages.success(request, f"{written} questionnaire(s) importé(s).")
            return redirect("improvement:questionnaire", pk=questionnaire.pk)
    return render(request, "improvement/survey_import.html", {
        "questionnaire": questionnaire, "form": form, "problems": problems,
        "structure": questionnaire.structure, "codes": questionnaire.items.all(),
        **_crumbs(questionnaire.structure, "Importer des questionnaires"),
    })  # fmt: skip


def experiences_import(request, pk: int):
    """The experiences users shared on Services Publics+, into the register: checked
    first, written all or nothing when the manager asks for it."""
    structure = get_structure(request.user, pk, MANAGE)
    form = ExperiencesImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan = plan_experiences(upload.read(), upload.name, structure, **import_limits())
        if plan.ok and form.cleaned_data["commit"]:
            counts = apply_experiences(plan, structure, by=request.user)
            messages.success(
                request,
                f"{counts['create']} expérience(s) ajoutée(s) au registre, "
                f"{counts['answer']} complétée(s) par leur réponse.",
            )
            return redirect("improvement:entries", pk=structure.pk)
    context = {
        "structure": structure,
        "form": form,
        "plan": plan,
        **_crumbs(structure, "Importer des expériences Services Publics+"),
    }
    return render(request, "improvement/experiences_import.html", context)


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


# ---------------------------------------------------------------- generic form page


def _form_page(request, structure, title: str, form, formsets=(), *, intro: str = "",
               back: str = ""):  # fmt: skip
    return render(request, "improvement/form.html", {
        "structure": structure, "title": title, "form": form, "formsets": formsets,
        "intro": intro, "back": back or f"/amelioration/{structure.pk}/",
        "errors": bool(form.errors) or any(f.total_error_count() for _, f in formsets),
        **_crumbs(structure, title),
    })  # fmt: skip


def _own(model, structure, pk: int | None, missing: str):
    """The structure's object ``pk`` (404 otherwise), or a new one when ``pk`` is None."""
    if pk is None:
        return model(structure=structure)
    found = model.objects.filter(structure=structure, pk=pk).first()
    if found is None:
        raise Http404(missing)
    return found


def _valid(form, formsets) -> bool:
    return all([form.is_valid(), *(f.is_valid() for _, f in formsets)])


# ---------------------------------------------------------------- quality dashboard


def quality_dashboard(request, pk: int):
    structure = get_structure(request.user, pk)
    try:
        year = int(request.GET.get("annee", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    years = [year - 3, year - 2, year - 1]
    rows = dashboard.dashboard(structure, years, year)
    if request.GET.get("format") == "xlsx":
        return download(dashboard_xlsx(rows, years, year), f"tableau-de-bord-{year}.xlsx")
    return render(request, "improvement/dashboard.html", {
        "structure": structure, "rows": rows, "years": years, "year": year,
        "can_manage": can_manage(request.user, pk),
        **_crumbs(structure, f"Tableau de bord qualité {year}"),
    })  # fmt: skip


def dashboard_xlsx(rows, years, year) -> bytes:
    columns = [
        Column("Rubrique", lambda r: r.indicator.theme),
        Column("Indicateur", lambda r: r.indicator.label),
        Column("Engagement", lambda r: r.indicator.engagement),
        Column("Unité", lambda r: r.indicator.get_unit_display()),
        *[
            Column(f"Résultats {y}", lambda r, i=i: r.cells[i].exported(r.indicator.unit))
            for i, y in enumerate(years)
        ],
        Column("Sens", lambda r: r.indicator.get_direction_display()),
        Column(f"Cible {year}", lambda r: r.target),
        Column(f"Cible {years[-1]} atteinte", lambda r: r.cells[-1].met),
        Column("Tendance", lambda r: r.trend),
    ]
    return write_xlsx(columns, rows, "Tableau de bord")


def indicator_catalogue(request, pk: int):
    """The Services Publics+ catalogue: the managers tick the indicators to track."""
    structure = get_structure(request.user, pk, MANAGE)
    if request.method == "POST":
        year = timezone.localdate().year
        created = catalogue.adopt(structure, request.POST.getlist("code"), year=year)
        if created:
            messages.success(request, f"{len(created)} indicateur(s) ajouté(s) au tableau de bord.")
        else:
            messages.info(request, "Aucun indicateur ajouté : cochez ceux à suivre.")
        return redirect("improvement:dashboard", pk=pk)
    title = "Catalogue des indicateurs Services Publics+"
    context = {
        "structure": structure,
        "title": title,
        "rows": catalogue.catalogue_rows(structure),
        **_crumbs(structure, title),
    }
    return render(request, "improvement/indicator_catalogue.html", context)


def indicator_edit(request, pk: int, indicator_pk: int | None = None):
    structure = get_structure(request.user, pk, MANAGE)
    instance = _own(Indicator, structure, indicator_pk, "Indicateur introuvable.")
    form = IndicatorForm(request.POST or None, instance=instance)
    formsets = [
        (
            "Cibles par année",
            TargetFormSet(request.POST or None, instance=instance, prefix="targets"),
        ),
        (
            "Valeurs saisies (indicateurs saisis)",
            ValueFormSet(request.POST or None, instance=instance, prefix="values"),
        ),
    ]
    if request.method == "POST" and _valid(form, formsets):
        with transaction.atomic():
            indicator = form.save()
            for _, formset in formsets:
                formset.instance = indicator
                saved = formset.save(commit=False)
                for obj in saved:
                    if isinstance(obj, IndicatorValue):
                        obj.entered_by = request.user
                    obj.save()
                for obj in formset.deleted_objects:
                    obj.delete()
        messages.success(request, "Indicateur enregistré.")
        return redirect("improvement:dashboard", pk=structure.pk)
    return _form_page(request, structure, "Indicateur" if indicator_pk else "Nouvel indicateur",
                      form, formsets, back=f"/amelioration/{pk}/tableau-de-bord/")  # fmt: skip


# ---------------------------------------------------------------- plan and trainings


def plan(request, pk: int):
    structure = get_structure(request.user, pk)
    actions = Action.objects.filter(structure=structure).select_related("indicator")
    return render(request, "improvement/plan.html", {
        "structure": structure, "actions": actions, "today": timezone.localdate(),
        "can_write": can_write(request.user, pk), **_crumbs(structure, "Plan d'amélioration"),
    })  # fmt: skip


def action_edit(request, pk: int, action_pk: int | None = None):
    structure = get_structure(request.user, pk, WRITE)
    instance = _own(Action, structure, action_pk, "Action introuvable.")
    form = PlanActionForm(request.POST or None, instance=instance, structure=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Action enregistrée.")
        return redirect("improvement:plan", pk=structure.pk)
    return _form_page(request, structure, "Action d'amélioration", form,
                      back=f"/amelioration/{pk}/plan/")  # fmt: skip


def trainings(request, pk: int):
    structure = get_structure(request.user, pk)
    form = TrainingForm(request.POST or None)
    if request.method == "POST":
        get_structure(request.user, pk, WRITE)
        if form.is_valid():
            training = form.save(commit=False)
            training.structure = structure
            try:
                with transaction.atomic():
                    training.save()
            except IntegrityError:
                form.add_error("theme", "Cette formation est déjà saisie pour cette année.")
            else:
                messages.success(request, "Formation enregistrée.")
                return redirect("improvement:trainings", pk=pk)
    year = timezone.localdate().year
    years = [year - 2, year - 1, year]
    lines, totals = annual.training_table(structure, years)
    return render(request, "improvement/trainings.html", {
        "structure": structure, "form": form, "lines": lines, "totals": totals, "years": years,
        "can_write": can_write(request.user, pk), **_crumbs(structure, "Formations"),
    })  # fmt: skip


# ---------------------------------------------------------------- self-assessment, deadlines


def self_assessment(request, pk: int):
    structure = get_structure(request.user, pk)
    latest_two, lines = annual.self_assessment_progress(structure)
    reference = sp_engagements()
    initial = {}
    for line in lines:
        if line.latest is not None:
            initial[f"level_{line.id}"] = str(line.latest)
            initial[f"comment_{line.id}"] = line.comment
    form = SelfAssessmentForm(request.POST or None, initial=initial,
                              engagements=reference.engagements,
                              scale=reference.maturity_scale)  # fmt: skip
    if request.method == "POST":
        get_structure(request.user, pk, MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            annual.record_self_assessment(
                structure, {e.id: data[f"level_{e.id}"] for e in reference.engagements},
                comments={e.id: data[f"comment_{e.id}"] for e in reference.engagements},
                by=request.user,
            )  # fmt: skip
            messages.success(request, "Autodiagnostic enregistré.")
            return redirect("improvement:self_assessment", pk=pk)
    return render(request, "improvement/self_assessment.html", {
        "structure": structure, "assessments": latest_two, "lines": lines, "form": form,
        "scale": reference.maturity_scale, "can_manage": can_manage(request.user, pk),
        **_crumbs(structure, "Autodiagnostic Services Publics+"),
    })  # fmt: skip


def deadlines(request, pk: int):
    structure = get_structure(request.user, pk)
    return render(request, "improvement/deadlines.html", {
        "structure": structure, "today": timezone.localdate(),
        "deadlines": annual.upcoming_deadlines(structure, timezone.localdate()),
        **_crumbs(structure, "Échéances"),
    })  # fmt: skip


# ---------------------------------------------------------------- committee and review


def committee(request, pk: int):
    structure = get_structure(request.user, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        get_structure(request.user, pk, MANAGE)
        if form.is_valid():
            member = form.save(commit=False)
            member.structure = structure
            member.save()
            messages.success(request, f"{member.name} ajouté(e) au comité.")
            return redirect("improvement:committee", pk=pk)
    return render(request, "improvement/committee.html", {
        "structure": structure, "form": form,
        "members": CommitteeMember.objects.filter(structure=structure),
        "meetings": Meeting.objects.filter(structure=structure),
        "can_manage": can_manage(request.user, pk), **_crumbs(structure, "Comité des usagers"),
    })  # fmt: skip


MINUTES_ROWS = (
    ("statements", "Compte rendu : les interventions, dans l'ordre", StatementFormSet),
    ("decisions", "Décisions", DecisionFormSet),
)
ROW_NAMES = {
    "statements": ("Intervention", "Ajouter une intervention"),
    "decisions": ("Décision", "Ajouter une décision"),
}


def meeting_edit(request, pk: int, meeting_pk: int | None = None):
    """The meeting and its whole minutes in one page: any number of interventions and
    decisions. Rows are added in the page (meeting_form.js) or, without JavaScript, by an
    "add" button that posts the form back with one more row, keeping what was typed."""
    structure = get_structure(request.user, pk, MANAGE)
    instance = _own(Meeting, structure, meeting_pk, "Réunion introuvable.")
    data = request.POST if request.method == "POST" else None
    adding = data.get("add") if data is not None else None
    if adding in {prefix for prefix, _, _ in MINUTES_ROWS}:
        data = with_one_more_row(data, adding)
    form = MeetingForm(data, instance=instance, structure=structure)
    formsets = [
        (heading, formset(data, instance=instance, prefix=prefix))
        for prefix, heading, formset in MINUTES_ROWS
    ]
    if data is not None and not adding and _valid(form, formsets):
        with transaction.atomic():
            meeting = form.save()
            for _, formset in formsets:
                formset.instance = meeting
                formset.save()
            annual.number_statements(formsets[0][1])
        messages.success(request, "Réunion enregistrée.")
        return redirect("improvement:meeting", pk=structure.pk, meeting_pk=meeting.pk)
    title = "Réunion du comité des usagers"
    errors = bool(form.errors) or any(f.total_error_count() for _, f in formsets)
    context = {
        "structure": structure,
        "title": title,
        "form": form,
        "formsets": formsets,
        "sections": [
            (heading, formset, *ROW_NAMES[formset.prefix]) for heading, formset in formsets
        ],
        "back": reverse("improvement:committee", args=[pk]),
        "errors": errors and not adding,
        **_crumbs(structure, title),
    }
    return render(request, "improvement/meeting_form.html", context)


def meeting_detail(request, pk: int, meeting_pk: int):
    structure = get_structure(request.user, pk)
    meeting = Meeting.objects.filter(structure=structure, pk=meeting_pk).first()
    if meeting is None:
        raise Http404("Réunion introuvable.")
    if request.method == "POST":  # a decision becomes an action of the plan
        get_structure(request.user, pk, MANAGE)
        decision = meeting.decisions.filter(pk=request.POST.get("decision"),
                                            action__isnull=True).first()  # fmt: skip
        if decision:
            decision.action = Action.objects.create(
                structure=structure, year=meeting.held_on.year, axis="Décisions du comité",
                title=decision.text[:200], origin=Action.Origin.COMMITTEE,
                origin_detail=str(meeting)[:200],
            )  # fmt: skip
            decision.save()
            messages.success(request, "Décision inscrite au plan d'amélioration.")
        return redirect("improvement:meeting", pk=pk, meeting_pk=meeting_pk)
    managing = can_manage(request.user, pk)
    # The minutes as written for managers; masked for the rest of the team, as the register.
    minutes = [meeting.statements.all(), meeting.decisions.select_related("action")]
    statements, decisions = (
        [item if managing else annual.masked_minutes(item) for item in items] for items in minutes
    )
    return render(request, "improvement/meeting.html", {
        "structure": structure, "meeting": meeting, "can_manage": managing,
        "statements": statements, "decisions": decisions,
        **_crumbs(structure, str(meeting), {"url": f"/amelioration/{pk}/comite/",
                                            "title": "Comité des usagers"}),
    })  # fmt: skip


def review(request, pk: int, year: int):
    structure = get_structure(request.user, pk)
    review = annual.annual_review(structure, year)
    return render(request, "improvement/review.html", {
        "r": review, "structure": structure, "pdf": False,
        **_crumbs(structure, f"Bilan qualité {year}"),
    })  # fmt: skip


def review_pdf(request, pk: int, year: int):
    structure = get_structure(request.user, pk)
    content = render_pdf("improvement/review_pdf.html",
                         {"r": annual.annual_review(structure, year), "pdf": True})  # fmt: skip
    return download(content, f"bilan-qualite-{year}.pdf")


def profile(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    instance = ImprovementProfile.objects.filter(structure=structure).first() or \
        ImprovementProfile(structure=structure)  # fmt: skip
    form = ProfileForm(request.POST or None, instance=instance, structure=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profil enregistré.")
        return redirect("improvement:structure", pk=pk)
    return _form_page(request, structure, "Démarche qualité et transparence", form,
                      intro="Ce que la page publique de transparence montre : les indicateurs "
                            "marqués « publiés », les résultats de l'enquête choisie et les "
                            "actions « Vous avez dit, nous avons fait ».")  # fmt: skip


def deadline_rules(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    rules = DeadlineRuleFormSet(
        request.POST or None, queryset=DeadlineRule.objects.filter(structure=structure)
    )
    if request.method == "POST" and rules.is_valid():
        try:
            with transaction.atomic():
                for rule in rules.save(commit=False):
                    rule.structure = structure
                    rule.save()
                for rule in rules.deleted_objects:
                    rule.delete()
        except IntegrityError:
            messages.error(request, "Deux règles portent sur le même canal et la même nature.")
        else:
            messages.success(request, "Délais enregistrés : ils s'appliquent aux nouvelles fiches.")
            return redirect("improvement:entries", pk=pk)
    return render(request, "improvement/deadline_rules.html", {
        "structure": structure, "rules": rules,
        **_crumbs(structure, "Délais de traitement"),
    })  # fmt: skip


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
