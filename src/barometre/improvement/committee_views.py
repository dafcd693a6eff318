"""The users' committee: members, meetings and their minutes."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from barometre.core.navigation import link
from barometre.improvement import (
    annual,
)
from barometre.improvement.access import (
    can_manage,
    get_structure,
)
from barometre.improvement.committee_forms import (
    DecisionFormSet,
    MeetingForm,
    MemberForm,
    StatementFormSet,
    with_one_more_row,
)
from barometre.improvement.models import (
    Action,
    CommitteeMember,
    Meeting,
)
from barometre.improvement.pages import MANAGE, all_valid, own_object, structure_crumbs


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
    return render(
        request,
        "improvement/committee.html",
        {
            "structure": structure,
            "form": form,
            "members": CommitteeMember.objects.filter(structure=structure),
            "meetings": Meeting.objects.filter(structure=structure),
            "can_manage": can_manage(request.user, pk),
            **structure_crumbs(structure, "Comité des usagers"),
        },
    )


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
    instance = own_object(Meeting, structure, meeting_pk, "Réunion introuvable.")
    data = request.POST if request.method == "POST" else None
    adding = data.get("add") if data is not None else None
    if adding in {prefix for prefix, _, _ in MINUTES_ROWS}:
        data = with_one_more_row(data, adding)
    form = MeetingForm(data, instance=instance, structure=structure)
    formsets = [
        (heading, formset(data, instance=instance, prefix=prefix))
        for prefix, heading, formset in MINUTES_ROWS
    ]
    if data is not None and not adding and all_valid(form, formsets):
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
        **structure_crumbs(structure, title),
    }
    return render(request, "improvement/meeting_form.html", context)


def meeting_detail(request, pk: int, meeting_pk: int):
    structure = get_structure(request.user, pk)
    meeting = Meeting.objects.filter(structure=structure, pk=meeting_pk).first()
    if meeting is None:
        raise Http404("Réunion introuvable.")
    if request.method == "POST":  # a decision becomes an action of the plan
        get_structure(request.user, pk, MANAGE)
        decision = meeting.decisions.filter(
            pk=request.POST.get("decision"), action__isnull=True
        ).first()
        if decision:
            decision.action = Action.objects.create(
                structure=structure,
                year=meeting.held_on.year,
                axis="Décisions du comité",
                title=decision.text[:200],
                origin=Action.Origin.COMMITTEE,
                origin_detail=str(meeting)[:200],
            )
            decision.save()
            messages.success(request, "Décision inscrite au plan d'amélioration.")
        return redirect("improvement:meeting", pk=pk, meeting_pk=meeting_pk)
    managing = can_manage(request.user, pk)
    # The minutes as written for managers; masked for the rest of the team, as the register.
    minutes = [meeting.statements.all(), meeting.decisions.select_related("action")]
    statements, decisions = (
        [item if managing else annual.masked_minutes(item) for item in items] for items in minutes
    )
    return render(
        request,
        "improvement/meeting.html",
        {
            "structure": structure,
            "meeting": meeting,
            "can_manage": managing,
            "statements": statements,
            "decisions": decisions,
            **structure_crumbs(
                structure, str(meeting), link("Comité des usagers", "improvement:committee", pk)
            ),
        },
    )
