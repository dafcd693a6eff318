from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from barometre.accounts import journal
from barometre.accounts.access import get_structure_for_editing, require_operator
from barometre.accounts.models import User
from barometre.campaigns import lifecycle
from barometre.campaigns.access import (
    get_edition_for_runner,
    get_task_for_user,
    require_auditor,
    runnable_editions,
)
from barometre.campaigns.agenda import agenda
from barometre.campaigns.forms import (
    AuditFileForm,
    EditionForm,
    EnrolForm,
    InternalCampaignForm,
    ScenarioForm,
)
from barometre.campaigns.models import (
    AuditImport,
    AuditTask,
    Edition,
    Enrolment,
    Scenario,
)
from barometre.campaigns.transfer import (
    apply_audit_import,
    audit_rows_estimate,
    audits_csv_chunks,
    export_audits,
    plan_audit_import,
)
from barometre.core.deferred import workbook_response
from barometre.core.downloads import streamed_download
from barometre.core.errors import Refused
from barometre.core.figures import count_of, plural
from barometre.core.navigation import crumbs, link
from barometre.engine import InputRejected
from barometre.structures.models import Structure

T = AuditTask.Status
FIELDWORK = link("Terrain", "campaigns:my_tasks")
EDITIONS = link("Éditions", "campaigns:editions")


def my_tasks(request):
    require_auditor(request.user)
    groups = agenda(request.user, timezone.localdate())
    auditor = request.user.is_auditor
    title = "Mes audits" if auditor else "Mes appels mystères"
    context = {
        "groups": groups,
        "title": title,
        "none": "Aucun audit." if auditor else "Aucun appel.",
    }
    return render(request, "campaigns/my_tasks.html", {**context, **crumbs(title)})


def _count(related) -> Subquery:
    """The number of ``related`` rows of the outer edition, as a subquery."""
    rows = related.filter(edition=OuterRef("pk")).order_by().values("edition")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def edition_list(request):
    # One subquery per count: two joined counts multiplied enrolments by audits (337 ×
    # 3,500 rows per national edition, 2.7 s on the demo).
    editions = runnable_editions(request.user).annotate(
        enrolled=_count(Enrolment.objects.filter(status="enrolled")),
        planned=_count(AuditTask.objects.all()),
    )
    # A structure's managers create its internal campaigns from this page.
    managed = Structure.objects.filter(pk__in=request.user.structure_ids("manager"))
    form = InternalCampaignForm(structures=managed) if managed else None
    context = {"editions": editions, "form": form, **crumbs("Éditions")}
    return render(request, "campaigns/editions.html", context)


def edition_detail(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    by_status = dict(edition.tasks.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "edition": edition,
        "next_status": lifecycle.NEXT.get(edition.status),
        "next_label": Edition.Status(lifecycle.NEXT[edition.status]).label
        if edition.status in lifecycle.NEXT
        else "",
        "status_labels": dict(Edition.Status.choices),
        "task_counts": [(label, by_status.get(code, 0)) for code, label in T.choices],
        "unassigned": edition.tasks.filter(auditor__isnull=True).select_related("structure")[:100],
        "enrolments": edition.enrolments.select_related("structure"),
        "enrol_form": EnrolForm(edition=edition),
        "open_for_enrolment": edition.status in lifecycle.OPEN_FOR_ENROLMENT,
        "transitions": edition.transitions.select_related("by"),
        "callers": edition.callers.select_related("user") if edition.internal else None,
        **crumbs(edition.name, EDITIONS),
    }
    return render(request, "campaigns/edition.html", context)


@require_POST
def edition_plan(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    try:
        left = lifecycle.plan_fieldwork(edition, by=request.user)
        total = edition.tasks.count()
        messages.success(request, f"{total} audits planifiés, {len(left)} sans enquêteur.")
    except Refused as exc:
        for reason in exc.reasons:
            messages.error(request, reason[0].upper() + reason[1:] + ".")
    return redirect("campaigns:edition", pk=edition.pk)


def edition_export(request, pk: int):
    """Validated audits in the long format (XLSX by default, ?format=csv)."""
    edition = get_edition_for_runner(request.user, pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    journal.record(
        journal.Kind.PERSONAL_EXPORT,
        f"Audits de {edition}",
        actor=request.user,
        edition=edition.pk,
        format=fmt,
    )
    name = f"audits-{edition.year}-{edition.pk}.{fmt}"
    if fmt == "csv":  # streamed: the first rows leave at once, memory stays flat
        return streamed_download(audits_csv_chunks(edition), name)
    return workbook_response(  # a workbook cannot stream: a large one is built by the worker
        request,
        rows=audit_rows_estimate(edition),
        immediate=lambda: export_audits(edition, fmt),
        builder="barometre.campaigns.transfer.audit_sheets",
        arguments={"edition_id": edition.pk},
        title=f"Export des audits — {edition.name}",
        filename=name,
        back_url=reverse("campaigns:edition", args=[edition.pk]),
    )


@require_POST
def task_staffing(request, pk: int):
    """Actions on one audit by those who run its edition: reassign, double coding."""
    task = get_task_for_user(request.user, pk)
    if not lifecycle.can_run(request.user, task.edition):
        raise PermissionDenied("Seuls ceux qui conduisent l'édition répartissent ses audits.")
    try:
        if request.POST.get("action") == "double":
            copy = lifecycle.request_double_coding(task, by=request.user)
            messages.success(request, f"Double codage confié à {copy.auditor}.")
        else:
            auditor = User.objects.filter(pk=request.POST.get("auditor") or 0).first()
            if auditor is None:
                raise Refused(["choisissez un enquêteur"])
            lifecycle.reassign(task, auditor, by=request.user)
            messages.success(request, f"Audit confié à {auditor}.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("campaigns:task", pk=task.pk)


@require_POST
def enrolment_action(request, pk: int):
    """Operator: enrol a structure, accept an application or withdraw an enrolment."""
    edition = get_edition_for_runner(request.user, pk)
    action = request.POST.get("action")
    if action == "import":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            messages.error(request, "Choisissez un fichier.")
            return redirect("campaigns:edition", pk=edition.pk)
        try:
            problems = lifecycle.enrol_from_file(
                edition, uploaded.read(), uploaded.name, by=request.user
            )
        except Refused as exc:
            problems = [str(exc)]
        if problems:
            messages.error(request, "Rien n'a été inscrit : " + " ; ".join(problems[:20]))
        else:
            messages.success(request, "Structures du fichier inscrites.")
        return redirect("campaigns:edition", pk=edition.pk)
    try:
        if action == "enrol":
            form = EnrolForm(request.POST, edition=edition)
            if not form.is_valid():
                raise Refused(["choisissez une structure à inscrire"])
            enrolment = lifecycle.enrol(
                edition,
                form.cleaned_data["structure"],
                by=request.user,
                publish_results=form.cleaned_data["publish_results"],
            )
        else:
            enrolment = edition.enrolments.filter(pk=request.POST.get("enrolment") or 0).first()
            if enrolment is None:
                raise Http404("Inscription introuvable.")
            if action == "accept":
                enrolment = lifecycle.accept(enrolment, by=request.user)
            else:
                lifecycle.withdraw(enrolment, by=request.user)
        messages.success(
            request, f"{enrolment.structure} : {enrolment.get_status_display().lower()}."
        )
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("campaigns:edition", pk=edition.pk)


def apply_for_edition(request, structure_pk: int):
    """A manager applies for the editions open for enrolment, for one of their structures."""
    structure = get_structure_for_editing(request.user, structure_pk)
    open_editions = Edition.objects.filter(status=Edition.Status.ENROLMENT)
    if request.method == "POST":
        edition = open_editions.filter(pk=request.POST.get("edition") or 0).first()
        if edition is None:
            raise Http404("Édition introuvable ou fermée.")
        try:
            lifecycle.apply(
                edition,
                structure,
                by=request.user,
                publish_results=request.POST.get("publish_results") == "on",
            )
            messages.success(request, f"Candidature envoyée pour « {edition} ».")
        except Refused as exc:
            messages.error(request, f"Impossible : {exc}.")
        return redirect("campaigns:apply", structure_pk=structure.pk)
    enrolments = {e.edition_id: e for e in structure.enrolments.all()}
    rows = [(edition, enrolments.get(edition.pk)) for edition in open_editions]
    return render(
        request,
        "campaigns/apply.html",
        {
            "structure": structure,
            "rows": rows,
            **crumbs(
                "Candidature au baromètre",
                link(structure.name, "structures:detail", structure.pk),
            ),
        },
    )


@require_POST
def internal_campaign_create(request):
    managed = Structure.objects.filter(pk__in=request.user.structure_ids("manager"))
    if not managed and not request.user.is_operator:
        raise PermissionDenied("Réservé aux responsables qualité d'une structure.")
    form = InternalCampaignForm(request.POST, structures=managed)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("campaigns:editions")
    data = form.cleaned_data
    try:
        edition = lifecycle.create_internal_campaign(
            data["structure"],
            name=data["name"],
            starts=data["starts"],
            ends=data["ends"],
            calls=data["calls"],
            target=data["target"],
            by=request.user,
        )
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
        return redirect("campaigns:editions")
    messages.success(request, f"Campagne « {edition} » créée : planifiez puis lancez le terrain.")
    return redirect("campaigns:edition", pk=edition.pk)


def edition_create(request):
    require_operator(request.user)
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = lifecycle.create_edition(
                year=data["year"],
                name=data["name"],
                grid=form.grid_version(),
                enrolment_opens=data["enrolment_opens"],
                enrolment_closes=data["enrolment_closes"],
                fieldwork_starts=data["fieldwork_starts"],
                fieldwork_ends=data["fieldwork_ends"],
                by=request.user,
            )
            messages.success(request, f"Édition « {edition} » créée en brouillon.")
            return redirect("campaigns:edition", pk=edition.pk)
        except Refused as exc:
            form.add_error(None, str(exc)[0].upper() + str(exc)[1:] + ".")
    return render(
        request,
        "campaigns/edition_form.html",
        {
            "form": form,
            **crumbs("Nouvelle édition", EDITIONS),
        },
    )


def scenario_list(request):
    require_operator(request.user)
    return render(
        request,
        "campaigns/scenarios.html",
        {"scenarios": Scenario.objects.all(), **crumbs("Scénarios", FIELDWORK)},
    )


def scenario_edit(request, pk: int | None = None):
    require_operator(request.user)
    scenario = Scenario.objects.filter(pk=pk).first() if pk else Scenario()
    if pk and scenario is None:
        raise Http404("Scénario introuvable.")
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Scénario « {saved} » enregistré.")
        return redirect("campaigns:scenarios")
    title = f"Modifier « {scenario} »" if pk else "Nouveau scénario"
    return render(
        request,
        "campaigns/scenario_form.html",
        {
            "form": form,
            "title": title,
            **crumbs(title, link("Scénarios", "campaigns:scenarios")),
        },
    )


@require_POST
def edition_double_coding(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    try:
        share = float(request.POST.get("share", "0").replace(",", ".")) / 100
    except ValueError:
        share = -1
    if not 0 < share <= 0.5:
        messages.error(request, "Indiquez une part entre 1 et 50 %.")
    else:
        created = lifecycle.request_double_coding_sample(edition, share, by=request.user)
        s = plural(created)
        messages.success(request, f"{created} double{s} codage{s} demandé{s}.")
    return redirect("campaigns:edition", pk=edition.pk)


def audit_import(request, pk: int):
    """Upload (dry run shown at once), then confirm: all or nothing."""
    edition = get_edition_for_runner(request.user, pk)
    form = AuditFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        batch = AuditImport.objects.create(
            edition=edition,
            file_name=uploaded.name[:255],
            content=uploaded.read(),
            uploaded_by=request.user,
        )
        return redirect("campaigns:audit_import_preview", pk=edition.pk, import_pk=batch.pk)
    return render(
        request,
        "campaigns/audit_import.html",
        {
            "edition": edition,
            "form": form,
            **crumbs(
                "Importer des audits",
                link(edition.name, "campaigns:edition", edition.pk),
            ),
        },
    )


def audit_import_preview(request, pk: int, import_pk: int):
    edition = get_edition_for_runner(request.user, pk)
    batch = edition.imports.filter(pk=import_pk).first()
    if batch is None:
        raise Http404("Import introuvable.")
    plan = plan_audit_import(edition, bytes(batch.content), batch.file_name)
    if request.method == "POST" and not batch.applied:
        with transaction.atomic():
            locked = AuditImport.objects.select_for_update().get(pk=batch.pk)
            if not locked.applied:  # a double click writes once
                try:
                    counts = apply_audit_import(edition, plan, by=request.user)
                except InputRejected:
                    messages.error(
                        request, "Le fichier contient des erreurs : rien n'a été enregistré."
                    )
                    return redirect(request.path)
                locked.applied, locked.result = True, counts
                locked.save(update_fields=["applied", "result"])
                messages.success(
                    request,
                    f"{count_of(counts['created'], 'audit')} créé{plural(counts['created'])}, "
                    f"{counts['updated']} mis à jour, soumis à validation.",
                )
        return redirect("campaigns:edition", pk=edition.pk)
    return render(
        request,
        "campaigns/audit_import_preview.html",
        {
            "edition": edition,
            "batch": batch,
            "plan": plan,
            **crumbs(
                "Vérification de l'import",
                link(edition.name, "campaigns:edition", edition.pk),
            ),
        },
    )
