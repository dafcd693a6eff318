"""Forms of the satisfaction surveys (``survey_views``, and ``public_views`` for the
online answer form)."""

from django import forms
from django.utils import timezone

from barometre.core.forms import DsfrForm, DsfrModelForm
from barometre.improvement.form_widgets import DATE, TOUCH_FIELD, touch_radios
from barometre.improvement.models import CollectionPoint, Questionnaire, SurveyItem
from barometre.improvement.public import HONEYPOT
from barometre.improvement.surveys import scale_values


class SurveyForm(DsfrForm):
    """One rating per item; a conditional item asks its filter question first."""

    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        values = scale_values(questionnaire)
        choices = [(str(v), label) for v, label in values]
        numeric = values[0][1].isdigit()
        hint = (
            f"{values[0][0]} : pas du tout satisfait — {values[-1][0]} : très satisfait"
            if numeric
            else ""
        )
        yes_no = [("oui", "Oui"), ("non", "Non")]
        self.items = list(questionnaire.items.all())
        for item in self.items:
            if item.condition:
                self.fields[f"concerned_{item.code}"] = forms.ChoiceField(
                    label=item.condition,
                    required=False,
                    choices=yes_no,
                    widget=touch_radios(yes_no, words=False),
                    template_name=TOUCH_FIELD,
                )
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item.label + (" (si oui)" if item.condition else ""),
                choices=choices,
                coerce=int,
                required=False,
                help_text=hint,
                template_name=TOUCH_FIELD,
                widget=touch_radios(choices, words=not numeric),
            )
        if questionnaire.comment_label:
            self.fields["comment"] = forms.CharField(
                label=questionnaire.comment_label,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields[HONEYPOT] = forms.CharField(
            label="Laissez ce champ vide",
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def values(self) -> dict[str, int | None]:
        """Item code → rating; None for users not concerned or who gave no rating."""
        out = {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.code}")
            if item.condition and self.cleaned_data.get(f"concerned_{item.code}") != "oui":
                value = None
            out[item.code] = value if value != "" else None
        return out


class PaperSurveyForm(SurveyForm):
    answered_on = forms.DateField(label="Date du questionnaire", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[HONEYPOT]
        self.fields["answered_on"].initial = timezone.localdate()


class QuestionnaireForm(DsfrModelForm):
    class Meta:
        model = Questionnaire
        fields = [
            "title",
            "scale",
            "satisfied_from",
            "very_satisfied_from",
            "target",
            "comment_label",
            "active",
        ]

    def clean(self):
        data = super().clean()
        scale = data.get("scale")
        if scale:
            values = [v for v, _ in scale_values(Questionnaire(scale=scale))]
            low, high = data.get("satisfied_from"), data.get("very_satisfied_from")
            if (
                low is not None
                and high is not None
                and not min(values) <= low <= high <= max(values)
            ):
                raise forms.ValidationError(
                    f"Les seuils doivent suivre l'échelle ({min(values)} à {max(values)}) : "
                    "« satisfait » au plus égal à « très satisfait »."
                )
            if (
                self.instance.pk
                and scale != self.instance.scale
                and self.instance.responses.exists()
            ):
                self.add_error("scale", "Des réponses existent : l'échelle ne peut plus changer.")
        return data


ItemFormSet = forms.inlineformset_factory(
    Questionnaire,
    SurveyItem,
    fields=["position", "code", "label", "engagement", "condition"],
    extra=1,
    can_delete=True,
)


class PointForm(DsfrModelForm):
    class Meta:
        model = CollectionPoint
        fields = ["label", "questionnaire", "feedback_form"]

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(structure=structure)


class CommentSearchForm(DsfrForm):
    # A form rather than the raw parameter: it refuses what the database cannot search
    # (a NUL character is a 500 on PostgreSQL).
    q = forms.CharField(label="Rechercher dans les commentaires", required=False, max_length=100)


class ImportForm(DsfrForm):
    file = forms.FileField(
        label="Fichier XLSX, ODS ou CSV",
        help_text="Une ligne par questionnaire : date, puis une colonne par "
        "code de question, puis « commentaire ».",
    )
