"""The annual quality review, page and PDF."""

from django.http import Http404
from django.shortcuts import render

from barometre.core.downloads import download
from barometre.core.figures import minimum
from barometre.core.pdf import cached_pdf
from barometre.improvement import (
    annual,
)
from barometre.improvement.access import (
    get_structure,
)
from barometre.improvement.pages import structure_crumbs


def _reviewed_year(year: int) -> int:
    """A year a review can be about; any other (0, 99999…) is a page that does not exist,
    not a date the review's arithmetic cannot build."""
    if year not in annual.REVIEW_YEARS:
        raise Http404("Pas de bilan pour cette année.")
    return year


def review(request, pk: int, year: int):
    structure = get_structure(request.user, pk)
    year = _reviewed_year(year)
    review = annual.annual_review(structure, year)
    return render(
        request,
        "improvement/review.html",
        {
            "r": review,
            "structure": structure,
            "pdf": False,
            "min_answers": minimum("rate"),
            **structure_crumbs(structure, f"Bilan qualité {year}"),
        },
    )


def review_pdf(request, pk: int, year: int):
    structure = get_structure(request.user, pk)
    year = _reviewed_year(year)
    # Laid out again only when what it shows changed (WeasyPrint takes seconds).
    content = cached_pdf(
        "improvement/review_pdf.html",
        {"r": annual.annual_review(structure, year), "pdf": True, "min_answers": minimum("rate")},
    )
    return download(content, f"bilan-qualite-{year}.pdf")
