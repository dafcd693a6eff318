"""Pages of the surveys sent by e-mail (``mailings``): the managers upload the list,
send the one reminder and close the mailing; the response rate is on the
questionnaire's results page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from barometre.core.errors import Refused
from barometre.core.figures import plural
from barometre.improvement import mailings
from barometre.improvement.access import get_mailing, get_questionnaire
from barometre.improvement.mailing_forms import MailingForm
from barometre.improvement.pages import MANAGE, structure_crumbs


def mailing_create(request, pk: int):
    questionnaire = get_questionnaire(request.user, pk, MANAGE)
    form = MailingForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        mailing, problems, skipped = mailings.send_mailing(
            questionnaire,
            upload.read(),
            upload.name,
            closes_on=form.cleaned_data["closes_on"],
            by=request.user,
        )
        if mailing is not None:
            n = mailing.invited
            text = (
                f"{n} invitation{plural(n)} en cours d'envoi par courriel : l'envoi se suit "
                "sur cette page."
            )
            if skipped:
                text += (
                    f" {skipped} adresse{plural(skipped)} désinscrite{plural(skipped)} "
                    f"laissée{plural(skipped)} de côté."
                )
            messages.success(request, text)
            return redirect("improvement:questionnaire", pk=pk)
    title = "Inviter par courriel"
    return render(
        request,
        "improvement/mailing_form.html",
        {
            "structure": questionnaire.structure,
            "questionnaire": questionnaire,
            "form": form,
            "problems": problems,
            "title": title,
            **structure_crumbs(questionnaire.structure, title),
        },
    )


@require_POST
def mailing_remind(request, pk: int):
    mailing = get_mailing(request.user, pk, MANAGE)
    try:
        count = mailings.send_reminder(mailing)
        messages.success(request, f"Relance en cours d'envoi à {count} personne{plural(count)}.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("improvement:questionnaire", pk=mailing.questionnaire_id)


@require_POST
def mailing_close(request, pk: int):
    mailing = get_mailing(request.user, pk, MANAGE)
    deleted = mailings.close(mailing)
    messages.success(
        request, f"Enquête close : {deleted} adresse{plural(deleted)} effacée{plural(deleted)}."
    )
    return redirect("improvement:questionnaire", pk=mailing.questionnaire_id)


@require_POST
def mailing_resume(request, pk: int):
    """Relaunch a sending stopped with its worker: the rest goes out, nobody twice."""
    mailing = get_mailing(request.user, pk, MANAGE)
    try:
        mailings.resume(mailing)
        messages.success(request, "Envoi relancé : les courriels restants partent maintenant.")
    except Refused as exc:
        messages.error(request, f"Impossible : {exc}.")
    return redirect("improvement:questionnaire", pk=mailing.questionnaire_id)
