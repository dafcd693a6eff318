import re

from django import forms
from django.utils import timezone

from barometre.core.forms import DsfrForm, DsfrModelForm
from barometre.core.uploads import UploadRefused, check_import_file
from barometre.improvement.models import (
    Action,
    CollectionPoint,
    CommitteeMember,
    DeadlineRule,
    Decision,
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
    ImprovementProfile,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Questionnaire,
    Statement,
    SurveyItem,
    Training,
)
from barometre.improvement.public import HONEYPOT
from barometre.improvement.register import EARLIEST_RECEIVED
from barometre.improvement.surveys import scale_values

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(DsfrModelForm):
    class Meta:
        model = FeedbackEntry
        fields = [
            "kind",
            "channel",
            "received_on",
            "service",
            "subject",
            "description",
            "contact_name",
            "contact_email",
            "assigned_to",
            "root_cause",
        ]
        widgets = {"received_on": DATE, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["assigned_to"].queryset = staff
        self.fields[
            "contact_email"
        ].help_text = "Pour répondre à l'usager ; effacé à l'échéance de conservation."

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        if value < EARLIEST_RECEIVED:
            raise forms.ValidationError(
                "La date de réception ne peut pas être antérieure au 01/01/2000."
            )
        return value


class ActionForm(DsfrForm):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(
        label="Date", widget=DATE, required=False, help_text="Aujourd'hui si vide."
    )
    answer = forms.CharField(
        label="Réponse apportée à l'usager",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class TouchRadioSelect(forms.RadioSelect):
    """Choices as boxes of at least 44 × 44 px, for the public forms people fill in on a
    phone: on one row when there is room for every choice, otherwise (``stacked``, on a
    narrow screen) one choice per line, so that a scale never breaks in the middle."""

    def __init__(self, *args, stacked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stacked = stacked


TOUCH_FIELD = "improvement/touch_radio_field.html"
# Beyond seven choices, a row of 44-px boxes no longer fits a 390-px phone.
ROW_MAX = 7


def touch_radios(choices, *, words: bool) -> TouchRadioSelect:
    return TouchRadioSelect(choices=choices, stacked=words or len(choices) > ROW_MAX)


class PublicFeedbackForm(DsfrForm):
    kind = forms.ChoiceField(
        label="Votre message est",
        template_name=TOUCH_FIELD,
        widget=TouchRadioSelect(stacked=True),
        choices=[
            (FeedbackKind.COMPLAINT, "une réclamation"),
            (FeedbackKind.SUGGESTION, "une suggestion"),
            (FeedbackKind.THANKS, "un remerciement"),
            (FeedbackKind.INFORMATION, "une demande d'information"),
        ],
    )
    subject = forms.CharField(label="Objet", max_length=200)
    description = forms.CharField(
        label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        help_text="Facultatif : pour recevoir l'accusé de réception et la réponse.",
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)
    site_web = forms.CharField(
        label="Laissez ce champ vide",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


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


class RegisterFilterForm(DsfrForm):
    status = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), ("open", "À traiter"), *FeedbackEntry.Status.choices],
    )
    kind = forms.ChoiceField(
        label="Nature", required=False, choices=[("", "Toutes"), *FeedbackKind.choices]
    )
    channel = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Tous"), *FeedbackChannel.choices]
    )
    q = forms.CharField(label="Recherche", required=False, max_length=100)


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


class ExperiencesImportForm(DsfrForm):
    file = forms.FileField(
        label="Export des expériences Services Publics+ (CSV ou XLSX)",
        help_text="Colonnes id_experience, ecrit_le, titre, description ; facultatives : "
        "intitule_structure_1, reponse_structure_1, date_de_reponse_structure_1, ressenti.",
    )
    commit = forms.BooleanField(
        label="Enregistrer au registre",
        required=False,
        help_text="Décoché : le fichier est seulement vérifié et le rapport affiché.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            check_import_file(uploaded)
        except UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return uploaded


# ---------------------------------------------------------------- dashboard, plan, committee


class IndicatorForm(DsfrModelForm):
    class Meta:
        model = Indicator
        fields = [
            "position",
            "code",
            "label",
            "theme",
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


class MemberForm(DsfrModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "organisation", "role", "active"]


class MeetingForm(DsfrModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "chair", "reviewed_year", "agenda", "attendees"]
        widgets = {
            "held_on": DATE,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = CommitteeMember.objects.filter(structure=structure)


class StatementForm(DsfrModelForm):
    """One intervention; its place in the minutes is its row's (``number_rows``)."""

    class Meta:
        model = Statement
        fields = ["speaker", "speaker_role", "text", "question", "answer"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker_role"].required = True


class DecisionForm(DsfrModelForm):
    class Meta:
        model = Decision
        fields = ["text"]


# The minutes page adds and removes rows (improvement/meeting_form.html); no upper bound
# beyond Django's default safety limit of 1,000 rows.
StatementFormSet = forms.inlineformset_factory(
    Meeting, Statement, form=StatementForm, extra=1, can_delete=True
)
DecisionFormSet = forms.inlineformset_factory(
    Meeting, Decision, form=DecisionForm, extra=1, can_delete=True
)


def with_one_more_row(data, prefix: str):
    """The posted data of a formset with one more (empty) row: the page's "add a row"
    button without JavaScript, keeping every typed text."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


class ProfileForm(DsfrModelForm):
    class Meta:
        model = ImprovementProfile
        fields = ["approach", "publish_transparency", "publish_survey"]
        widgets = {"approach": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publish_survey"].queryset = Questionnaire.objects.filter(structure=structure)


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


class EntryEditForm(DsfrModelForm):
    """What the team changes on an entry besides its life cycle, with the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = FeedbackEntry
        fields = ["service", "assigned_to", "root_cause", "action"]

    def __init__(self, *args, staff=None, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff
        self.fields["action"].queryset = Action.objects.filter(structure=structure)
        self.fields["root_cause"].help_text = "Par exemple : délai, information, accueil, locaux."


DeadlineRuleFormSet = forms.modelformset_factory(
    DeadlineRule,
    form=DsfrModelForm,
    fields=["channel", "kind", "acknowledge_days", "answer_working_days"],
    extra=1,
    can_delete=True,
)


class MailingForm(DsfrForm):
    file = forms.FileField(
        label="Liste des adresses (CSV ou XLSX)",
        help_text="Une colonne « courriel », une adresse par ligne ; le fichier est vérifié en "
        "entier avant tout envoi.",
    )
    closes_on = forms.DateField(
        label="Clôture de l'enquête",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Après cette date, les liens n'acceptent plus de réponse et les adresses "
        "sont effacées.",
    )
