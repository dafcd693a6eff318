import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from barometre.core.background import Job
from barometre.engine import (
    TERRITORIES,
    after,
    department_in_sentence,
    department_label,
    sentence_name,
)
from barometre.structures.identifiers import identifier_kind, identifier_problem
from barometre.structures.logos import logo_path, validate_logo
from barometre.structures.names import validate_one_line


class StructureKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    INTERCOMMUNALITY = "intercommunality", "Intercommunalité"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"
    FRANCE_SERVICES = "france_services", "France Services"
    SOCIAL = "social", "Organisme social, solidarité ou santé"
    HOSPITAL = "hospital", "Hôpital ou EHPAD"
    STATE = "state", "Service de l'État (préfecture…)"
    ECONOMIC = "economic", "Développement économique ou tourisme"
    CULTURE = "culture", "Culture ou bibliothèque"
    OTHER = "other", "Autre"


class Channel(models.TextChoices):
    PHONE = "phone", "Téléphone"
    EMAIL = "email", "Courriel ou formulaire"
    MAIL = "mail", "Courrier postal"
    WEBSITE = "website", "Site internet"
    SOCIAL = "social", "Réseaux sociaux"
    VISIT = "visit", "Accueil physique"
    REVIEWS = "reviews", "Avis en ligne"


class LabelKind(models.TextChoices):
    MARIANNE = "marianne", "Marianne"
    SP_BRONZE = "sp_bronze", "Services Publics+ bronze"
    SP_SILVER = "sp_silver", "Services Publics+ argent"
    SP_GOLD = "sp_gold", "Services Publics+ or"
    QUALIVILLE = "qualiville", "Qualiville"
    QUALEPREF = "qualepref", "Qual-e-pref"
    ISO9001 = "iso9001", "ISO 9001"


DEPARTMENT_CHOICES = [(code, department_label(code)) for code in TERRITORIES]

# Kinds of which a département holds one at most: its council, and the region whose
# seat it is. A second one is a duplicate entered under another spelling.
ONE_PER_DEPARTMENT = (StructureKind.DEPARTMENT, StructureKind.REGION)

# Words left out when comparing names: "Département – Loir-et-Cher" and "Département de
# Loir-et-Cher" are the same structure.
_NAME_NOISE = re.compile(r"\b(?:de|du|des|d|la|le|les|l)\b")


def folded_name(name: str) -> str:
    """A name reduced for comparison: no accents, case, punctuation or articles."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(_NAME_NOISE.sub(" ", text).split())


def territory_keys(kind: str, department: str, name: str) -> tuple[tuple, ...]:
    """What two structures must not share: the same kind and name (ignoring spelling) in
    a département, then, for a council or a region, the same kind in a département."""
    by_name = (kind, department, folded_name(name))
    return (by_name, (kind, department)) if kind in ONE_PER_DEPARTMENT else (by_name,)


class StructureQuerySet(models.QuerySet):
    def search(self, text: str) -> "StructureQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(identifier__icontains=text) | Q(city__icontains=text)
        )

    def certified(self, day: datetime.date | None = None) -> "StructureQuerySet":
        """Structures with a label counting on ``day`` (today by default): confirmed by an
        operator and valid that day (``Label.objects.counting_on``)."""
        day = day or timezone.localdate()
        return self.filter(pk__in=Label.objects.counting_on(day).values("structure_id"))

    def same_as(
        self, *, name: str, kind: str, department: str, identifier: str
    ) -> "Structure | None":
        """Another structure that this one would duplicate: the same kind with the same
        name (ignoring spelling), or a second council or region for the same
        département. The structure of the same identifier is this one, not another."""
        others = self.filter(kind=kind).exclude(identifier=identifier)
        if kind in ONE_PER_DEPARTMENT:
            same_territory = others.filter(department=department).first()
            if same_territory:
                return same_territory
        target = folded_name(name)
        for other in others.filter(department=department).only("pk", "name"):
            if folded_name(other.name) == target:
                return other
        return None


class Structure(models.Model):
    name = models.CharField("nom", max_length=200, validators=[validate_one_line])
    name_in_sentence = models.CharField(
        "nom dans une phrase",
        max_length=210,
        blank=True,
        validators=[validate_one_line],
        help_text="Avec son article, tel qu'il s'écrit après « transmis à » ou « résultats de » "
        "sans la préposition : « la Préfecture du Loiret », « le CCAS d'Orléans ». "
        "Vide : déduit du nom.",
    )
    identifier = models.CharField(
        "identifiant officiel",
        max_length=14,
        unique=True,
        help_text="SIRET (14 chiffres) ou code INSEE de la commune (5 caractères).",
    )
    kind = models.CharField("type", max_length=20, choices=StructureKind.choices)
    population = models.PositiveIntegerField(
        "population", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    department = models.CharField("département", max_length=3, choices=DEPARTMENT_CHOICES)
    city = models.CharField("commune", max_length=120, blank=True, validators=[validate_one_line])
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="structure de rattachement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    logo = models.FileField(
        "logo",
        upload_to=logo_path,
        blank=True,
        validators=[validate_logo],
        help_text="Facultatif. PNG, JPEG ou WebP de 200 Ko au plus, affiché sur les pages "
        "publiques de la structure (enquête, réclamation, transparence).",
    )
    sp_code = models.CharField(
        "code Services Publics+",
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.-]+$", "Lettres, chiffres, « - », « _ » ou « . ».")
        ],
        help_text="L'identifiant de la structure sur la plateforme Services Publics+, repris "
        "dans l'export de ses indicateurs au format de la plateforme.",
    )
    # Set by the import from the Annuaire de l'administration (structures/annuaire.py):
    # its record's stable id, which a re-import updates, its opening hours and the date
    # the record was last modified at the DILA.
    annuaire_id = models.CharField(
        "identifiant dans l'Annuaire de l'administration",
        max_length=36,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    opening_hours = models.JSONField(
        "horaires d'ouverture",
        default=dict,
        blank=True,
        editable=False,
        help_text="Jour de la semaine (0 = lundi) → plages [début, fin] au format HH:MM.",
    )
    annuaire_modified = models.DateTimeField(
        "fiche de l'Annuaire modifiée le", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "structure"
        # The last change of any structure is part of the public pages' cache keys.
        indexes = [models.Index(fields=["updated_at"], name="structure_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department"],
                condition=Q(kind__in=ONE_PER_DEPARTMENT),
                name="one_council_or_region_per_department",
                violation_error_message="Ce département a déjà une structure de ce type.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("structures:detail", args=[self.pk])

    @property
    def weekly_hours(self) -> dict[int, list[tuple[str, str]]]:
        """The opening hours by weekday (0 = Monday), empty when unknown."""
        return {
            int(day): [tuple(slot) for slot in slots] for day, slots in self.opening_hours.items()
        }

    @property
    def hours_by_day(self) -> list[tuple[str, str]]:
        """The opening hours as they are read: ("Lundi", "08:30–12:00, 13:30–17:30")."""
        days = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
        return [
            (days[day], ", ".join(f"{start}–{end}" for start, end in slots))
            for day, slots in sorted(self.weekly_hours.items())
        ]

    @property
    def identifier_kind(self) -> str:
        return identifier_kind(self.identifier)

    @property
    def in_sentence(self) -> str:
        """The name as it stands in a sentence: "la Préfecture du Loiret"."""
        return self.name_in_sentence or sentence_name(self.name)

    @property
    def of_name(self) -> str:
        """The name after "de": "de la Préfecture du Loiret", "du CCAS d'Orléans"."""
        return after("de", self.in_sentence)

    @property
    def of_department(self) -> str:
        """Its département after "de": "du Loiret", "de la Mayenne", "de Loir-et-Cher"."""
        return after("de", department_in_sentence(self.department))

    @property
    def to_name(self) -> str:
        """The name after "à": "à la Préfecture du Loiret", "au CCAS d'Orléans"."""
        return after("à", self.in_sentence)

    def clean(self) -> None:
        problem = identifier_problem(self.identifier or "")
        if problem:
            raise ValidationError({"identifier": problem[0].upper() + problem[1:] + "."})
        if self.name and self.kind and self.department:
            other = Structure.objects.exclude(pk=self.pk).same_as(
                name=self.name,
                kind=self.kind,
                department=self.department,
                identifier=self.identifier or "",
            )
            if other:
                reason = duplicate_reason(other)
                raise ValidationError({"name": reason[0].upper() + reason[1:] + "."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "Une structure ne peut pas se rattacher à elle-même."})

    def contact_points_for(self, channel: str) -> list["ContactPoint"]:
        return [c for c in self.contact_points.all() if c.channel == channel]


def duplicate_reason(other: Structure) -> str:
    return (
        f"une structure de type « {other.get_kind_display()} » existe déjà pour ce territoire "
        f"sous le nom « {other.name} » (identifiant {other.identifier})"
    )


class ContactPoint(models.Model):
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="contact_points"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    value = models.CharField(
        "coordonnée", max_length=300, help_text="Numéro, adresse, URL ou compte."
    )
    label = models.CharField("précision", max_length=120, blank=True)

    class Meta:
        ordering = ["channel", "id"]
        verbose_name = "point de contact"
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "channel", "value"], name="unique_contact_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} : {self.value}"


class LabelQuerySet(models.QuerySet):
    """A label is valid until its ``expires_on`` date included."""

    def confirmed(self) -> "LabelQuerySet":
        return self.filter(status=Label.Status.CONFIRMED)

    def proposed(self) -> "LabelQuerySet":
        return self.filter(status=Label.Status.PROPOSED)

    def valid_on(self, day: datetime.date) -> "LabelQuerySet":
        """Obtained on or before ``day`` and not expired then (no end date: valid)."""
        return self.filter(obtained_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )

    def counting_on(self, day: datetime.date) -> "LabelQuerySet":
        """The labels that make a structure "labellisée" in a figure about ``day`` (for an
        edition, the last day of its fieldwork): confirmed by an operator and valid that
        day. A manager's proposal, a rejected or an expired label never counts."""
        return self.confirmed().valid_on(day)

    def expired(self, today: datetime.date) -> "LabelQuerySet":
        return self.filter(expires_on__lt=today)

    def to_renew(self, today: datetime.date, days: int = 365) -> "LabelQuerySet":
        """Still valid today, ending within ``days``."""
        return self.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days))


class Label(models.Model):
    """A quality label or certification. Operators enter or confirm labels; a structure's
    manager may propose one with its certificate, which an operator confirms or rejects.
    Only confirmed labels count in figures (``Label.objects.counting_on``)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposé par la structure, à vérifier"
        CONFIRMED = "confirmed", "Confirmé par l'opérateur"
        REJECTED = "rejected", "Refusé par l'opérateur"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField("label", max_length=12, choices=LabelKind.choices)
    obtained_on = models.DateField("obtenu le")
    expires_on = models.DateField("valable jusqu'au", null=True, blank=True)
    follow_up_on = models.DateField(
        "audit de suivi le",
        null=True,
        blank=True,
        help_text="Par exemple à 18 mois d'un cycle de 3 ans.",
    )
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    certificate = models.FileField("certificat", upload_to="labels/%Y/", blank=True)
    certificate_name = models.CharField("nom d'origine du certificat", max_length=255, blank=True)
    certificate_mime = models.CharField("type détecté du certificat", max_length=40, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposé par",
    )
    proposed_at = models.DateTimeField("proposé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="confirmé ou refusé par",
    )
    decided_at = models.DateTimeField("confirmé ou refusé le", null=True, blank=True)
    decision_note = models.CharField("motif", max_length=300, blank=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-obtained_on"]
        verbose_name = "label ou certification"
        verbose_name_plural = "labels et certifications"
        constraints = [
            # One label of a kind in force, and one proposal waiting (a renewal): confirming
            # the proposal replaces the label in force (``structures.labels.decide``).
            models.UniqueConstraint(
                fields=["structure", "kind"],
                condition=Q(status="confirmed"),
                name="one_confirmed_label_per_kind",
            ),
            models.UniqueConstraint(
                fields=["structure", "kind"],
                condition=Q(status="proposed"),
                name="one_proposed_label_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.obtained_on:%d/%m/%Y})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def certificate_download_name(self) -> str:
        """The uploaded name with the extension of the detected type."""
        stem = (self.certificate_name.rsplit(".", 1)[0] or "certificat").replace("/", "_")
        return f"{stem}.{self.certificate.name.rsplit('.', 1)[-1]}"

    def clean(self) -> None:
        if self.expires_on and self.obtained_on and self.expires_on <= self.obtained_on:
            raise ValidationError(
                {"expires_on": "La fin de validité doit suivre la date d'obtention."}
            )


class StructureImport(Job, models.Model):
    """An uploaded file kept between the preview (dry run) and the confirmed write."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Prévisualisé"
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    class Source(models.TextChoices):
        TABLE = "table", "Fichier de structures (XLSX, CSV)"
        ANNUAIRE = "annuaire", "Annuaire de l'administration (JSON)"

    file_name = models.CharField("fichier", max_length=255)
    content = models.BinaryField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TABLE)
    # The Annuaire import's filters: {"types": [...], "department": "45"}.
    options = models.JSONField(default=dict, blank=True)
    # What the licence of the source asks to cite (the Annuaire's Licence Ouverte 2.0).
    attribution = models.CharField("attribution", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life of the write (queued, then started): one silent for STALE_AFTER
    # (core/background.py) was killed with its worker and may be confirmed again.
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import de structures"
        verbose_name_plural = "imports de structures"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    started_field = "created_at"  # background.Job: when the write was asked for

    @property
    def in_progress(self) -> bool:
        return self.busy

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
