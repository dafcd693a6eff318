from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from barometre.accounts import journal
from barometre.api.models import ApiToken
from barometre.core.forms import DsfrForm


class TokenForm(DsfrForm):
    name = forms.CharField(label="Nom du jeton", max_length=80,
                           help_text="Par exemple : outil de saisie terrain.")  # fmt: skip
    scope = forms.ChoiceField(label="Droits", choices=ApiToken.Scope.choices,
                              widget=forms.RadioSelect, initial=ApiToken.Scope.READ)  # fmt: skip


def tokens(request):
    """The user's API tokens: create one (its key is shown once), revoke one."""
    form = TokenForm(request.POST if request.POST.get("op") == "create" else None)
    key = None
    if request.method == "POST":
        if request.POST.get("op") == "revoke":
            revoked = ApiToken.objects.filter(user=request.user, pk=request.POST.get("token"),
                                              revoked_at__isnull=True).first()  # fmt: skip
            if revoked:
                ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
                journal.record(journal.Kind.TOKEN_REVOKED, revoked, actor=request.user)
            messages.success(request, "Jeton révoqué : il ne donne plus accès à rien.")
            return redirect("api_tokens")
        if form.is_valid():
            token, key = ApiToken.issue(request.user, form.cleaned_data["name"],
                                        form.cleaned_data["scope"])  # fmt: skip
            journal.record(journal.Kind.TOKEN_CREATED, token, actor=request.user,
                           scope=token.scope)  # fmt: skip
            form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form, "key": key, "tokens": ApiToken.objects.filter(user=request.user),
        "breadcrumb_data": {"links": [], "current": "Jetons d'API"},
    })  # fmt: skip
