from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
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
from barometre.core.navigation import crumbs, link
from barometre.core.uploads import import_limits
from barometre.structures.annuaire import plan_batch
from barometre.structures.exporting import export_structures, structures_csv_chunks
from barometre.structures.forms import (
    PARENT_OPTIONS_SHOWN,
    AnnuaireUploadForm,
    ContactPointFormSet,
    ExportForm,
    ImportUploadForm,
    LabelFormSet,
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
            "labels": structure.labels.all(),
            "children": visible_structures(request.user).filter(parent=structure),
            "can_edit": can_edit_structure(request.user, structure),
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
    else:
        form = ManagedStructureForm(request.POST or None, request.FILES or None, instance=structure)
    contacts = ContactPointFormSet(request.POST or None, instance=structure, prefix="contacts")
    labels = LabelFormSet(request.POST or None, instance=structure, prefix="labels")
    if request.method == "POST" and form.is_valid() and contacts.is_valid() and labels.is_valid():
        with transaction.atomic():
            saved = form.save()
            contacts.instance = labels.instance = saved
            contacts.save()
            labels.save()
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
        builder="barometre.accounts.registry_export.registry_sheets",
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
