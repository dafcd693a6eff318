"""The improvement app's entry pages: the structures a user follows, a structure's home and
its Services Publics+ profile. Each sub-domain has its own views module (register,
surveys, indicators, plan, committee, review)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from barometre.core.navigation import crumbs, link
from barometre.improvement import (
    register,
)
from barometre.improvement.access import (
    can_manage,
    can_write,
    get_structure,
    improvement_structures,
)
from barometre.improvement.forms import (
    ProfileForm,
)
from barometre.improvement.models import (
    CollectionPoint,
    ImprovementProfile,
    Questionnaire,
)
from barometre.improvement.pages import MANAGE, form_page


def index(request):
    structures = list(improvement_structures(request.user))
    if not structures:
        raise PermissionDenied(
            "L'amélioration continue est réservée aux équipes des structures (responsables "
            "qualité, agents, lecteurs)."
        )
    if len(structures) == 1:
        return redirect("improvement:structure", pk=structures[0].pk)
    return render(
        request,
        "improvement/index.html",
        {
            "structures": structures,
            "active_nav": "improvement",
            "breadcrumb_data": {"links": [], "current": "Amélioration continue"},
        },
    )


def structure_home(request, pk: int):
    structure = get_structure(request.user, pk)
    today = timezone.localdate()
    overdue, soon = register.due_within([structure.pk], today)
    return render(
        request,
        "improvement/structure.html",
        {
            "structure": structure,
            "overdue": overdue.count(),
            "soon": soon.count(),
            "open": register.open_entries().filter(structure=structure).count(),
            "questionnaires": Questionnaire.objects.filter(structure=structure),
            "points": CollectionPoint.objects.filter(structure=structure).select_related(
                "questionnaire"
            ),
            "can_write": can_write(request.user, pk),
            "can_manage": can_manage(request.user, pk),
            "last_year": today.year - 1,
            "profile": ImprovementProfile.objects.filter(structure=structure).first(),
            **crumbs(
                structure.name,
                link("Amélioration continue", "improvement:index"),
                nav="improvement",
            ),
        },
    )


def profile(request, pk: int):
    structure = get_structure(request.user, pk, MANAGE)
    instance = ImprovementProfile.objects.filter(structure=structure).first() or ImprovementProfile(
        structure=structure
    )
    form = ProfileForm(request.POST or None, instance=instance, structure=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profil enregistré.")
        return redirect("improvement:structure", pk=pk)
    return form_page(
        request,
        structure,
        "Démarche qualité et transparence",
        form,
        intro="Ce que la page publique de transparence montre : les indicateurs "
        "marqués « publiés », les résultats de l'enquête choisie et les "
        "actions « Vous avez dit, nous avons fait ».",
    )
