"""The quality dashboard: indicators, their values and targets, the SP+ catalogue."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from barometre.core.downloads import download
from barometre.core.exporting import Column, write_xlsx
from barometre.core.figures import plural
from barometre.improvement import (
    catalogue,
    dashboard,
)
from barometre.improvement.access import (
    can_manage,
    get_structure,
)
from barometre.improvement.indicator_forms import (
    IndicatorForm,
    TargetFormSet,
    ValueFormSet,
)
from barometre.improvement.models import (
    Indicator,
    IndicatorValue,
)
from barometre.improvement.pages import MANAGE, all_valid, form_page, own_object, structure_crumbs


def quality_dashboard(request, pk: int):
    structure = get_structure(request.user, pk)
    try:
        year = int(request.GET.get("annee", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    # The three previous years and the current one beside them, as the committee reads it.
    years = [year - 3, year - 2, year - 1, year]
    rows = dashboard.dashboard(structure, years, year)
    if request.GET.get("format") == "xlsx":
        return download(dashboard_xlsx(rows, years, year), f"tableau-de-bord-{year}.xlsx")
    return render(
        request,
        "improvement/dashboard.html",
        {
            "structure": structure,
            "sections": dashboard.by_section(rows),
            "years": years,
            "year": year,
            "can_manage": can_manage(request.user, pk),
            **structure_crumbs(structure, f"Tableau de bord qualité {year}"),
        },
    )


def dashboard_xlsx(rows, years, year) -> bytes:
    columns = [
        Column("Section", lambda r: r.section),
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
        Column(f"Cible {years[-2]} atteinte", lambda r: r.cells[-2].met),
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
            s = plural(len(created))
            messages.success(request, f"{len(created)} indicateur{s} ajouté{s} au tableau de bord.")
        else:
            messages.info(request, "Aucun indicateur ajouté : cochez ceux à suivre.")
        return redirect("improvement:dashboard", pk=pk)
    title = "Catalogue des indicateurs Services Publics+"
    context = {
        "structure": structure,
        "title": title,
        "rows": catalogue.catalogue_rows(structure),
        **structure_crumbs(structure, title),
    }
    return render(request, "improvement/indicator_catalogue.html", context)


def indicator_edit(request, pk: int, indicator_pk: int | None = None):
    structure = get_structure(request.user, pk, MANAGE)
    instance = own_object(Indicator, structure, indicator_pk, "Indicateur introuvable.")
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
    if request.method == "POST" and all_valid(form, formsets):
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
    return form_page(
        request,
        structure,
        "Indicateur" if indicator_pk else "Nouvel indicateur",
        form,
        formsets,
        back=reverse("improvement:dashboard", args=[pk]),
    )
