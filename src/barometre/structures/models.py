import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from barometre.core.background import stale
from barometre.engine import DEPARTMENTS, department_label
from barometre.structures.identifiers import identifier_kind, identifier_problem
from barometre.structures.logos import logo_path, validate_logo


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


DEPARTMENT_CHOICES = [(code, department_label(code)) for code in DEPARTMENTS]


class StructureQuerySet(models.QuerySet):
    def search(self, text: str) -> "StructureQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(identifier__icontains=text) | Q(city__icontains=text)
        )

    def certified(self) -> "StructureQuerySet":
        return self.filter(labels__isnull=False).distinct()


class Structure(models.Model):
    name = models.CharField("nom", max_length=200)
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
    city = models.CharField("commune", max_length=120, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "structure"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("structures:detail", args=[self.pk])

    @property
    def identifier_kind(self) -> str:
        return identifier_kind(self.identifier)

    def clean(self) -> None:
        problem = identifier_problem(self.identifier or "")
        if problem:
            raise ValidationError({"identifier": problem[0].upper() + problem[1:] + "."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "Une structure ne peut pas se rattacher à elle-même."})

    def contact_points_for(self, channel: str) -> list["ContactPoint"]:
        return [c for c in self.contact_points.all() if c.channel == channel]


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

    def expired(self, today: datetime.date) -> "LabelQuerySet":
        return self.filter(expires_on__lt=today)

    def to_renew(self, today: datetime.date, days: int = 365) -> "LabelQuerySet":
        """Still valid today, ending within ``days``."""
        return self.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days))


class Label(models.Model):
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

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        verbose_name = "label ou certification"
        verbose_name_plural = "labels et certifications"
        constraints = [
            models.UniqueConstraint(fields=["structure", "kind"], name="unique_label_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.obtained_on:%d/%m/%Y})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def clean(self) -> None:
        if self.expires_on and self.obtained_on and self.expires_on <= self.obtained_on:
            raise ValidationError(
                {"expires_on": "La fin de validité doit suivre la date d'obtention."}
            )


class StructureImport(models.Model):
    """An uploaded file kept between the preview (dry run) and the confirmed write."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Prévisualisé"
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    file_name = models.CharField("fichier", max_length=255)
    content = models.BinaryField()
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

    @property
    def stalled(self) -> bool:
        """Queued or running, but silent for too long: its worker was killed."""
        busy = self.status in (self.Status.QUEUED, self.Status.RUNNING)
        return busy and stale(self.created_at, self.heartbeat)

    @property
    def in_progress(self) -> bool:
        busy = self.status in (self.Status.QUEUED, self.Status.RUNNING)
        return busy and not self.stalled

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
