"""One audit's page: the auditor fills the grid (answers, sending and reply, evidence)
without ever losing what was typed; the validator reads the whole audit and decides, then
moves on to the next one of the queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from barometre.campaigns import lifecycle, workflow
from barometre.campaigns.access import get_task_for_user, runnable_editions
from barometre.campaigns.desk import INLINE_KINDS, next_in_queue, review_audit
from barometre.campaigns.forms import AuditForm, EvidenceForm, ReplyForm, SendingForm
from barometre.campaigns.models import AuditTask, Evidence
from barometre.core.errors import Conflict, Refused
from barometre.core.navigation import crumbs, link

T = AuditTask.Status
FIELDWORK = link("Terrain", "campaigns:my_tasks")
VALIDATION = link("Validation", "campaigns:validation")
# Every button of the audit page belongs to one form and saves the typed answers first.
CYCLE_ACTIONS = ("send", "reply")
RECORDED = {
    "sending": "Envoi enregistré : l'audit attend la réponse.",
    "reply": "Réponse enregistrée : complétez la grille.",
}


def _input_errors(form) -> bool:
    """Errors other than a missing answer (which a draft may leave)."""
    return any(
        message != "Réponse obligatoire." for errors in form.errors.values() for message in errors
    )


def _cycle_form(task: AuditTask, data=None) -> SendingForm | ReplyForm | None:
    """The sending's fields, or the reply's once the sending is recorded, or none."""
    if task.channel not in workflow.CYCLE_CHANNELS or task.replied_at:
        return None
    if task.sent_at is None:
        return SendingForm(data, prefix="sending")
    return ReplyForm(data, prefix="reply")


def _typed(form) -> bool:
    return any(form.data.get(form.add_prefix(name), "").strip() for name in form.fields)


def _record_cycle(request, task: AuditTask, form: SendingForm | ReplyForm) -> bool:
    """Record the sending or the reply typed in ``form``; a refused date becomes the error
    of its field, and the form keeps everything typed."""
    if not form.is_valid():
        return False
    try:
        if isinstance(form, SendingForm):
            workflow.record_sending(
                task,
                sent_at=form.cleaned_data["sent_at"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        else:
            workflow.record_reply(
                task,
                replied_at=form.cleaned_data["replied_at"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
    except Refused as exc:
        field = exc.field if exc.field in form.fields else None
        for reason in exc.reasons:
            form.add_error(field, f"{reason[:1].upper()}{reason[1:]}.")
        return False
    return True


def _evidence_action(request, task: AuditTask, action: str) -> None:
    """After the draft is saved: attach the chosen file, or remove a piece."""
    if action == "attach":
        evidence_form = EvidenceForm(request.POST, request.FILES)
        uploaded = request.FILES.get("file")
        if uploaded is None or not evidence_form.is_valid():
            messages.error(request, "Choisissez un fichier à joindre.")
            return
        try:
            workflow.add_evidence(task, uploaded, by=request.user)
            messages.success(request, "Pièce justificative ajoutée.")
        except Refused as exc:
            messages.error(request, f"Fichier refusé : {exc}")
    elif action == "remove":
        evidence = task.evidence.filter(pk=request.POST.get("remove") or 0).first()
        if evidence is None:
            raise Http404("Pièce introuvable.")
        try:
            workflow.remove_evidence(task, evidence, by=request.user)
            messages.success(request, f"Pièce « {evidence.original_name} » retirée.")
        except Refused as exc:
            messages.error(request, f"Impossible : {exc}.")


def _act(request, task: AuditTask, form: AuditForm, cycle, action: str):
    """Whatever the button: save the valid answers as a draft, record the sending or the
    reply when its fields hold something, then do what the button says. Returns the
    redirect when everything went through, else ``None``: the page is shown again with
    everything typed and the errors on their fields."""
    complete = form.is_valid()
    seen = request.POST.get("version", "")
    # A draft keeps every valid answer, even when others are still missing.
    workflow.save_answers(
        task, form.answers(), by=request.user, version=int(seen) if seen.isdigit() else None
    )
    recorded, refused = "", False
    if cycle is not None and (action in CYCLE_ACTIONS or _typed(cycle)):
        if _record_cycle(request, task, cycle):
            recorded = RECORDED[cycle.prefix or ""]
        else:
            refused = True
            what = "l'envoi" if isinstance(cycle, SendingForm) else "la réponse reçue"
            messages.error(
                request, f"Grille enregistrée, mais pas {what} : corrigez le champ signalé."
            )
    if action == "submit" and not refused:
        if not complete:
            messages.error(
                request,
                "Réponses enregistrées ; complétez les réponses obligatoires avant de soumettre.",
            )
            return None
        found = workflow.submit(task, by=request.user)
        note = f" Points à vérifier : {', '.join(found)}." if found else ""
        messages.success(request, "Audit soumis pour validation." + note)
        mine = task.auditor_id == request.user.pk
        return redirect("campaigns:my_tasks" if mine else "campaigns:validation")
    if action in ("attach", "remove"):
        _evidence_action(request, task, action)
    elif not refused and not _input_errors(form):
        messages.success(request, "Réponses enregistrées.")
    if recorded:
        messages.success(request, recorded)
    if _input_errors(form):
        messages.warning(
            request, "Les réponses valides sont enregistrées ; corrigez les champs signalés."
        )
        return None
    if refused:
        return None
    anchor = "#pieces" if action in ("attach", "remove") else ""
    return redirect(reverse("campaigns:task", args=[task.pk]) + anchor)


def task_detail(request, pk: int):
    task = get_task_for_user(request.user, pk)
    grid = task.edition.grid.parsed()
    form = AuditForm(request.POST or None, grid=grid, channel=task.channel)
    form.initial_from(dict(task.answers.values_list("criterion", "value")))
    cycle = _cycle_form(task, request.POST or None)
    unsaved = False
    if request.method == "POST":
        # "Retirer" buttons carry the piece to remove as their value.
        action = "remove" if "remove" in request.POST else request.POST.get("action", "save")
        try:
            done = _act(request, task, form, cycle, action)
            if done is not None:
                return done
        except Refused as exc:
            messages.error(request, f"Impossible : {exc}.")
            unsaved = True
        except Conflict as exc:
            messages.error(request, str(exc))
            task.refresh_from_db()
            unsaved = True
        # Shown again: the sending or reply as typed, unless it was recorded meanwhile.
        fresh = _cycle_form(task)
        if cycle is None or fresh is None or fresh.prefix != cycle.prefix or not _typed(cycle):
            cycle = fresh
        unsaved = unsaved or _input_errors(form) or (cycle is not None and cycle.is_bound)
    runner = lifecycle.can_run(request.user, task.edition)
    editable = task.status in workflow.EDITABLE and task.auditor_id == request.user.pk
    # Those who run the edition read the whole audit; the auditor reads it once submitted.
    review = review_audit(task, with_anomalies=runner and task.status == T.SUBMITTED)
    context = {
        "task": task,
        "form": form,
        "review": review,
        "runner": runner,
        "contacts": task.structure.contact_points.filter(channel=task.channel),
        "cycle": task.channel in workflow.CYCLE_CHANNELS,
        "cycle_form": cycle,
        "unsaved": unsaved,
        "editable": editable,
        "decidable": runner and task.status == T.SUBMITTED,
        "auditors": lifecycle.staff(task.edition) if runner else [],
        "evidence_form": EvidenceForm(),
        **crumbs(str(task), FIELDWORK, *([VALIDATION] if runner else [])),
    }
    return render(request, "campaigns/task.html", context)


def validation_queue(request):
    editions = runnable_editions(request.user)
    tasks = (
        AuditTask.objects.filter(status=T.SUBMITTED, edition__in=editions)
        .select_related("structure", "auditor", "edition__grid")
        .prefetch_related("answers", "evidence")[:200]
    )
    neighbours = workflow.Neighbours.of(tasks := list(tasks))
    rows = [(task, workflow.anomalies(task, neighbours=neighbours)) for task in tasks]
    return render(
        request,
        "campaigns/validation.html",
        {
            "rows": rows,
            "breadcrumb_data": {"links": [FIELDWORK], "current": "Validation"},
        },
    )


@require_POST
def decide(request, pk: int):
    task = get_task_for_user(request.user, pk)
    if not lifecycle.can_run(request.user, task.edition):
        raise PermissionDenied("Seuls ceux qui conduisent l'édition valident ses audits.")
    comment = request.POST.get("comment", "")
    seen = request.POST.get("version", "")
    version = int(seen) if seen.isdigit() else None
    by = {"by": request.user, "seen_version": version}
    actions = {
        "validate": lambda: workflow.validate(task, **by),
        "return": lambda: workflow.return_to_auditor(task, comment=comment, **by),
        "reject": lambda: workflow.reject(task, reason=comment, **by),
    }
    action = actions.get(request.POST.get("decision", ""))
    if action is None:
        messages.error(request, "Décision inconnue.")
    else:
        try:
            action()
            messages.success(request, f"Audit « {task} » : décision enregistrée.")
        except Refused as exc:
            messages.error(request, f"Impossible : {exc}.")
            if request.POST.get("from") == "desk":
                return redirect("campaigns:task", pk=task.pk)
        except Conflict as exc:
            messages.error(request, str(exc))
            if request.POST.get("from") == "desk":
                return redirect("campaigns:task", pk=task.pk)
    if request.POST.get("from") == "desk":
        following = next_in_queue(task, runnable_editions(request.user))
        if following is not None:
            return redirect("campaigns:task", pk=following)
    return redirect("campaigns:validation")


@require_POST
def evidence_upload(request, pk: int):
    """A file sent on its own (the grid's "Joindre" button posts to the audit page, which
    saves the typed answers first)."""
    task = get_task_for_user(request.user, pk)
    _evidence_action(request, task, "attach")
    return redirect(reverse("campaigns:task", args=[task.pk]) + "#pieces")


def evidence_download(request, pk: int, evidence_pk: int):
    """A piece of evidence; ``?voir=1`` shows images, recordings and PDFs in the page."""
    task = get_task_for_user(request.user, pk)
    try:
        evidence = task.evidence.get(pk=evidence_pk)
    except Evidence.DoesNotExist:
        raise Http404("Pièce introuvable.") from None
    inline = request.GET.get("voir") == "1" and (
        evidence.mime in INLINE_KINDS or evidence.mime.split("/")[0] in INLINE_KINDS
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.download_name,
        content_type=evidence.mime,
    )
