"""Forms of the improvement plan, the trainings and the self-assessment (``plan_views``)."""

from django import forms
from django.utils import timezone

from barometre.core.forms import DsfrForm, DsfrModelForm
from barometre.improvement.form_widgets import DATE
from barometre.improvement.models import Action, Indicator, Training


class PlanActionForm(DsfrModelForm):
    class Meta:
        model = Action
        fields = [
            "year",
            "axis",
            "title",
            "owner",
            "due_on",
            "status",
            "progress",
            "origin",
            "origin_detail",
            "indicator",
            "done_on",
            "publish",
            "public_summary",
        ]
        widgets = {"due_on": DATE, "done_on": DATE}

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(structure=structure)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if data.get("publish") and not data.get("public_summary"):
            self.add_error("public_summary", "Un résumé public est nécessaire pour publier.")
        if data.get("status") == Action.Status.DONE and not data.get("done_on"):
            self.add_error("done_on", "Indiquez la date de réalisation.")
        status, progress = data.get("status"), data.get("progress")
        if status == Action.Status.DONE and progress is not None and progress < 100:
            self.add_error("progress", "Une action réalisée est avancée à 100 %.")
        if status in (Action.Status.PLANNED, Action.Status.IN_PROGRESS) and progress == 100:
            self.add_error("status", "Avancée à 100 % : l'action est « Réalisée ».")
        return data


class TrainingForm(DsfrModelForm):
    class Meta:
        model = Training
        fields = ["year", "theme", "sessions", "agents_trained"]


class SelfAssessmentForm(DsfrForm):
    """One maturity level per engagement, pre-filled with the last assessment."""

    def __init__(self, *args, engagements=(), scale=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.level), f"{m.level} — {m.label}") for m in scale]
        for engagement in engagements:
            self.fields[f"level_{engagement.id}"] = forms.TypedChoiceField(
                label=f"Engagement {engagement.number} : {engagement.label}",
                choices=choices,
                coerce=int,
            )
            self.fields[f"comment_{engagement.id}"] = forms.CharField(
                label="Constats et preuves", required=False, max_length=300
            )
