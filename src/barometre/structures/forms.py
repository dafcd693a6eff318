from django import forms
from django.conf import settings
from django.urls import reverse

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
            queryset = queryset.exclude(pk__in=queryset.certified().values("pk"))
        return queryset


PARENT_OPTIONS_SHOWN = 20


class ParentInput(forms.TextInput):
    """The parent typed by its identifier, with the matching structures proposed as the
    user types (a datalist the page's script fills from ``structures:parent_options``):
    the page no longer lists the whole registry, and works without JavaScript."""

    template_name = "structures/widgets/parent_input.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["list_id"] = f"{context['widget']['attrs']['id']}-options"
        context["widget"]["attrs"]["list"] = context["widget"]["list_id"]
        context["widget"]["attrs"]["data-parent-options"] = reverse("structures:parent_options")
        context["widget"]["current"] = getattr(self, "current", None)
        return context


class ParentField(forms.ModelChoiceField):
    """A structure chosen by its identifier (SIRET or INSEE code) among those given."""

    widget = ParentInput
    default_error_messages = {
        "invalid_choice": "Aucune structure du registre ne porte cet identifiant : "
        "choisissez le rattachement parmi les structures proposées.",
    }

    def __init__(self, queryset, **kwargs):
        # The model form would pass the foreign key's target (the primary key).
        kwargs["to_field_name"] = "identifier"
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        # Typed as people write it ("130 005 487 00017"), stored normalized.
        return super().to_python(normalize_identifier(value) if value else value)


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
        field_classes = {"parent": ParentField}
        help_texts = {
            "parent": "SIRET ou code INSEE de la structure de rattachement : tapez son nom, "
            "sa commune ou son identifiant et choisissez-la dans la liste proposée."
        }

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        if parent_choices is not None:
            parent.queryset = parent_choices
        if self.instance.pk:
            parent.queryset = parent.queryset.exclude(pk=self.instance.pk)
            parent.widget.attrs["data-exclude"] = self.instance.pk
        if self.instance.parent_id:
            current = self.instance.parent
            self.initial["parent"] = current.identifier
            parent.widget.current = current

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
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ConfirmedLabels(forms.BaseInlineFormSet):
    """The operators' formset: the labels in force (confirmed); proposals are decided on
    the structure's page, rejected ones stay in its history."""

    def get_queryset(self):
        return super().get_queryset().filter(status=Label.Status.CONFIRMED)


# Operators only: what they enter is confirmed by them (``labels.confirm_entered``).
LabelFormSet = forms.inlineformset_factory(
    Structure,
    Label,
    form=DsfrModelForm,
    formset=_ConfirmedLabels,
    fields=["kind", "obtained_on", "expires_on", "follow_up_on"],
    extra=1,
    can_delete=True,
    widgets={"obtained_on": _DATE, "expires_on": _DATE, "follow_up_on": _DATE},
)


class LabelProposalForm(DsfrForm):
    """A manager proposes a label with its certificate; an operator confirms it."""

    kind = forms.ChoiceField(label="Label", choices=Label._meta.get_field("kind").choices)
    obtained_on = forms.DateField(label="Obtenu le", widget=_DATE)
    expires_on = forms.DateField(label="Valable jusqu'au", required=False, widget=_DATE)
    follow_up_on = forms.DateField(label="Audit de suivi le", required=False, widget=_DATE)
    certificate = forms.FileField(
        label="Certificat",
        help_text="PDF ou image (PNG, JPEG, WebP) du certificat délivré par l'organisme.",
    )


class LabelDecisionForm(DsfrForm):
    decision = forms.ChoiceField(
        label="Décision",
        # No default: confirming a label is a choice made after reading its certificate.
        choices=[
            ("", "— Choisir après lecture du certificat —"),
            ("confirm", "Confirmer"),
            ("reject", "Refuser"),
        ],
    )
    note = forms.CharField(label="Motif (facultatif)", required=False, max_length=300)


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
