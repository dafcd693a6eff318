"""Forms of the feedback register (``register_views``)."""

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from barometre.core.forms import DsfrForm, DsfrModelForm
from barometre.core.uploads import UploadRefused, check_import_file
from barometre.improvement import register
from barometre.improvement.access import can_manage
from barometre.improvement.form_widgets import DATE
from barometre.improvement.models import (
    Action,
    DeadlineRule,
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
)
from barometre.improvement.register import EARLIEST_RECEIVED


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
    # The structure page links to the overdue entries (?echeance=retard): a field, so that
    # filtering further keeps it.
    echeance = forms.ChoiceField(
        label="Échéance",
        required=False,
        choices=[("", "Toutes"), ("retard", "En retard"), ("bientot", "Sous deux jours ouvrés")],
    )
    q = forms.CharField(label="Recherche", required=False, max_length=100)

    def describe(self) -> str:
        """The filters chosen, as a reader would say them: « Nature : Réclamation ;
        Échéance : En retard » (empty without filter)."""
        if not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value:
                shown = (
                    dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                )
                parts.append(f"{field.label} : {shown}")
        return " ; ".join(parts)

    def entries(self, structure, user, *, due: str | None, today: dt.date) -> QuerySet:
        """The entries the register list shows with these filters and ``due`` (the
        ``echeance`` parameter: « retard » for the overdue, « bientot » for those due
        within two working days), most recent first: the page and its export alike."""
        entries = FeedbackEntry.objects.filter(structure=structure)
        if due in DUE_FILTERS:
            overdue, soon = register.due_within([structure.pk], today)
            entries = overdue if due == "retard" else soon
        if self.is_valid():
            data = self.cleaned_data
            if data["status"] == "open":
                entries = entries.exclude(status__in=("answered", "closed"))
            elif data["status"]:
                entries = entries.filter(status=data["status"])
            if data["kind"]:
                entries = entries.filter(kind=data["kind"])
            if data["channel"]:
                entries = entries.filter(channel=data["channel"])
            if data["q"]:
                entries = entries.filter(_search(user, structure, data["q"]))
        return entries.order_by("-received_on", "-id")


DUE_FILTERS = ("retard", "bientot")


def _search(user, structure, text: str) -> Q:
    """The texts are searched only where the reader sees them as written: otherwise a
    search for a name would tell which masked entry holds it."""
    words = Q(subject__icontains=text) | Q(description__icontains=text)
    if not can_manage(user, structure.pk):
        words &= Q(assigned_to=user)
    return Q(reference__icontains=text) | words


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


DeadlineRuleFormSet = forms.modelformset_factory(
    DeadlineRule,
    form=DsfrModelForm,
    fields=["channel", "kind", "acknowledge_days", "answer_working_days"],
    extra=1,
    can_delete=True,
)
