from django import forms
from django.conf import settings

from barometre.core.forms import DsfrForm, DsfrModelForm, ImportFileField
from barometre.engine.tables import size_label
from barometre.structures.identifiers import identifier_problem, normalize_identifier
from barometre.structures.models import (
    DEPARTMENT_CHOICES,
    ContactPoint,
    Label,
    Structure,
    StructureKind,
)


class StructureFilterForm(DsfrForm):
    q = forms.CharField(label="Rechercher", required=False, help_text="Nom, identifiant ou commune")
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *StructureKind.choices]
    )
    department = forms.ChoiceField(
        label="Département", required=False, choices=[("", "Tous"), *DEPARTMENT_CHOICES]
    )
    certified = forms.ChoiceField(
        label="Labels",
        required=False,
        choices=[("", "Toutes"), ("yes", "Labellisées"), ("no", "Sans label")],
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        queryset = queryset.search(data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["certified"] == "yes":
            queryset = queryset.certified()
        elif data["certified"] == "no":
            queryset = queryset.filter(labels__isnull=True)
        return queryset


class StructureForm(DsfrModelForm):
    # Wider than the stored value: people type SIRETs with spaces ("130 005 487 00017").
    identifier = forms.CharField(
        label="Identifiant officiel",
        max_length=24,
        help_text="SIRET (14 chiffres) ou code INSEE de la commune (5 caractères).",
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "name_in_sentence",
            "identifier",
            "kind",
            "population",
            "department",
            "city",
            "postal_code",
            "parent",
            "logo",
            "sp_code",
        ]

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean_identifier(self):
        value = normalize_identifier(self.cleaned_data["identifier"])
        if problem := identifier_problem(value):
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return value


class ManagedStructureForm(DsfrModelForm):
    """What a structure's managers edit themselves: how it is named, where it is and its
    logo. Its registry keys (identifier, type, département, population) and its
    attachment, which decides who sees it, belong to the operators."""

    class Meta:
        model = Structure
        fields = ["name", "name_in_sentence", "city", "postal_code", "logo", "sp_code"]


ContactPointFormSet = forms.inlineformset_factory(
    Structure,
    ContactPoint,
    form=DsfrModelForm,
    fields=["channel", "value", "label"],
    extra=1,
    can_delete=True,
)
LabelFormSet = forms.inlineformset_factory(
    Structure,
    Label,
    form=DsfrModelForm,
    fields=["kind", "obtained_on", "expires_on", "follow_up_on"],
    extra=1,
    can_delete=True,
    widgets={
        "obtained_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    },
)


class ImportUploadForm(DsfrForm):
    file = ImportFileField(
        label="Fichier des structures",
        help_text="XLSX ou CSV (séparateur ; ou ,, UTF-8 ou Windows-1252). "
        "Colonnes obligatoires : identifiant, nom, type, departement.",
    )


class AnnuaireUploadForm(DsfrForm):
    file = forms.FileField(
        label="Fichier JSON de l'Annuaire de l'administration",
        help_text="Réponse de l'API (/records ou /exports/json) ou fichier complet de "
        "data.gouv.fr. Voir le guide : « Construire le registre d'un département ».",
    )
    types = forms.CharField(
        label="Types de guichet",
        required=False,
        help_text="Facultatif, séparés par des virgules, tels que l'Annuaire les nomme : "
        "mairie, prefecture, france_services, ccas, caf, cpam, cg, cr…",
    )
    department = forms.ChoiceField(
        label="Département ou collectivité",
        required=False,
        choices=[("", "Tous ceux du fichier"), *DEPARTMENT_CHOICES],
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse la limite de {size_label(settings.IMPORT_MAX_BYTES)} "
                f"(il pèse {size_label(uploaded.size)}) : téléchargez les fiches d'un seul "
                "département."
            )
        head = uploaded.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        uploaded.seek(0)
        if not head.startswith((b"[", b"{")):
            raise forms.ValidationError("Ce n'est pas un fichier JSON de l'Annuaire.")
        return uploaded

    def clean_types(self):
        return [t.strip() for t in self.cleaned_data["types"].split(",") if t.strip()]


class ExportForm(DsfrForm):
    format = forms.ChoiceField(
        label="Format",
        choices=[("xlsx", "Classeur XLSX"), ("csv", "CSV (UTF-8, point-virgule)")],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
