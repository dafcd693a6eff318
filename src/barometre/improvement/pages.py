"""What every page of the improvement app shares: the breadcrumb under the structure, a
form page with its formsets, an object of the structure or 404."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from barometre.core.navigation import crumbs, link

MANAGE = ("manager",)


def structure_crumbs(structure, current: str, *links) -> dict:
    """The breadcrumb of a page of ``structure``: the app, the structure, then ``links``."""
    return crumbs(
        current,
        link("Amélioration continue", "improvement:index"),
        link(structure.name, "improvement:structure", structure.pk),
        *links,
        nav="improvement",
    )


def form_page(
    request, structure, title: str, form, formsets=(), *, intro: str = "", back: str = ""
):
    return render(
        request,
        "improvement/form.html",
        {
            "structure": structure,
            "title": title,
            "form": form,
            "formsets": formsets,
            "intro": intro,
            "back": back or reverse("improvement:structure", args=[structure.pk]),
            "errors": bool(form.errors) or any(f.total_error_count() for _, f in formsets),
            **structure_crumbs(structure, title),
        },
    )


def own_object(model, structure, pk: int | None, missing: str):
    """The structure's object ``pk`` (404 otherwise), or a new one when ``pk`` is None."""
    if pk is None:
        return model(structure=structure)
    found = model.objects.filter(structure=structure, pk=pk).first()
    if found is None:
        raise Http404(missing)
    return found


def all_valid(form, formsets) -> bool:
    return all([form.is_valid(), *(f.is_valid() for _, f in formsets)])
