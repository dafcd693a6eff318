"""The forms of campaigns: the audit form of a channel (generated from the edition's grid),
the phase and planning decisions, editions, enrolment, internal campaigns, scenarios and
the audits file."""

from django import forms
from dsfr.utils import dsfr_input_class_attr

from barometre.campaigns import codec, lifecycle
from barometre.campaigns.models import AuditTask, Edition, GridVersion, Scenario
from barometre.core.forms import DsfrForm, DsfrModelForm, ImportFileField
from barometre.engine import Criterion, Grid, MeasureType, prerequisite_blocks
from barometre.engine.grid import DATA_DIR
from barometre.structures.models import Structure

NOT_APPLICABLE = (codec.FORM_NOT_APPLICABLE, "Sans objet")
YES_NO = [("oui", "Oui"), ("non", "Non")]
DAY_UNITS = {
    "working_days": "jours ouvrés",
    "business_days": "jours ouvrables",
    "calendar_days": "jours",
}
# Delays computed from the sending and reply dates are not typed in the form.
COMPUTED = "computed"
NA_SUFFIX = "__na"


def _field(criterion: Criterion) -> forms.Field | None:
    measure = criterion.measure
    extra = [NOT_APPLICABLE] if criterion.not_applicable else []
    common = {"label": criterion.label, "help_text": criterion.help, "required": False}
    if measure.type == MeasureType.YES_NO:
        return forms.ChoiceField(choices=YES_NO + extra, widget=forms.RadioSelect, **common)
    if measure.type == MeasureType.SCALE:
        levels = [(lv.code, lv.label) for lv in measure.levels]
        return forms.ChoiceField(choices=levels + extra, widget=forms.RadioSelect, **common)
    if measure.type in (MeasureType.COUNT, MeasureType.DURATION):
        unit = {"seconds": "secondes", "minutes": "minutes"}.get(measure.unit, measure.unit)
        if unit and f"({unit})" not in criterion.label:
            common["label"] = f"{criterion.label} ({unit})"
        return forms.IntegerField(min_value=0, max_value=100_000, **common)
    if measure.type == MeasureType.RATIO:
        common["label"] = f"{criterion.label} (%)"
        return forms.DecimalField(min_value=0, max_value=100, decimal_places=1, **common)
    if measure.type == MeasureType.DELAY:
        if measure.day_unit.value != "calendar_days" or not criterion.not_applicable:
            return None  # computed from the sending and reply dates
        common["label"] = f"{criterion.label} ({DAY_UNITS[measure.day_unit.value]})"
        return forms.DecimalField(min_value=0, max_value=365, decimal_places=1, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)


class AuditForm(DsfrForm):
    """One field per criterion of the channel; values are stored as the engine reads them
    (``oui``, level codes, numbers, ``sans objet``)."""

    def __init__(self, *args, grid: Grid, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.criteria = [c for c in grid.criteria if c.channel == channel]
        for criterion in self.criteria:
            field = _field(criterion)
            if field is not None:
                self.fields[criterion.id] = field
                if criterion.not_applicable and not isinstance(field, forms.ChoiceField):
                    self.fields[criterion.id + NA_SUFFIX] = forms.BooleanField(
                        label=f"Sans objet : {criterion.label.lower()}", required=False
                    )
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if criterion.id not in self.fields or not criterion.scored:
                continue
            failed = prerequisite_blocks(self.grid, criterion, data)
            not_applicable = data.get(criterion.id + NA_SUFFIX)
            if not_applicable and data.get(criterion.id) not in (None, ""):
                self.add_error(
                    criterion.id, "Donnez une valeur ou cochez « sans objet », pas les deux."
                )
            if data.get(criterion.id) in (None, "") and not failed and not not_applicable:
                self.add_error(criterion.id, "Réponse obligatoire.")
        return data

    def answers(self) -> dict[str, str]:
        """The valid answers as stored (``codec.encode``); blanks are left out."""
        by_id = {c.id: c for c in self.criteria}
        out = {}
        for name, value in self.cleaned_data.items():
            if name.endswith(NA_SUFFIX):
                if value:
                    out[name.removesuffix(NA_SUFFIX)] = codec.NOT_APPLICABLE
                continue
            if value in (None, ""):
                continue
            out[name] = codec.encode(by_id[name], value)
        return out

    def initial_from(self, stored: dict[str, str]) -> None:
        """Show stored answers (``codec.decode``), a numeric "sans objet" as its box."""
        for criterion in self.criteria:
            if criterion.id not in stored or criterion.id not in self.fields:
                continue
            value = codec.decode(criterion, stored[criterion.id])
            if value == codec.FORM_NOT_APPLICABLE and criterion.id + NA_SUFFIX in self.fields:
                self.initial[criterion.id + NA_SUFFIX] = True
            else:
                self.initial[criterion.id] = value


class PhaseChangeForm(DsfrForm):
    """The operator's explicit choices for a phase change that needs one."""

    reason = forms.CharField(
        label="Raison du démarrage anticipé",
        help_text="Obligatoire pour commencer le terrain avant l'ouverture de sa fenêtre ; "
        "elle est conservée dans le journal des phases.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    close_not_done = forms.BooleanField(
        label="Clôturer les audits non réalisés",
        help_text="Ils sortent des listes des enquêteurs et comptent comme couverture "
        "manquante ; les envois sans réponse sont clôturés « sans réponse ».",
        required=False,
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        if not review.early:
            del self.fields["reason"]
        if not (review.not_started or review.awaiting):
            del self.fields["close_not_done"]


class ExtendFieldworkForm(DsfrForm):
    ends = forms.DateField(
        label="Nouvelle fin du terrain", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends"].help_text = (
            f"Actuellement le {edition.fieldwork_ends:%d/%m/%Y} ; les audits restent à leurs "
            "enquêteurs."
        )


class SendingForm(DsfrForm):
    sent_at = forms.DateTimeField(
        label="Envoyé le", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    text = forms.CharField(
        label="Texte envoyé", widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )


class ReplyForm(DsfrForm):
    replied_at = forms.DateTimeField(
        label="Réponse reçue le", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    text = forms.CharField(
        label="Texte de la réponse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
    )


class EvidenceForm(DsfrForm):
    file = forms.FileField(
        label="Pièce justificative",
        required=False,
        help_text="Capture d'écran, PDF, scan de courrier ou enregistrement audio (20 Mo au "
        "plus). Vos réponses sont enregistrées en même temps.",
    )


class EnrolForm(DsfrForm):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    publish_results = forms.BooleanField(label="Résultats publiables", required=False)

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = edition.enrolments.filter(status="enrolled").values("structure_id")
        candidates = lifecycle.enrollable_structures(edition)
        self.fields["structure"].queryset = candidates.exclude(pk__in=enrolled)


class InternalCampaignForm(DsfrForm):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    name = forms.CharField(
        label="Nom de la campagne", max_length=200, initial="Appels mystères internes"
    )
    starts = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label="Fin", widget=forms.DateInput(attrs={"type": "date"}))
    calls = forms.IntegerField(label="Nombre d'appels", min_value=1, max_value=50, initial=20)
    target = forms.IntegerField(
        label="Cible : part d'appels satisfaisants à chaque étape (%)",
        min_value=1,
        max_value=100,
        initial=85,
        required=False,
        help_text="85 % si vous la laissez vide.",
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "La fin doit suivre le début.")
        return data


class NameCallerForm(DsfrForm):
    user = forms.ModelChoiceField(
        label="Agent ou responsable de la structure", queryset=Structure.objects.none()
    )
    weekly_capacity = forms.IntegerField(
        label="Appels par semaine au plus", min_value=1, max_value=50, initial=10
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        from barometre.campaigns.callers import colleagues

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues(edition)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


class InviteCallerForm(DsfrForm):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        help_text="Facultative ; sert à la connexion par le fournisseur d'identité.",
    )
    weekly_capacity = forms.IntegerField(
        label="Appels par semaine au plus", min_value=1, max_value=50, initial=10
    )


SHIPPED_GRIDS = ["barometre-2025"]


class EditionForm(DsfrForm):
    name = forms.CharField(label="Nom", max_length=200)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    grid = forms.ChoiceField(label="Grille")
    enrolment_opens = forms.DateField(
        label="Ouverture des inscriptions", widget=forms.DateInput(attrs={"type": "date"})
    )
    enrolment_closes = forms.DateField(
        label="Clôture des inscriptions", widget=forms.DateInput(attrs={"type": "date"})
    )
    fieldwork_starts = forms.DateField(
        label="Début du terrain", widget=forms.DateInput(attrs={"type": "date"})
    )
    fieldwork_ends = forms.DateField(
        label="Fin du terrain", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        national = GridVersion.objects.exclude(grid_id__startswith=lifecycle.INTERNAL_GRID)
        stored = [(f"v{g.pk}", str(g)) for g in national]
        shipped = [(f"s:{g}", f"{g} (fournie)") for g in SHIPPED_GRIDS]
        self.fields["grid"].choices = stored + shipped

    def grid_version(self) -> GridVersion:
        value = self.cleaned_data["grid"]
        if value.startswith("s:"):
            grid_id = value[2:]
            existing = GridVersion.objects.filter(grid_id=grid_id).order_by("-version").first()
            if existing:
                return existing
            text = (DATA_DIR / f"{grid_id}.yaml").read_text(encoding="utf-8")
            return GridVersion.objects.create(grid_id=grid_id, version=1, yaml=text)
        return GridVersion.objects.get(pk=int(value[1:]))


class ScenarioForm(DsfrModelForm):
    channels = forms.MultipleChoiceField(
        label="Canaux",
        choices=AuditTask._meta.get_field("channel").choices,
        widget=forms.CheckboxSelectMultiple,
    )
    structure_kinds = forms.MultipleChoiceField(
        label="Types de structure (aucun coché : tous)",
        required=False,
        choices=Structure._meta.get_field("kind").choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Scenario
        fields = [
            "code",
            "title",
            "persona",
            "channels",
            "script",
            "message_template",
            "expected_answer",
            "structure_kinds",
            "active",
        ]


class AuditFileForm(DsfrForm):
    # Measured before it is stored: the preview reads the stored file on every display.
    file = ImportFileField(label="Fichier d'audits (format long, XLSX ou CSV)")
