"""The improvement plan, trainings, the self-assessment and upcoming deadlines."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from barometre.engine import sp_engagements
from barometre.improvement import (
    annual,
)
from barometre.improvement.access import (
    WRITE,
    can_manage,
    can_write,
    get_structure,
)
from barometre.improvement.models import (
    Action,
)
from barometre.improvement.pages import MANAGE, form_page, own_object, structure_crumbs
from barometre.improvement.plan_forms import (
    PlanActionForm,
    SelfAssessmentForm,
    TrainingForm,
)


def plan(request, pk: int):
    structure = get_structure(request.user, pk)
    actions = Action.objects.filter(structure=structure).select_related("indicator")
    return render(
        request,
        "improvement/plan.html",
        {
            "structure": structure,
            "actions": actions,
            "today": timezone.localdate(),
            "can_write": can_write(request.user, pk),
            **structure_crumbs(structure, "Plan d'amélioration"),
        },
    )


def action_edit(request, pk: int, action_pk: int | None = None):
    structure = get_structure(request.user, pk, WRITE)
    instance = own_object(Action, structure, action_pk, "Action introuvable.")
    form = PlanActionForm(request.POST or None, instance=instance, structure=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Action enregistrée.")
        return redirect("improvement:plan", pk=structure.pk)
    return form_page(
        request,
        structure,
        "Action d'amélioration",
        form,
        back=reverse("improvement:plan", args=[pk]),
    )


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
    return render(
        request,
        "improvement/trainings.html",
        {
            "structure": structure,
            "form": form,
            "lines": lines,
            "totals": totals,
            "years": years,
            "can_write": can_write(request.user, pk),
            **structure_crumbs(structure, "Formations"),
        },
    )


def self_assessment(request, pk: int):
    structure = get_structure(request.user, pk)
    latest_two, lines = annual.self_assessment_progress(structure)
    reference = sp_engagements()
    initial = {}
    for line in lines:
        if line.latest is not None:
            initial[f"level_{line.id}"] = str(line.latest)
            initial[f"comment_{line.id}"] = line.comment
    form = SelfAssessmentForm(
        request.POST or None,
        initial=initial,
        engagements=reference.engagements,
        scale=reference.maturity_scale,
    )
    if request.method == "POST":
        get_structure(request.user, pk, MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            annual.record_self_assessment(
                structure,
                {e.id: data[f"level_{e.id}"] for e in reference.engagements},
                comments={e.id: data[f"comment_{e.id}"] for e in reference.engagements},
                by=request.user,
            )
            messages.success(request, "Autodiagnostic enregistré.")
            return redirect("improvement:self_assessment", pk=pk)
    return render(
        request,
        "improvement/self_assessment.html",
        {
            "structure": structure,
            "assessments": latest_two,
            "lines": lines,
            "form": form,
            "scale": reference.maturity_scale,
            "can_manage": can_manage(request.user, pk),
            **structure_crumbs(structure, "Autodiagnostic Services Publics+"),
        },
    )


def deadlines(request, pk: int):
    structure = get_structure(request.user, pk)
    return render(
        request,
        "improvement/deadlines.html",
        {
            "structure": structure,
            "today": timezone.localdate(),
            "deadlines": annual.upcoming_deadlines(structure, timezone.localdate()),
            **structure_crumbs(structure, "Échéances"),
        },
    )
