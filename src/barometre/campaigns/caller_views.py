"""The callers of an internal campaign: name one of the structure's agents, invite a
person for the campaign (their first password shown once), take a caller off."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from barometre.campaigns import callers
from barometre.campaigns.access import get_edition_for_runner
from barometre.campaigns.forms import InviteCallerForm, NameCallerForm
from barometre.core.errors import Refused
from barometre.core.figures import plural
from barometre.core.navigation import crumbs, link


def edition_callers(request, pk: int):
    edition = get_edition_for_runner(request.user, pk)
    if not edition.internal:
        raise Http404("Seules les campagnes internes ont des appelants.")
    action = request.POST.get("action") if request.method == "POST" else None
    name_form = NameCallerForm(request.POST if action == "name" else None, edition=edition)
    invite_form = InviteCallerForm(request.POST if action == "invite" else None)
    invited = None
    try:
        if action == "name" and name_form.is_valid():
            data = name_form.cleaned_data
            caller = callers.name_caller(
                edition, data["user"], by=request.user, weekly_capacity=data["weekly_capacity"]
            )
            messages.success(request, f"{caller.user} appellera pour cette campagne.")
            return redirect("campaigns:edition_callers", pk=edition.pk)
        if action == "invite" and invite_form.is_valid():
            invited = callers.invite_caller(edition, by=request.user, **invite_form.cleaned_data)
            invite_form = InviteCallerForm()
        if action == "remove":
            caller = edition.callers.filter(pk=request.POST.get("caller") or 0).first()
            if caller is None:
                raise Http404("Appelant introuvable.")
            released = callers.remove_caller(caller, by=request.user)
            note = f" ; {released} appel{plural(released)} à réattribuer" if released else ""
            messages.success(request, f"{caller.user} n'appelle plus pour cette campagne{note}.")
            return redirect("campaigns:edition_callers", pk=edition.pk)
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    context = {
        "edition": edition,
        "callers": edition.callers.select_related("user"),
        "name_form": name_form,
        "invite_form": invite_form,
        "invited": invited,
        "open": edition.status in ("draft", "enrolment", "fieldwork"),
        **crumbs(
            "Appelants",
            link("Campagnes internes", "campaigns:editions"),
            link(edition.name, "campaigns:edition", edition.pk),
        ),
    }
    return render(request, "campaigns/callers.html", context)
