from django.conf import settings
from django.db import models

from barometre.core.background import Job


class ExportFile(Job, models.Model):
    """A large spreadsheet export built in the background (``core.deferred``): the XLSX
    format cannot be sent while it is written, so the user follows its progress and then
    downloads the file. Only the user who asked for it may fetch it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "En cours"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    title = models.CharField("export", max_length=200)
    # The dotted path of the function that gives the sheets, and its arguments.
    builder = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    filename = models.CharField(max_length=200)
    back_url = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("lignes écrites", default=0)
    total = models.PositiveIntegerField("lignes à écrire (estimation)", default=0)
    file = models.FileField("fichier", upload_to="exports/%Y/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export en arrière-plan"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return min(99, round(100 * self.done / self.total)) if self.total else 0
