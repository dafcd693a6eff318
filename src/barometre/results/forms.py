from typing import cast

from django import forms

from barometre.core.forms import DsfrForm
from barometre.structures.models import Structure


class RankingFilterForm(DsfrForm):
    """The operator's view of a ranking, one page at a time: a category, a name."""

    category = forms.ChoiceField(label="Catégorie", required=False)
    q = forms.CharField(
        label="Rechercher", required=False, max_length=100, help_text="Nom, identifiant ou commune"
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "Toutes"),
            *((c, c) for c in categories),
        ]

    def filter(self, results):
        if not self.is_valid():
            return results
        if self.cleaned_data["category"]:
            results = results.filter(category=self.cleaned_data["category"])
        if text := self.cleaned_data["q"].strip():
            results = results.filter(structure__in=Structure.objects.search(text))
        return results
