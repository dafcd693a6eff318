"""The public pages of a collection point: no login, usable on a phone, no personal data
asked (an e-mail address only if the user wants an answer)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from barometre.core.downloads import download
from barometre.core.errors import Refused
from barometre.core.figures import minimum
from barometre.core.public_pages import KeyQuery, for_visitors
from barometre.improvement import dashboard, mailings, register, surveys
from barometre.improvement.models import (
    Action,
    CollectionPoint,
    FeedbackChannel,
    ImprovementProfile,
    SurveyInvitation,
)
from barometre.improvement.opendata import sp_results_csv, sp_results_schema
from barometre.improvement.public import (
    HONEYPOT,
    allow,
    allow_acknowledgement,
    new_submission_key,
    with_retry_after,
)
from barometre.improvement.public_forms import PublicFeedbackForm
from barometre.improvement.survey_forms import SurveyForm
from barometre.improvement.tasks import send_acknowledgement
from barometre.improvement.transparency import LIVE_SECONDS, page_key
from barometre.structures.logos import MAX_BYTES, image_type
from barometre.structures.models import Structure

TOO_MANY = (
    "Trop d'envois depuis votre connexion en peu de temps. Merci de réessayer dans "
    "quelques minutes."
)


def _point(token: str) -> CollectionPoint:
    point = (
        CollectionPoint.objects.select_related("structure", "questionnaire")
        .filter(token=token, active=True)
        .first()
    )
    if point is None:
        raise Http404("Ce lien n'est pas ou plus valable.")
    return point


@login_not_required
def point(request, token: str):
    """The survey of this place (when it has one), and the way to the feedback form."""
    point = _point(token)
    questionnaire = (
        point.questionnaire if point.questionnaire and point.questionnaire.active else None
    )
    if questionnaire is None:
        if point.feedback_form:
            return redirect("public:feedback", token=token)
        raise Http404("Aucune enquête ouverte ici.")
    return _survey(request, questionnaire, point=point)


def _survey(request, questionnaire, *, point=None, invitation=None):
    """The survey form, on a collection point's page or a single-use link."""
    form = SurveyForm(
        request.POST or None,
        questionnaire=questionnaire,
        initial={"submission_key": new_submission_key()},
    )
    status = 200
    thanks = {"structure": questionnaire.structure, "point": point}
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return render(request, "improvement/public_thanks.html", thanks)  # nothing stored
        if not allow(request):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            try:
                surveys.submit(
                    questionnaire,
                    form.values(),
                    comment=form.cleaned_data.get("comment", ""),
                    point=point,
                    submission_key=form.cleaned_data["submission_key"],
                    invitation=invitation,
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                if point is not None:
                    return redirect("public:thanks", token=point.token)
                return render(request, "improvement/public_thanks.html", thanks)
    return with_retry_after(
        render(
            request,
            "improvement/public_survey.html",
            {
                "point": point,
                "questionnaire": questionnaire,
                "form": form,
                "structure": questionnaire.structure,
            },
            status=status,
        )
    )


@login_not_required
def invitation(request, token: str):
    found = (
        SurveyInvitation.objects.select_related("questionnaire__structure", "mailing")
        .filter(token=token, questionnaire__active=True)
        .first()
    )
    if found is None:
        raise Http404("Ce lien n'est pas ou plus valable.")
    if found.mailing is not None and found.mailing.closed_at is not None:
        context = {"structure": found.questionnaire.structure, "closed": True}
        return render(request, "improvement/public_used.html", context, status=410)
    if found.used_at is not None:
        key = request.POST.get("submission_key", "")
        if request.method == "POST" and surveys.answered_with(found, key):
            thanks = {"structure": found.questionnaire.structure, "point": None}
            return render(request, "improvement/public_thanks.html", thanks)
        return render(
            request,
            "improvement/public_used.html",
            {"structure": found.questionnaire.structure},
            status=410,
        )
    return _survey(request, found.questionnaire, invitation=found)


@login_not_required
def unsubscribe(request, token: str):
    """From an e-mailed invitation: confirmed by a button (a mail client that opens links
    in advance must not unsubscribe anyone)."""
    found = (
        SurveyInvitation.objects.select_related("questionnaire__structure")
        .filter(token=token, mailing__isnull=False)
        .first()
    )
    if found is None:
        raise Http404("Ce lien n'est pas ou plus valable.")
    if request.method == "POST":
        mailings.unsubscribe(found)
    found.refresh_from_db(fields=["unsubscribed_at"])
    return render(
        request,
        "improvement/public_unsubscribe.html",
        {
            "structure": found.questionnaire.structure,
            "done": found.unsubscribed_at is not None,
        },
    )


@login_not_required
def feedback(request, token: str):
    point = _point(token)
    if not point.feedback_form:
        raise Http404("Pas de formulaire de réclamation ici.")
    form = PublicFeedbackForm(
        request.POST or None, initial={"submission_key": new_submission_key()}
    )
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return redirect("public:thanks", token=token)
        if not allow(request):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            entry, created = register.create_entry(
                point.structure,
                kind=data["kind"],
                channel=FeedbackChannel.WEB_FORM,
                received_on=timezone.localdate(),
                subject=data["subject"],
                description=data["description"],
                contact_email=data["contact_email"],
                service=point.label,
                submission_key=data["submission_key"],
            )
            # Limited per recipient too: the form must not let anyone make the platform
            # write to any address at will (the reference is on the next page anyway).
            if created and entry.contact_email and allow_acknowledgement(entry.contact_email):
                send_acknowledgement.enqueue(entry.pk)
            request.session["feedback_reference"] = entry.reference
            request.session["feedback_due"] = (
                entry.answer_due.strftime("%d/%m/%Y") if entry.answer_due else ""
            )
            return redirect("public:thanks", token=token)
    context = {"point": point, "structure": point.structure, "form": form}
    return with_retry_after(
        render(request, "improvement/public_feedback.html", context, status=status)
    )


@login_not_required
def thanks(request, token: str):
    point = _point(token)
    return render(
        request,
        "improvement/public_thanks.html",
        {
            "point": point,
            "structure": point.structure,
            "reference": request.session.pop("feedback_reference", ""),
            "due": request.session.pop("feedback_due", ""),
        },
    )


@login_not_required
def transparency(request, identifier: str):
    """Services Publics+ engagement 6: a structure's published quality results — only
    the indicators, survey and actions its manager chose to publish. Visitors get it from
    the cache, under a key read in one query (``transparency``)."""
    found = _PUBLISHING_PROFILE(identifier)
    if found is None:
        raise Http404("Pas de résultats publiés pour cette structure.")
    pk, revision, structure_updated_at = found
    key = page_key(identifier, revision, structure_updated_at)
    return for_visitors(request, key, lambda: _transparency(request, pk), seconds=LIVE_SECONDS)


_PUBLISHING_PROFILE = KeyQuery(
    lambda identifier: (
        ImprovementProfile.objects.publishing_transparency()
        .filter(structure__identifier=identifier)
        .order_by()
        .values_list("pk", "revision", "structure__updated_at")[:1]
    ),
    str,
)


def _transparency(request, pk: int):
    profile = ImprovementProfile.objects.select_related("structure", "publish_survey").get(pk=pk)
    structure = profile.structure
    year = timezone.localdate().year
    years = [year - 2, year - 1, year]
    rows = [r for r in dashboard.dashboard(structure, years, year) if r.indicator.public]
    survey = []
    if profile.publish_survey:
        survey = surveys.yearly_table(profile.publish_survey, years)
    actions = Action.objects.filter(
        structure=structure, publish=True, status=Action.Status.DONE
    ).order_by("-done_on")[:30]
    return render(
        request,
        "improvement/transparency.html",
        {
            "structure": structure,
            "profile": profile,
            "rows": rows,
            "sections": dashboard.by_section(rows),
            "years": years,
            "year": year,
            "survey": survey,
            "actions": actions,
            "min_answers": minimum("rate"),
        },
    )


def _publishing_sp_results(identifier: str) -> Structure:
    """A structure that publishes its transparency page and has its SP+ code, else 404."""
    profile = (
        ImprovementProfile.objects.select_related("structure")
        .publishing_transparency()
        .filter(structure__identifier=identifier)
        .exclude(structure__sp_code="")
        .first()
    )
    if profile is None:
        raise Http404("Pas de résultats publiés au format Services Publics+ pour cette structure.")
    return profile.structure


@login_not_required
def sp_results(request, identifier: str):
    """The published indicators in the shape of the SP+ results export."""
    structure = _publishing_sp_results(identifier)
    return download(sp_results_csv(structure), f"resultats-sp-{structure.sp_code}.csv")


@login_not_required
def sp_results_schema_view(request, identifier: str):
    _publishing_sp_results(identifier)
    return HttpResponse(sp_results_schema(), content_type="application/json; charset=utf-8")


@login_not_required
def logo(request, identifier: str):
    """A structure's logo, for the header of its public pages. The content type comes from
    the image's first bytes, never from the uploaded name."""
    structure = Structure.objects.filter(identifier=identifier).exclude(logo="").first()
    if structure is None:
        raise Http404("Pas de logo pour cette structure.")
    with structure.logo.open("rb") as file:
        content = file.read(MAX_BYTES + 1)
    content_type = image_type(content[:12])
    if content_type is None:
        raise Http404("Pas de logo pour cette structure.")
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"  # the address changes with the logo
    return response
