"""Services Publics+ continuous improvement of one structure: the feedback register
(complaints, suggestions, thanks, requests) with working-day deadlines, and satisfaction
surveys collected on public pages, on paper or from files."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from barometre.structures.models import Structure


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", "Réclamation"
    SUGGESTION = "suggestion", "Suggestion"
    THANKS = "thanks", "Remerciement"
    INFORMATION = "information", "Demande d'information"
    AUTHORITY = "authority", "Demande d'une collectivité"


class FeedbackChannel(models.TextChoices):
    EMAIL = "email", "Courriel"
    LETTER = "letter", "Courrier"
    BOX = "box", "Urne à suggestions"
    WEB_FORM = "web_form", "Formulaire en ligne"
    PHONE = "phone", "Téléphone"
    COUNTER = "counter", "Guichet"
    SOCIAL = "social", "Réseau social"


class DeadlineRule(models.Model):
    """A structure's own deadlines for one channel (and optionally one kind); without a
    rule, the Services Publics+ defaults apply (improvement.deadlines.DEFAULTS)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("canal", max_length=10, choices=FeedbackChannel.choices)
    kind = models.CharField("nature", max_length=12, choices=FeedbackKind.choices, blank=True,
                            help_text="Vide : toutes les natures.")  # fmt: skip
    acknowledge_days = models.PositiveSmallIntegerField(
        "accusé de réception (jours calendaires)", null=True, blank=True,
        validators=[MaxValueValidator(90)], help_text="Vide : pas d'accusé de réception.",
    )  # fmt: skip
    answer_working_days = models.PositiveSmallIntegerField(
        "réponse (jours ouvrés)", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = "délai de traitement"
        constraints = [models.UniqueConstraint(fields=["structure", "channel", "kind"],
                                               name="one_deadline_rule")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_channel_display()} : {self.answer_working_days} j ouvrés"


class FeedbackEntry(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Reçue"
        ACKNOWLEDGED = "acknowledged", "Accusé de réception envoyé"
        IN_PROGRESS = "in_progress", "En cours de traitement"
        ANSWERED = "answered", "Répondue"
        CLOSED = "closed", "Close"

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField("référence", max_length=20)
    kind = models.CharField("nature", max_length=12, choices=FeedbackKind.choices)
    channel = models.CharField("canal", max_length=10, choices=FeedbackChannel.choices)
    received_on = models.DateField("reçue le")
    service = models.CharField("service en charge", max_length=120, blank=True)
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("contenu", max_length=5000)
    contact_name = models.CharField("nom de l'usager", max_length=120, blank=True)
    contact_email = models.EmailField("courriel de l'usager", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    acknowledge_due = models.DateField("accusé de réception attendu le", null=True, blank=True)
    answer_due = models.DateField("réponse attendue le", null=True, blank=True)
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    answer = models.TextField("réponse", blank=True, max_length=10000)
    root_cause = models.CharField("cause", max_length=80, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="personne en charge",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_on = models.DateField(null=True, blank=True)
    # A public submission carries a one-time key: a double click or a retry is stored once.
    submission_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        verbose_name = "réclamation ou suggestion"
        verbose_name_plural = "réclamations et suggestions"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "reference"], name="unique_reference"),
            models.UniqueConstraint(fields=["structure", "submission_key"],
                                    condition=~models.Q(submission_key=""),
                                    name="one_public_submission"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["structure", "status", "answer_due"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)


class FeedbackEvent(models.Model):
    entry = models.ForeignKey(FeedbackEntry, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")  # fmt: skip
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} ({self.at:%d/%m/%Y %H:%M})"


def _token() -> str:
    return secrets.token_urlsafe(6)  # 8 characters: short enough for a poster


class CollectionPoint(models.Model):
    """A place where users give their opinion (a site, a counter, the website): one
    public short link and QR code for the survey and the feedback form."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    label = models.CharField("lieu", max_length=120)
    token = models.CharField(max_length=16, unique=True, default=_token)
    questionnaire = models.ForeignKey("Questionnaire", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="points")  # fmt: skip
    feedback_form = models.BooleanField("formulaire de réclamation", default=True)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "point de collecte"
        ordering = ["structure", "label"]

    def __str__(self) -> str:
        return self.label


class Questionnaire(models.Model):
    class ScaleKind(models.TextChoices):
        TEN = "1-10", "Note de 1 à 10"
        FIVE = "1-5", "Note de 1 à 5"
        FOUR = "4-points", "4 niveaux (pas du tout à tout à fait satisfait)"
        SMILEYS = "smileys", "Visages (3 niveaux)"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("titre", max_length=200)
    scale = models.CharField("échelle", max_length=10, choices=ScaleKind.choices,
                             default=ScaleKind.TEN)  # fmt: skip
    satisfied_from = models.PositiveSmallIntegerField("satisfait à partir de")
    very_satisfied_from = models.PositiveSmallIntegerField("très satisfait à partir de")
    target = models.FloatField(
        "cible (% de satisfaits)", default=85.0,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )  # fmt: skip
    comment_label = models.CharField("question libre", max_length=200, blank=True)
    active = models.BooleanField("ouvert", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["structure", "-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyItem(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="items")  # fmt: skip
    code = models.SlugField("code", max_length=40)
    label = models.CharField("question", max_length=200)
    engagement = models.CharField("engagement Services Publics+", max_length=10, blank=True)
    condition = models.CharField(
        "question filtre", max_length=300, blank=True,
        help_text="Posée d'abord ; l'item n'est proposé qu'aux usagers qui répondent oui.",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"],
                                               name="unique_item_code")]  # fmt: skip

    def __str__(self) -> str:
        return self.label


class SurveyResponse(models.Model):
    class Source(models.TextChoices):
        WEB = "web", "En ligne"
        PAPER = "paper", "Questionnaire papier"
        IMPORT = "import", "Import de fichier"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="responses")  # fmt: skip
    point = models.ForeignKey(CollectionPoint, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")  # fmt: skip
    answered_on = models.DateField("date")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    comment = models.TextField("commentaire", blank=True)  # personal data masked on entry
    submission_key = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse à l'enquête"
        ordering = ["-answered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "submission_key"],
                                               condition=~models.Q(submission_key=""),
                                               name="one_survey_submission")]  # fmt: skip
        indexes = [models.Index(fields=["questionnaire", "answered_on"])]

    def __str__(self) -> str:
        return f"Réponse du {self.answered_on:%d/%m/%Y}"


class ItemAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers")  # fmt: skip
    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # None: not concerned

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"],
                                               name="one_answer_per_item")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.item_id} = {self.value}"


class PublicSubmission(models.Model):
    """Rate limiting of the public forms without tracking people: a keyed hash of the
    address that changes every day (it cannot be reversed nor linked across days), kept
    only for the throttling window."""

    digest = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.digest[:8]}… {self.at:%H:%M}"
