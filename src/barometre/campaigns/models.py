"""Barometer editions and their fieldwork: grids, enrolment, scenarios, audit tasks."""

from functools import lru_cache
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from barometre.engine import Grid, parse_grid
from barometre.structures.models import Channel, Structure, StructureKind


@lru_cache(maxsize=32)
def _parsed(text: str, source: str) -> Grid:
    # Grids are immutable values (pydantic frozen): pages and checks that need one per
    # audit share the parse of each distinct text.
    return parse_grid(text, source=source)


class GridVersion(models.Model):
    """A grid as YAML text. Frozen when an edition using it starts fieldwork; changing a
    frozen grid creates the next version."""

    grid_id = models.CharField("grille", max_length=80)
    version = models.PositiveIntegerField("version")
    yaml = models.TextField("définition YAML")
    frozen_at = models.DateTimeField("figée le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "version de grille"
        ordering = ["grid_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["grid_id", "version"], name="unique_grid_version")
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} v{self.version}"

    def parsed(self) -> Grid:
        return _parsed(self.yaml, str(self))


class Edition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        ENROLMENT = "enrolment", "Inscriptions"
        FIELDWORK = "fieldwork", "Terrain"
        VALIDATION = "validation", "Validation"
        RESULTS = "results", "Résultats"
        PUBLISHED = "published", "Publiée"

    year = models.PositiveIntegerField("année", validators=[MinValueValidator(2000)])
    name = models.CharField("nom", max_length=200)
    grid = models.ForeignKey(GridVersion, on_delete=models.PROTECT, verbose_name="grille")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    enrolment_opens = models.DateField("ouverture des inscriptions")
    enrolment_closes = models.DateField("clôture des inscriptions")
    fieldwork_starts = models.DateField("début du terrain")
    fieldwork_ends = models.DateField("fin du terrain")
    planning_seed = models.PositiveIntegerField("graine du planning", default=0)
    owner = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="campagne interne de",
        help_text="Vide pour un baromètre national ; sinon la structure qui mène sa campagne.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "édition"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def internal(self) -> bool:
        return self.owner_id is not None


class EditionTransition(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=12, choices=Edition.Status.choices)
    target = models.CharField(max_length=12, choices=Edition.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # Why the operator decided it (an early start, a closure with audits not done, an
    # extension of the fieldwork window), in their words and the platform's.
    reason = models.TextField("motif", blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        if self.source == self.target:
            return f"{self.get_source_display()} : {self.reason}"
        return f"{self.get_source_display()} → {self.get_target_display()}"


class CategoryRule(models.Model):
    """Peer group for rankings: structure types × population band, in priority order."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="category_rules")
    position = models.PositiveIntegerField("ordre")
    name = models.CharField("catégorie", max_length=120)
    kinds = models.JSONField("types de structure", default=list)
    population_min = models.PositiveIntegerField("population minimale", null=True, blank=True)
    population_max = models.PositiveIntegerField("population maximale", null=True, blank=True)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = "règle de catégorie"

    def __str__(self) -> str:
        return self.name

    def matches(self, structure: Structure) -> bool:
        if self.kinds and structure.kind not in self.kinds:
            return False
        population = structure.population
        if self.population_min is not None and (population or 0) < self.population_min:
            return False
        return not (
            self.population_max is not None
            and population is not None
            and population >= self.population_max
        )


class Enrolment(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "Candidature"
        ENROLLED = "enrolled", "Inscrite"
        WITHDRAWN = "withdrawn", "Retirée"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="enrolments")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ENROLLED)
    category = models.CharField("catégorie", max_length=120, blank=True)
    channels = models.JSONField("canaux audités", default=list)
    publish_results = models.BooleanField("résultats publiables", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["edition", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "structure"], name="unique_enrolment")
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.edition}"


class Scenario(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    title = models.CharField("titre", max_length=200)
    persona = models.TextField("persona", help_text="Qui est l'usager simulé et sa situation.")
    channels = models.JSONField("canaux", default=list)
    script = models.TextField("demande", help_text="Ce que l'enquêteur demande ou écrit.")
    message_template = models.TextField("modèle de courriel ou de lettre", blank=True)
    expected_answer = models.TextField("réponse attendue")
    structure_kinds = models.JSONField(
        "types de structure", default=list, blank=True, help_text="Vide : tous les types."
    )
    active = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "scénario"

    def __str__(self) -> str:
        return self.title


class ScenarioAttachment(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to="scenarios/")
    label = models.CharField("libellé", max_length=120)

    def __str__(self) -> str:
        return self.label


class AuditorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_profile"
    )
    departments = models.JSONField("départements couverts (accueil physique)", default=list)
    weekly_capacity = models.PositiveIntegerField(
        "audits par semaine", default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    commune = models.CharField("commune de résidence", max_length=120, blank=True)
    conflicts = models.ManyToManyField(
        Structure, blank=True, related_name="+", verbose_name="structures liées"
    )

    class Meta:
        verbose_name = "profil d'enquêteur"

    def __str__(self) -> str:
        return str(self.user)


class CampaignCaller(models.Model):
    """A person a structure names to call in one of its internal campaigns: one of its
    own agents or managers, or an account invited for that campaign. The assignment is
    scoped to the campaign: it gives its tasks in that campaign and nothing else (no
    national edition, no other campaign, no registry)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="callers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_calls"
    )
    weekly_capacity = models.PositiveIntegerField(
        "appels par semaine", default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    invited = models.BooleanField(
        "compte invité", default=False, help_text="Compte créé pour cette campagne."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "appelant d'une campagne interne"
        verbose_name_plural = "appelants des campagnes internes"
        ordering = ["edition", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="unique_campaign_caller")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.edition}"


class AuditTask(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planifié"
        ASSIGNED = "assigned", "Attribué"
        AWAITING_REPLY = "awaiting_reply", "En attente de réponse"
        SUBMITTED = "submitted", "Soumis"
        RETURNED = "returned", "Renvoyé à l'enquêteur"
        VALIDATED = "validated", "Validé"
        REJECTED = "rejected", "Rejeté"
        NOT_DONE = "not_done", "Non réalisé"

    class Source(models.TextChoices):
        """Where a sending or a reply (its date and text) comes from."""

        TYPED = "typed", "Saisi à la main"
        CAPTURED = "captured", "Capté dans la boîte de réception"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tasks")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    sequence = models.PositiveSmallIntegerField("rang")
    scheduled_at = models.DateTimeField("prévu le")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_tasks",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    planning_problem = models.CharField("raison de non-attribution", max_length=300, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    replied_at = models.DateTimeField("réponse reçue le", null=True, blank=True)
    sent_text = models.TextField("texte envoyé", blank=True)
    reply_text = models.TextField("texte de la réponse", blank=True)
    no_reply = models.BooleanField("sans réponse", default=False)
    sent_source = models.CharField(
        "provenance de l'envoi", max_length=8, choices=Source.choices, default=Source.TYPED
    )
    reply_source = models.CharField(
        "provenance de la réponse", max_length=8, choices=Source.choices, default=Source.TYPED
    )
    double_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="double_codings"
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    external_id = models.CharField(
        "identifiant externe",
        max_length=80,
        blank=True,
        help_text="Identifiant de l'audit dans l'outil de saisie d'origine (imports).",
    )

    class Meta:
        verbose_name = "audit"
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "structure", "channel", "sequence"],
                condition=models.Q(double_of__isnull=True),
                name="unique_planned_audit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.get_channel_display()} n° {self.sequence}"


class Evidence(models.Model):
    """A screenshot, a scan of a letter, a PDF of an e-mail or a recording of a call."""

    task = models.ForeignKey(AuditTask, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("fichier", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("nom d'origine", max_length=255)
    mime = models.CharField("type détecté", max_length=40)
    size = models.PositiveIntegerField("taille")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce justificative"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The uploaded name with the extension of the detected type (``poly.html`` that is
        a GIF downloads as ``poly.gif``)."""
        stem = PurePosixPath(self.original_name.replace("\\", "/")).stem or "piece"
        return f"{stem}.{PurePosixPath(self.file.name).suffix.lstrip('.')}"


class Answer(models.Model):
    task = models.ForeignKey(AuditTask, on_delete=models.CASCADE, related_name="answers")
    criterion = models.CharField("critère", max_length=80)
    value = models.TextField("valeur", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "criterion"], name="unique_answer")]

    def __str__(self) -> str:
        return f"{self.criterion} = {self.value}"


class TaskEvent(models.Model):
    """History of an audit after submission: who changed what, when, before and after."""

    LABELS = {
        "submit": "soumis pour validation",
        "validate": "validé",
        "return": "renvoyé à l'enquêteur",
        "reject": "rejeté",
        "edit": "réponses modifiées après soumission",
        "no_reply": "clôturé sans réponse",
    }

    task = models.ForeignKey(AuditTask, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)


DEFAULT_CATEGORIES = [
    ("Villes de plus de 50\u202f000 habitants", [StructureKind.COMMUNE], 50_000, None),
    ("Villes de 20\u202f000 à 49\u202f999 habitants", [StructureKind.COMMUNE], 20_000, 50_000),
    ("Villes de moins de 20\u202f000 habitants", [StructureKind.COMMUNE], None, 20_000),
    ("Intercommunalités", [StructureKind.INTERCOMMUNALITY], None, None),
    ("Départements", [StructureKind.DEPARTMENT], None, None),
    ("Régions", [StructureKind.REGION], None, None),
    ("France Services", [StructureKind.FRANCE_SERVICES], None, None),
    (
        "Services sociaux, de solidarité et de santé",
        [StructureKind.SOCIAL, StructureKind.HOSPITAL],
        None,
        None,
    ),
    ("Développement économique, aménagement et tourisme", [StructureKind.ECONOMIC], None, None),
    ("Services de l'État", [StructureKind.STATE], None, None),
    ("Autres structures", [], None, None),
]


class AuditImport(models.Model):
    """An audits file kept between its check (dry run) and the confirmed write."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField("fichier", max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "import d'audits"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
