"""Computed results of an edition, versioned: a published result set never changes; a
recomputation after publication creates the next version and records what moved."""

import datetime

from django.conf import settings
from django.db import models

from barometre.campaigns.models import Edition, GridVersion
from barometre.core.background import Job
from barometre.results import stored
from barometre.structures.models import Structure

# The large JSON fields of a result version: loading and decoding them was most of the
# time of a page that only names the version (a cached public page, the public home).
LARGE_FIELDS = (
    "audit_ids",
    "stored_benchmarks",
    "stored_categories",
    "stored_key_figures",
    "auditors",
    "agreement",
    "changes",
    "evolution",
)


class ResultSetQuerySet(models.QuerySet):
    def published(self) -> "ResultSetQuerySet":
        """Computed and published versions (a published version never changes)."""
        return self.filter(published_at__isnull=False, status=ResultSet.Status.READY)

    def without_large_fields(self) -> "ResultSetQuerySet":
        return self.defer(*LARGE_FIELDS)

    def published_national(self) -> "ResultSetQuerySet":
        """Published results of national editions (not a structure's internal campaign):
        what anyone may read."""
        return self.published().filter(edition__owner__isnull=True)


class ResultSet(Job, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'attente"
        COMPUTING = "computing", "Calcul en cours"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    ACTIVE = (Status.QUEUED, Status.COMPUTING)

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="result_sets")
    version = models.PositiveIntegerField("version")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField("étape", max_length=120, blank=True)
    grid = models.ForeignKey(GridVersion, on_delete=models.PROTECT, verbose_name="grille")
    audit_ids = models.JSONField("audits utilisés", default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField("calculé le", null=True, blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    # Computed before the edition reached its results phase: shown to those who run the
    # edition, never publishable.
    preview = models.BooleanField("aperçu", default=False)
    # Published in place of an earlier published version: what was corrected, shown on
    # the public pages.
    erratum = models.TextField("note d'erratum", blank=True)
    error = models.TextField(blank=True)
    # Last sign of life of the worker computing it: a computation silent for longer than
    # STALE_AFTER (core/background.py) was killed and may be requested again.
    heartbeat = models.DateTimeField(null=True, blank=True)
    # The aggregates that compare structures (categories, key figures, benchmarks) are
    # stored whole and read only through ``results.publication``, which applies the
    # publication rule (docs/scoring.md §7): ``stored_`` says they are raw.
    stored_categories = models.JSONField(default=list, db_column="categories")
    stored_key_figures = models.JSONField(default=list, db_column="key_figures")
    auditors = models.JSONField(default=list)
    agreement = models.JSONField(default=list)
    changes = models.JSONField("changements depuis la version publiée", default=list)
    # {"(national)" or category: {"channels" | "stages" | "determinants" | "criteria":
    #   {id: {"mean": float, "n": structures}}}}
    stored_benchmarks = models.JSONField(
        "moyennes de comparaison", default=dict, db_column="benchmarks"
    )
    # Comparison with the previous published edition on shared criteria (empty if none).
    evolution = models.JSONField("évolution", default=dict)

    objects = ResultSetQuerySet.as_manager()

    class Meta:
        verbose_name = "jeu de résultats"
        ordering = ["edition", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "version"], name="unique_result_version")
        ]

    def __str__(self) -> str:
        return f"{self.edition} — résultats v{self.version}"


class StructureResult(models.Model):
    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="structures")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=120, blank=True)
    score = models.FloatField("score global")
    score_low = models.FloatField()
    score_high = models.FloatField()
    audits = models.PositiveIntegerField()
    coverage = models.FloatField()
    eligible = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True)
    rank_low = models.PositiveIntegerField(null=True)
    rank_high = models.PositiveIntegerField(null=True)
    p_first = models.FloatField(null=True)
    tied_with_leader = models.BooleanField(null=True)
    # Channel, stage, determinant and criterion scores: {"channels": {"phone": 80.0}, …}
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["category", "rank", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "structure"], name="unique_result")
        ]

    def __str__(self) -> str:
        return f"{self.structure} : {self.score:.1f}"

    def observations(self) -> list[dict]:
        """The auditors' observations, their date (stored as ISO text) read back as a date
        for the templates' usual « 28/05/2026 »; a date written otherwise stays as text."""
        return [
            dict(o, date=_observation_date(o.get("date")))
            for o in stored.details(self).get("observations", [])
        ]


def _observation_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


class Laureate(models.Model):
    """The laureate of a category, proposed from the ranking and confirmed by the operator
    with the jury's note ("point remarquable")."""

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="laureates")
    category = models.CharField("catégorie", max_length=120)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    jury_note = models.TextField("point remarquable")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lauréat"
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "category"], name="one_laureate")
        ]

    def __str__(self) -> str:
        return f"{self.category} : {self.structure}"


class ReportBatch(Job, models.Model):
    """Every structure's PDF report of one result version, built in the background into
    one ZIP file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "En cours"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("rapports produits", default=0)
    total = models.PositiveIntegerField("rapports à produire", default=0)
    file = models.FileField("archive", upload_to="reports/%Y/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lot de rapports"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Rapports de {self.result_set} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
