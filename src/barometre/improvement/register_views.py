"""The feedback register: entries, their steps, yearly figures, deadline rules and the
import of experiences shared on Services Publics+."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from barometre.accounts import journal
from barometre.accounts.models import User
from barometre.core.deferred import workbook_response
from barometre.core.downloads import streamed_download
from barometre.core.errors import Conflict, Refused
from barometre.core.figures import count_of, plural
from barometre.core.navigation import link
from barometre.core.uploads import import_limits
from barometre.improvement import (
    register,
)
from barometre.improvement.access import (
    WRITE,
    can_manage,
    can_write,
    get_entry,
    get_structure,
    sees_personal_data,
)
from barometre.improvement.experiences import apply_experiences, plan_experiences
from barometre.improvement.models import (
    DeadlineRule,
    FeedbackKind,
)
from barometre.improvement.pages import MANAGE, structure_crumbs
from barometre.improvement.register_export import export_register, register_csv_chunks
from barometre.improvement.register_forms import (
    ActionForm,
    DeadlineRuleFormSet,
    EntryEditForm,
    EntryForm,
    ExperiencesImportForm,
    RegisterFilterForm,
)


def entry_list(request, pk: int):
    structure = get_structure(request.user, pk)
    filters = RegisterFilterForm(request.GET or None)
    today = timezone.localdate()
    due = request.GET.get("echeance")
    entries = filters.entries(structure, request.user, due=due, today=today)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    page.object_list = [register.as_seen_by(request.user, e) for e in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/entry_list.html",
        {
            "structure": structure,
            "filters": filters,
            "page_obj": page,
            "today": today,
            "querystring": query.urlencode(),
            "due": due,
            "can_write": can_write(request.user, pk),
            "can_manage": can_manage(request.user, pk),
            **structure_crumbs(structure, "Réclamations et suggestions"),
        },
    )


@require_GET
def entries_export(request, pk: int):
    """The register as the list shows it (same filters, most recent first), XLSX by
    default or ``?format=csv``, personal data masked as on the page."""
    structure = get_structure(request.user, pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    filters = RegisterFilterForm(request.GET)
    today = timezone.localdate()
    due = request.GET.get("echeance")
    entries = filters.entries(structure, request.user, due=due, today=today)
    if can_write(request.user, pk):  # managers and agents may get users' contact details
        journal.record(
            journal.Kind.PERSONAL_EXPORT,
            f"Registre des réclamations — {structure.name}",
            actor=request.user,
            structure=structure.pk,
            format=fmt,
        )
    name = f"registre-{structure.identifier}-{today.isoformat()}.{fmt}"
    if fmt == "csv":  # streamed: the first rows leave at once, memory stays flat
        return streamed_download(register_csv_chunks(structure, request.user, entries), name)
    criteria = {k: v for k, v in request.GET.items() if k in filters.fields or k == "echeance"}
    back = reverse("improvement:entries", args=[pk]) + (
        f"?{urlencode(criteria)}" if criteria else ""
    )
    return workbook_response(  # a workbook cannot stream: a large one is built by the worker
        request,
        rows=entries.count(),
        immediate=lambda: export_register(structure, request.user, entries),
        builder="barometre.improvement.register_export.register_sheets",
        arguments={"user_id": request.user.pk, "structure_id": pk, "filters": criteria},
        title=f"Export du registre — {structure.name}"
        + (f" ({filters.describe()})" if filters.describe() else ""),
        filename=name,
        back_url=back,
    )


def _staff(structure):
    return (
        User.objects.filter(memberships__structure=structure, memberships__role__in=WRITE)
        .distinct()
        .order_by("username")
    )


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
            messages.success(
                request,
                f"Fiche {entry.reference} enregistrée"
                + (
                    f" : réponse attendue le {entry.answer_due:%d/%m/%Y}."
                    if entry.answer_due
                    else "."
                ),
            )
            return redirect("improvement:entry", pk=entry.pk)
    return render(
        request,
        "improvement/entry_form.html",
        {
            "structure": structure,
            "form": form,
            **structure_crumbs(
                structure, "Nouvelle fiche", link("Registre", "improvement:entries", pk)
            ),
        },
    )


def entry_detail(request, pk: int):
    entry = get_entry(request.user, pk)
    personal_data = sees_personal_data(request.user, entry)
    writable = can_write(request.user, entry.structure_id)
    edit_form = EntryEditForm(
        request.POST if request.POST.get("action") == "edit" else None,
        instance=entry,
        initial={"version": entry.version},
        staff=_staff(entry.structure),
        structure=entry.structure,
        prefix="fiche",
    )
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
                register.transition(
                    entry,
                    data["action"],
                    by=request.user,
                    version=data["version"],
                    on=data["on"],
                    answer=data["answer"] or "",
                )
            except Conflict as exc:
                messages.error(request, str(exc))
                entry.refresh_from_db()
            except (Refused, KeyError) as exc:
                messages.error(request, f"Impossible : {exc}.")
            else:
                messages.success(request, "Fiche mise à jour.")
                return redirect("improvement:entry", pk=entry.pk)
    actions = [
        (a, register.ACTION_LABELS[a])
        for a, (sources, _) in register.TRANSITIONS.items()
        if entry.status in sources
    ]
    events = [
        (ev, register.ACTION_LABELS.get(ev.action, ev.action))
        for ev in entry.events.select_related("by")
    ]
    shown = entry if personal_data else register.masked(entry)
    return render(
        request,
        "improvement/entry_detail.html",
        {
            "entry": shown,
            "structure": entry.structure,
            "actions": actions,
            "form": form,
            "writable": writable,
            "events": events,
            "today": timezone.localdate(),
            "edit_form": edit_form,
            "personal_data": personal_data,
            # On a conflict the answer typed is shown again, not lost.
            "typed_answer": request.POST.get("answer", shown.answer),
            **structure_crumbs(
                entry.structure,
                entry.reference,
                link("Registre", "improvement:entries", entry.structure_id),
            ),
        },
    )


def register_figures(request, pk: int):
    structure = get_structure(request.user, pk)
    this_year = timezone.localdate().year
    years = list(range(this_year - 3, this_year + 1))
    kinds = FeedbackKind.choices
    figures = register.figures(structure, years)
    for year in figures:
        year.cells = [year.count(code) for code, _ in kinds]
    return render(
        request,
        "improvement/figures.html",
        {
            "structure": structure,
            "years": years,
            "figures": figures,
            "kinds": kinds,
            **structure_crumbs(
                structure, "Bilan du registre", link("Registre", "improvement:entries", pk)
            ),
        },
    )


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
                f"{count_of(counts['create'], 'expérience')} "
                f"ajoutée{plural(counts['create'])} au registre, "
                f"{count_of(counts['answer'], 'complétée')} par leur réponse.",
            )
            return redirect("improvement:entries", pk=structure.pk)
    context = {
        "structure": structure,
        "form": form,
        "plan": plan,
        **structure_crumbs(structure, "Importer des expériences Services Publics+"),
    }
    return render(request, "improvement/experiences_import.html", context)


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
    return render(
        request,
        "improvement/deadline_rules.html",
        {
            "structure": structure,
            "rules": rules,
            **structure_crumbs(structure, "Délais de traitement"),
        },
    )
