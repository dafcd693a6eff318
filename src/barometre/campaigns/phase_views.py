"""The phase change of an edition as a reviewed decision: a confirmation page says what
will happen and what is outstanding; the operator confirms (with a reason for an early
start, or choosing to close the audits not done) or extends the fieldwork window."""

from django.contrib import messages
from django.shortcuts import redirect, render

from barometre.campaigns import lifecycle
from barometre.campaigns.access import get_edition_for_runner
from barometre.campaigns.forms import ExtendFieldworkForm, PhaseChangeForm
from barometre.core.errors import Refused
from barometre.core.navigation import crumbs, link


def _refusal_messages(request, exc: Refused) -> None:
    for reason in exc.reasons:
        messages.error(request, reason[0].upper() + reason[1:] + ".")


def edition_phase(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    review = lifecycle.review_phase_change(edition)
    form = PhaseChangeForm(
        request.POST if request.POST.get("action") == "advance" else None, review=review
    )
    extend_form = ExtendFieldworkForm(
        request.POST if request.POST.get("action") == "extend" else None, edition=edition
    )
    if request.method == "POST":
        if form.is_bound and form.is_valid():
            try:
                edition = lifecycle.advance(
                    edition,
                    by=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                    close_not_done=form.cleaned_data.get("close_not_done", False),
                )
                messages.success(
                    request, f"L'édition passe en phase « {edition.get_status_display()} »."
                )
                return redirect("campaigns:edition", pk=edition.pk)
            except Refused as exc:
                _refusal_messages(request, exc)
        elif extend_form.is_bound and extend_form.is_valid():
            try:
                edition = lifecycle.extend_fieldwork(
                    edition, extend_form.cleaned_data["ends"], by=request.user
                )
                messages.success(
                    request, f"Terrain prolongé jusqu'au {edition.fieldwork_ends:%d/%m/%Y}."
                )
                return redirect("campaigns:edition", pk=edition.pk)
            except Refused as exc:
                _refusal_messages(request, exc)
        review = lifecycle.review_phase_change(edition)
    return render(
        request,
        "campaigns/phase.html",
        {
            "edition": edition,
            "review": review,
            "form": form,
            "extend_form": extend_form,
            **crumbs(
                "Changement de phase",
                link("Éditions", "campaigns:editions"),
                link(edition.name, "campaigns:edition", edition.pk),
            ),
        },
    )
