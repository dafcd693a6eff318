from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from barometre.accounts import journal
from barometre.api.models import ApiToken
from barometre.core.forms import DsfrForm


class TokenForm(DsfrForm):
    name = forms.CharField(
        label="Nom du jeton", max_length=80, help_text="Par exemple : outil de saisie terrain."
    )
    scope = forms.ChoiceField(
        label="Droits",
        choices=ApiToken.Scope.choices,
        widget=forms.RadioSelect,
        initial=ApiToken.Scope.READ,
    )


def _token_id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404("Jeton introuvable.") from None


def tokens(request):
    """The user's API tokens: create one (its key is shown once), revoke one."""
    form = TokenForm(request.POST if request.POST.get("op") == "create" else None)
    key = None
    if request.method == "POST":
        if request.POST.get("op") == "revoke":
            # Only the user's own tokens: any other answers 404 and nothing happens.
            mine = ApiToken.objects.filter(user=request.user)
            token = get_object_or_404(mine, pk=_token_id(request.POST.get("token")))
            if mine.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
                journal.record(journal.Kind.TOKEN_REVOKED, token, actor=request.user)
            messages.success(request, "Jeton révoqué : il ne donne plus accès à rien.")
            return redirect("api_tokens")
        if form.is_valid():
            token, key = ApiToken.issue(
                request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
            )
            journal.record(journal.Kind.TOKEN_CREATED, token, actor=request.user, scope=token.scope)
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "key": key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "breadcrumb_data": {"links": [], "current": "Jetons d'API"},
        },
    )
