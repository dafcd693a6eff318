from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from barometre.accounts.access import (
    can_edit_structure,
    get_structure_for_editing,
    get_structure_for_user,
    require_operator,
    require_registry_access,
    visible_structures,
)
from barometre.core.background import STALE_AFTER
from barometre.core.deferred import workbook_response
from barometre.core.downloads import streamed_download
from barometre.core.errors import Conflict, Refused
from barometre.core.navigation import crumbs, link
from barometre.core.uploads import import_limits
from barometre.structures import labels as structure_labels
from barometre.structures.annuaire import decide_matches, plan_batch
from barometre.structures.exporting import export_structures, structures_csv_chunks
from barometre.structures.forms import (
    PARENT_OPTIONS_SHOWN,
    AnnuaireUploadForm,
    ContactPointFormSet,
    ExportForm,
    ImportUploadForm,
    LabelDecisionForm,
    LabelFormSet,
    LabelProposalForm,
    ManagedStructureForm,
    StructureFilterForm,
    StructureForm,
)
from barometre.structures.importing import request_import
from barometre.structures.models import Structure, StructureImport

PAGE_SIZE = 25
REGISTRY = link("Structures", "structures:list")


def structure_crumbs(current: str, *links: dict) -> dict:
    return crumbs(current, *links, nav="structures")


def structure_list(request):
    require_registry_access(request.user)
    filters = StructureFilterForm(request.GET or None)
    structures = filters.filter(visible_structures(request.user)).prefetch_related("labels")
    page = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "structures/list.html",
        {
            "filters": filters,
            "page_obj": page,
            "querystring": query.urlencode(),
            "export_form": ExportForm(),
            **structure_crumbs("Structures"),
        },
    )


def structure_detail(request, pk: int):
    structure = get_structure_for_user(request.user, pk)
    return render(
        request,
        "structures/detail.html",
        {
            "structure": structure,
            "contact_points": structure.contact_points.all(),
            "labels": structure.labels.select_related("proposed_by", "decided_by"),
            "children": visible_structures(request.user).filter(parent=structure),
            "can_edit": can_edit_structure(request.user, structure),
            "decision_form": LabelDecisionForm() if request.user.is_operator else None,
            **structure_crumbs(structure.name, REGISTRY),
        },
    )


def _edit(request, structure, template_title):
    if request.user.is_operator:
        form = StructureForm(
            request.POST or None,
            request.FILES or None,
            instance=structure,
            parent_choices=visible_structures(request.user),
        )
        # Labels are entered or confirmed by operators only; managers propose them.
        labels = LabelFormSet(request.POST or None, instance=structure, prefix="labels")
    else:
        form = ManagedStructureForm(request.POST or None, request.FILES or None, instance=structure)
        labels = None
    contacts = ContactPointFormSet(request.POST or None, instance=structure, prefix="contacts")
    valid = form.is_valid() and contacts.is_valid() and (labels is None or labels.is_valid())
    if request.method == "POST" and valid:
        with transaction.atomic():
            saved = form.save()
            contacts.instance = saved
            contacts.save()
            if labels is not None:
                labels.instance = saved
                structure_labels.confirm_entered(labels.save(), by=request.user)
        messages.success(request, f"La structure « {saved.name} » est enregistrée.")
        return redirect(saved)
    return render(
        request,
        "structures/edit.html",
        {
            "form": form,
            "contacts": contacts,
            "labels": labels,
            "structure": structure,
            "registry_keys": not request.user.is_operator,
            "title": template_title,
            **structure_crumbs(template_title, REGISTRY),
        },
    )


def label_propose(request, pk: int):
    """A structure's manager proposes a label with its certificate (an operator confirms)."""
    structure = get_structure_for_editing(request.user, pk)
    form = LabelProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            structure_labels.propose(structure, by=request.user, **form.cleaned_data)
        except Refused as exc:
            for reason in exc.reasons:
                form.add_error(None, reason[0].upper() + reason[1:] + ".")
        else:
            messages.success(
                request,
                "Label proposé : il comptera dans les résultats une fois confirmé par "
                "l'opérateur, au vu du certificat.",
            )
            return redirect(structure)
    return render(
        request,
        "structures/label_propose.html",
        {
            "form": form,
            "structure": structure,
            **structure_crumbs(
                "Proposer un label", REGISTRY, link(structure.name, "structures:detail", pk)
            ),
        },
    )


def _label(structure, label_pk: int):
    try:
        return structure.labels.get(pk=label_pk)
    except structure.labels.model.DoesNotExist:
        raise Http404("Label introuvable.") from None


@require_POST
def label_decide(request, pk: int, label_pk: int):
    """An operator confirms or rejects a manager's proposal."""
    structure = get_structure_for_user(request.user, pk)
    require_operator(request.user)
    label = _label(structure, label_pk)
    form = LabelDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez de confirmer ou de refuser le label.")
        return redirect(structure)
    confirm = form.cleaned_data["decision"] == "confirm"
    try:
        structure_labels.decide(
            label, by=request.user, confirm=confirm, note=form.cleaned_data["note"]
        )
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        verdict = "confirmé" if confirm else "refusé"
        messages.success(request, f"Label « {label.get_kind_display()} » {verdict}.")
    return redirect(structure)


def label_certificate(request, pk: int, label_pk: int):
    """A label's certificate, for the operators and the structure's managers."""
    structure = get_structure_for_editing(request.user, pk)
    label = _label(structure, label_pk)
    if not label.certificate:
        raise Http404("Pas de certificat pour ce label.")
    return FileResponse(
        label.certificate.open("rb"),
        as_attachment=True,
        filename=label.certificate_download_name,
        content_type=label.certificate_mime,
    )


def structure_edit(request, pk: int):
    structure = get_structure_for_editing(request.user, pk)
    return _edit(request, structure, f"Modifier {structure.name}")


def structure_create(request):
    require_operator(request.user)
    return _edit(request, Structure(), "Nouvelle structure")


def parent_options(request):
    """The structures a parent may be chosen among, matching what the user types: a
    few, for the structure form's list of proposals (operators only, as the form)."""
    require_operator(request.user)
    text = request.GET.get("q", "").strip()[:100]
    structures = visible_structures(request.user)
    if (exclude := request.GET.get("exclude", "")).isdigit():
        structures = structures.exclude(pk=int(exclude))
    found = (
        structures.search(text).order_by("name", "pk")[:PARENT_OPTIONS_SHOWN]
        if len(text) >= 2
        else []
    )
    options = [
        {"value": s.identifier, "label": f"{s.name} ({s.city or s.department})"} for s in found
    ]
    return JsonResponse({"options": options})


def structure_export(request):
    require_registry_access(request.user)
    form = ExportForm(request.GET)
    fmt = form.cleaned_data["format"] if form.is_valid() else "xlsx"
    filters = StructureFilterForm(request.GET)
    structures = filters.filter(visible_structures(request.user))
    name = f"structures-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":  # streamed: the first rows leave at once, memory stays flat
        return streamed_download(structures_csv_chunks(structures), name)
    criteria = {k: v for k, v in request.GET.items() if k in filters.fields}
    return workbook_response(  # a workbook cannot stream: a large one is built by the worker
        request,
        rows=structures.count(),
        immediate=lambda: export_structures(structures, fmt),
        builder="barometre.structures.registry_export.registry_sheets",
        arguments={"user_id": request.user.pk, "filters": criteria},
        title="Export du registre des structures",
        filename=name,
        back_url=reverse("structures:list"),
    )


def import_upload(request):
    require_operator(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        batch = StructureImport.objects.create(
            file_name=uploaded.name[:255], content=uploaded.read(), uploaded_by=request.user
        )
        return redirect("structures:import_preview", pk=batch.pk)
    return render(
        request,
        "structures/import_upload.html",
        {"form": form, **structure_crumbs("Import", REGISTRY)},
    )


def import_annuaire(request):
    require_operator(request.user)
    form = AnnuaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded, data = form.cleaned_data["file"], form.cleaned_data
        batch = StructureImport.objects.create(
            file_name=uploaded.name[:255],
            content=uploaded.read(),
            uploaded_by=request.user,
            source=StructureImport.Source.ANNUAIRE,
            options={"types": data["types"], "department": data["department"] or None},
        )
        return redirect("structures:import_preview", pk=batch.pk)
    context = {"form": form, **crumbs("Import depuis l'Annuaire", REGISTRY)}
    return render(request, "structures/import_annuaire.html", context)


def _get_import(request, pk: int) -> StructureImport:
    require_operator(request.user)
    return get_object_or_404(StructureImport, pk=pk)


def import_preview(request, pk: int):
    batch = _get_import(request, pk)
    if batch.status != StructureImport.Status.PREVIEWED:
        return redirect("structures:import_status", pk=batch.pk)
    plan = plan_batch(batch, import_limits())
    context = {
        "batch": batch,
        "plan": plan,
        **structure_crumbs("Vérification de l'import", REGISTRY),
    }
    return render(request, "structures/import_preview.html", context)


@require_POST
def import_confirm(request, pk: int):
    batch = _get_import(request, pk)
    if batch.source == StructureImport.Source.ANNUAIRE:
        answers = {
            key.removeprefix("decision-"): value
            for key, value in request.POST.items()
            if key.startswith("decision-")
        }
        if undecided := decide_matches(batch, answers, import_limits()):
            messages.error(
                request,
                f"Décidez de chaque rapprochement avant d'importer ({len(undecided)} sans "
                "décision) : même structure ou structure distincte.",
            )
            return redirect("structures:import_preview", pk=batch.pk)
    request_import(batch)
    return redirect("structures:import_status", pk=batch.pk)


def import_status(request, pk: int):
    batch = _get_import(request, pk)
    context = {
        "batch": batch,
        "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
        **structure_crumbs("Suivi de l'import", REGISTRY),
    }
    return render(request, "structures/import_status.html", context)
