"""Forms of the quality indicators (``indicator_views``)."""

import re

from django import forms

from barometre.core.forms import DsfrModelForm
from barometre.improvement.models import Indicator, IndicatorTarget, IndicatorValue


class IndicatorForm(DsfrModelForm):
    class Meta:
        model = Indicator
        fields = [
            "position",
            "code",
            "label",
            "theme",
            "section",
            "engagement",
            "unit",
            "direction",
            "source",
            "parameter",
            "periodicity",
            "public",
        ]


class TargetForm(DsfrModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class ValueForm(DsfrModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "note"]

    def clean_period(self):
        period = self.cleaned_data["period"].strip().upper()
        match = re.fullmatch(r"(\d{4})(?:-(0[1-9]|1[0-2])|-T([1-4]))?", period)
        if not match:
            raise forms.ValidationError(
                "Période attendue : une année (2022), un trimestre (2022-T3) ou un mois (2022-07)."
            )
        return period

    def save(self, commit=True):
        self.instance.year = int(self.cleaned_data["period"][:4])
        return super().save(commit)


TargetFormSet = forms.inlineformset_factory(
    Indicator, IndicatorTarget, form=TargetForm, extra=1, can_delete=True
)


ValueFormSet = forms.inlineformset_factory(
    Indicator, IndicatorValue, form=ValueForm, extra=2, can_delete=True
)
