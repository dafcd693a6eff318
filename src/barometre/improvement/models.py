"""Services Publics+ continuous improvement of one structure: the feedback register
(complaints, suggestions, thanks, requests) with working-day deadlines, and satisfaction
surveys collected on public pages, on paper or from files."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from barometre.core.background import Job
from barometre.engine import mask_names
from barometre.structures.models import Structure


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", "Réclamation"
    SUGGESTION = "suggestion", "Suggestion"
    THANKS = "thanks", "Remerciement"
    INFORMATION = "information", "Demande d'information"
    AUTHORITY = "authority", "Demande d'une collectivité"
    EXPERIENCE = "experience", "Expérience partagée"


class Feeling(models.TextChoices):
    """How users said they felt, in the experiences they share on Services Publics+."""

    NEGATIVE = "negative", "Négatif"
    NEUTRAL = "neutral", "Neutre"
    POSITIVE = "positive", "Positif"


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
    kind = models.CharField(
        "nature",
        max_length=12,
        choices=FeedbackKind.choices,
        blank=True,
        help_text="Vide : toutes les natures.",
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        "accusé de réception (jours calendaires)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(90)],
        help_text="Vide : pas d'accusé de réception.",
    )
    answer_working_days = models.PositiveSmallIntegerField(
        "réponse (jours ouvrés)", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = "délai de traitement"
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "channel", "kind"], name="one_deadline_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} : {self.answer_working_days} j ouvrés"


# What "answered within the deadline" counts, on every page and export (docs/scoring.md §7).
ON_TIME_KINDS = (FeedbackKind.COMPLAINT, FeedbackKind.SUGGESTION)


class FeedbackEntryQuerySet(models.QuerySet):
    def deadline_counted(self, today, kinds=None) -> "FeedbackEntryQuerySet":
        """The entries the on-time rate counts on ``today``: complaints and suggestions
        (``kinds``) that expected an answer and either got one or are past their due date
        without one. An open entry past its due date is late, not left out: leaving it out
        would show a register that leaves complaints unanswered as "100 % on time"."""
        return self.filter(kind__in=list(kinds or ON_TIME_KINDS), answer_due__isnull=False).filter(
            models.Q(answered_on__isnull=False) | models.Q(answer_due__lt=today)
        )


# Among ``deadline_counted`` entries: answered on or before the due date. An open entry
# (``answered_on`` empty) is never on time.
ANSWERED_ON_TIME = models.Q(answered_on__lte=models.F("answer_due"))
OVERDUE_UNANSWERED = models.Q(answered_on__isnull=True)


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
    # The texts as read by those who do not handle the entry (names, e-mail addresses,
    # phone numbers and street addresses masked), written with the texts by
    # ``register.masked_texts``; re-masked by ``barometre remask-texts``.
    subject_masked = models.CharField(max_length=400, blank=True)
    description_masked = models.TextField(blank=True)
    answer_masked = models.TextField(blank=True)
    root_cause = models.CharField("cause", max_length=80, blank=True)
    feeling = models.CharField(
        "ressenti de l'usager", max_length=8, choices=Feeling.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="personne en charge",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_on = models.DateField(null=True, blank=True)
    anonymised_on = models.DateField("anonymisée le", null=True, blank=True)
    action = models.ForeignKey(
        "Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="action d'amélioration",
    )
    # A public submission carries a one-time key: a double click or a retry is stored once.
    submission_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking

    objects = FeedbackEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "réclamation ou suggestion"
        verbose_name_plural = "réclamations et suggestions"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "reference"], name="unique_reference"),
            models.UniqueConstraint(
                fields=["structure", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="one_public_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "status", "answer_due"]),
            # The register's list (newest first, 25 a page) and its yearly figures.
            models.Index(fields=["structure", "-received_on", "-id"], name="register_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)


class FeedbackEvent(models.Model):
    entry = models.ForeignKey(FeedbackEntry, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
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
    questionnaire = models.ForeignKey(
        "Questionnaire", on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
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
    scale = models.CharField(
        "échelle", max_length=10, choices=ScaleKind.choices, default=ScaleKind.TEN
    )
    satisfied_from = models.PositiveSmallIntegerField("satisfait à partir de")
    very_satisfied_from = models.PositiveSmallIntegerField("très satisfait à partir de")
    target = models.FloatField(
        "cible (% de satisfaits)",
        default=85.0,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    comment_label = models.CharField("question libre", max_length=200, blank=True)
    active = models.BooleanField("ouvert", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ["structure", "-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyItem(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField("code", max_length=40)
    label = models.CharField("question", max_length=200)
    engagement = models.CharField("engagement Services Publics+", max_length=10, blank=True)
    condition = models.CharField(
        "question filtre",
        max_length=300,
        blank=True,
        help_text="Posée d'abord ; l'item n'est proposé qu'aux usagers qui répondent oui.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_item_code")
        ]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(models.Model):
    class Source(models.TextChoices):
        WEB = "web", "En ligne"
        PAPER = "paper", "Questionnaire papier"
        IMPORT = "import", "Import de fichier"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    point = models.ForeignKey(
        CollectionPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField("date")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    comment = models.TextField("commentaire", blank=True)  # personal data masked on entry
    submission_key = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse à l'enquête"
        ordering = ["-answered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="one_survey_submission",
            )
        ]
        # With the id, a period's responses are read from the index alone.
        indexes = [
            models.Index(
                fields=["questionnaire", "answered_on", "id"], name="response_period_covering"
            )
        ]

    def __str__(self) -> str:
        return f"Réponse du {self.answered_on:%d/%m/%Y}"


class ItemAnswer(models.Model):
    # The unique (response, item) index serves the lookups by response: no index of its own.
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # None: not concerned

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")
        ]
        # The results count a period's answers per item and value from this index alone
        # (surveys.results): no visit to the table, whatever the number of answers.
        indexes = [models.Index(fields=["response", "item", "value"], name="answer_covering")]

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


# ---------------------------------------------------------------- quality dashboard


class Indicator(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        DAYS = "days", "jours"
        COUNT = "count", "nombre"

    class Direction(models.TextChoices):
        AT_LEAST = "ge", "au moins (≥)"
        AT_MOST = "le", "au plus (≤)"

    class Source(models.TextChoices):
        ENTERED = "entered", "Saisi par période"
        REGISTER_ON_TIME = "register_on_time", "Registre : taux de réponse dans le délai"
        REGISTER_DELAY = "register_delay", "Registre : délai moyen de réponse (jours ouvrés)"
        SURVEY = "survey", "Enquête : taux de satisfaits d'une question"
        MYSTERY_CALLS = "mystery_calls", "Appels mystères internes : satisfaction d'une étape"
        BAROMETER = "barometer", "Baromètre national : score global"

    class Periodicity(models.TextChoices):
        MONTH = "month", "Mois"
        QUARTER = "quarter", "Trimestre"
        YEAR = "year", "Année"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField("code", max_length=40)
    label = models.CharField("indicateur", max_length=200)
    theme = models.CharField("rubrique", max_length=120, blank=True)
    section = models.CharField(
        "section du tableau de bord",
        max_length=120,
        blank=True,
        help_text="Comme le bilan présenté au comité la nomme (« Téléphonie », « Site "
        "internet »…) ; vide : la rubrique.",
    )
    engagement = models.CharField(
        "engagement Services Publics+",
        max_length=20,
        blank=True,
        help_text="Par exemple « E 3.1 ».",
    )
    unit = models.CharField("unité", max_length=8, choices=Unit.choices, default=Unit.PERCENT)
    direction = models.CharField(
        "sens", max_length=2, choices=Direction.choices, default=Direction.AT_LEAST
    )
    source = models.CharField(
        "source", max_length=20, choices=Source.choices, default=Source.ENTERED
    )
    parameter = models.CharField(
        "paramètre de la source",
        max_length=80,
        blank=True,
        help_text="Registre : canaux séparés par des virgules (vide : tous) ; enquête : code "
        "de la question ; appels mystères : identifiant de l'étape.",
    )
    periodicity = models.CharField(
        "périodicité de saisie", max_length=8, choices=Periodicity.choices, default=Periodicity.YEAR
    )
    public = models.BooleanField("publié sur la page de transparence", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["structure", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return self.label


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000)])
    value = models.FloatField("cible")

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} : {self.value}"


class IndicatorValue(models.Model):
    """A value entered for one period: a year (``2022``), a quarter (``2022-T3``) or a
    month (``2022-07``)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField("période", max_length=7)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField("valeur")
    note = models.CharField("commentaire", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_value_a_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} : {self.value}"


# ---------------------------------------------------------------- plan, trainings, labels


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        IN_PROGRESS = "in_progress", "En cours"
        DONE = "done", "Réalisée"
        ABANDONED = "abandoned", "Abandonnée"

    class Origin(models.TextChoices):
        AUDIT = "audit", "Critère d'audit faible"
        FEEDBACK = "feedback", "Réclamation ou suggestion"
        SURVEY = "survey", "Question d'enquête sous la cible"
        COMMITTEE = "committee", "Décision du comité des usagers"
        SELF_ASSESSMENT = "self_assessment", "Écart de l'autodiagnostic"
        OTHER = "other", "Autre"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("année du plan", validators=[MinValueValidator(2000)])
    axis = models.CharField("axe d'amélioration", max_length=160)
    title = models.CharField("action", max_length=200)
    owner = models.CharField("pilote", max_length=120, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MaxValueValidator(100)]
    )
    origin = models.CharField(
        "origine", max_length=16, choices=Origin.choices, default=Origin.OTHER
    )
    origin_detail = models.CharField("précision sur l'origine", max_length=200, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="indicateur de résultat",
    )
    done_on = models.DateField("réalisée le", null=True, blank=True)
    publish = models.BooleanField("publier dans « Vous avez dit, nous avons fait »", default=False)
    public_summary = models.CharField(
        "résumé public", max_length=300, blank=True, help_text="« Vous avez dit … ; nous avons … »"
    )

    class Meta:
        verbose_name = "action d'amélioration"
        ordering = ["structure", "year", "axis", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000)])
    theme = models.CharField("formation", max_length=160)
    sessions = models.PositiveSmallIntegerField("sessions", default=1)
    agents_trained = models.PositiveIntegerField("agents formés")

    class Meta:
        verbose_name = "formation"
        ordering = ["structure", "theme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "year", "theme"], name="one_training_line")
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({self.year})"


class SelfAssessment(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    done_on = models.DateField("réalisé le")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "autodiagnostic"
        ordering = ["structure", "-done_on", "-id"]

    def __str__(self) -> str:
        return f"Autodiagnostic du {self.done_on:%d/%m/%Y}"


class SelfAssessmentAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    engagement = models.CharField(max_length=10)
    level = models.PositiveSmallIntegerField(validators=[MaxValueValidator(4)])
    comment = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "engagement"], name="one_level_per_engagement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement} : {self.level}"


# ---------------------------------------------------------------- users' committee


class CommitteeMember(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("nom", max_length=120)
    organisation = models.CharField("organisation", max_length=160)
    role = models.CharField("qualité", max_length=120, blank=True)
    active = models.BooleanField("membre actif", default=True)

    class Meta:
        verbose_name = "membre du comité des usagers"
        ordering = ["structure", "organisation", "name"]

    def __str__(self) -> str:
        """As minutes name people: « M. Robin (délégué départemental, APF France handicap) »."""
        described = ", ".join(part for part in (self.role, self.organisation) if part)
        return f"{self.name} ({described})" if described else self.name


class Meeting(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField("date")
    title = models.CharField("titre", max_length=200, default="Comité local des usagers")
    chair = models.CharField("présidence", max_length=160, blank=True)
    agenda = models.TextField("ordre du jour", help_text="Un point par ligne.")
    reviewed_year = models.PositiveSmallIntegerField(
        "bilan de l'année",
        null=True,
        blank=True,
        help_text="L'année dont ce comité examine le bilan qualité.",
    )
    attendees = models.ManyToManyField(
        CommitteeMember, blank=True, related_name="meetings", verbose_name="présents"
    )

    class Meta:
        verbose_name = "réunion du comité"
        ordering = ["structure", "-held_on"]

    def __str__(self) -> str:
        return f"{self.title} du {self.held_on:%d/%m/%Y}"

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class SpeakerRole(models.TextChoices):
    """In what capacity someone speaks at the users' committee (at a préfecture's: the
    secretary general, associations, a chamber of commerce, mayors, the quality officer)."""

    CHAIR = "chair", "Présidence de séance"
    AGENT = "agent", "Agent de la structure"
    ASSOCIATION = "association", "Association"
    ELECTED = "elected", "Élu"
    PARTNER = "partner", "Partenaire (service de l'État, chambre consulaire…)"
    USER = "user", "Usager"
    OTHER = "other", "Autre"


# How the minutes name a speaker's capacity after the name, in lower case and without
# brackets (the choice labels carry examples in brackets and a capital: « État »).
SPEAKER_ROLE_IN_MINUTES = {
    SpeakerRole.CHAIR: "présidence de séance",
    SpeakerRole.AGENT: "agent de la structure",
    SpeakerRole.ASSOCIATION: "association",
    SpeakerRole.ELECTED: "élu",
    SpeakerRole.PARTNER: "partenaire",
    SpeakerRole.USER: "usager",
    SpeakerRole.OTHER: "",
}


class Statement(models.Model):
    """Minutes: who said what, in order; a question can carry its answer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="statements")
    speaker = models.CharField("intervenant", max_length=160)
    speaker_role = models.CharField(
        "qualité de l'intervenant", max_length=20, choices=SpeakerRole, blank=True
    )
    text = models.TextField("propos")
    question = models.BooleanField("question posée au comité", default=False)
    answer = models.TextField("réponse apportée", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # As read outside the quality team (``annual.masked_minutes``): made when saved.
    text_masked = models.TextField(blank=True)
    answer_masked = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"{self.speaker} : {self.text[:40]}"

    def save(self, *args, **kwargs):
        _mask_on_save(self, ("text", "answer"), kwargs)
        super().save(*args, **kwargs)

    @property
    def role_in_minutes(self) -> str:
        """The speaker's capacity as the minutes write it after the name (« association »)."""
        return SPEAKER_ROLE_IN_MINUTES.get(self.speaker_role, "")


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField("décision", max_length=300)
    action = models.OneToOneField(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    text_masked = models.CharField(max_length=600, blank=True)

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        _mask_on_save(self, ("text",), kwargs)
        super().save(*args, **kwargs)


def _mask_on_save(item, names: tuple[str, ...], kwargs) -> None:
    """Write the masked copies of ``item``'s texts (``text_masked`` beside ``text``) before
    it is saved: names, e-mail addresses, phone numbers and street addresses masked once,
    not at every display (``barometre remask-texts`` makes them again)."""
    fields = kwargs.get("update_fields")
    for name in names:
        if fields is None or name in fields:
            setattr(item, f"{name}_masked", mask_names(getattr(item, name)))
    if fields is not None:
        kwargs["update_fields"] = {*fields, *(f"{n}_masked" for n in names if n in fields)}


class ImprovementProfileQuerySet(models.QuerySet):
    def publishing_transparency(self) -> "ImprovementProfileQuerySet":
        return self.filter(publish_transparency=True)


class ImprovementProfile(models.Model):
    """What a structure says about its approach, and what it publishes."""

    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="+")
    approach = models.TextField("démarche qualité", blank=True)
    publish_transparency = models.BooleanField("publier la page de transparence", default=False)
    publish_survey = models.ForeignKey(
        Questionnaire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="résultats d'enquête publiés",
    )
    # What the structure shows in public changes (this profile, and through
    # ``transparency`` its indicators, targets, entered values, actions, questionnaires):
    # ``revision`` counts the changes, the key of its cached transparency page;
    # ``changed_at`` is the database's time of the last one, for the public home's key.
    revision = models.PositiveIntegerField(default=0, editable=False)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    objects = ImprovementProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profil qualité"

    def __str__(self) -> str:
        return f"Profil qualité {self.structure.of_name}"

    def save(self, *args, **kwargs):
        self.revision = 1 if self._state.adding else models.F("revision") + 1
        self.changed_at = Now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision", "changed_at"}
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["revision", "changed_at"])


class SurveyMailing(Job, models.Model):
    """Invitations to a questionnaire sent by e-mail from a list of addresses (a préfecture
    reported "3 réponses sur 40 enquêtes mails"): one single-use link each, at most one reminder;
    when it closes, the addresses are deleted and only the counts remain.

    The e-mails go out from the task worker in batches (``mailings.deliver``), never in the
    web request: ``status`` and ``heartbeat`` follow the current sending (the invitations,
    then the reminder) as for every background job (``core.background.Job``), and each
    invitation records when it was sent, so that a sending interrupted by a killed worker
    resumes where it stopped without mailing anyone twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'attente"
        RUNNING = "running", "Envoi en cours"
        DONE = "done", "Envoyé"
        FAILED = "failed", "Échec"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="mailings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closes_on = models.DateField("clôture de l'enquête")
    invited = models.PositiveIntegerField("invitations envoyées", default=0)
    reminded_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    heartbeat = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    started_field = "created_at"  # core.background.Job

    class Meta:
        verbose_name = "envoi d'invitations par courriel"
        ordering = ["questionnaire", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.questionnaire} : {self.invited} invitations du {self.created_at:%d/%m/%Y}"


class SurveyOptOut(models.Model):
    """An address that asked for no more invitations from this structure, kept as a keyed
    digest only (``mailings.digest``): the address itself is deleted with its mailing."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["structure", "digest"], name="one_opt_out_per_address")
        ]

    def __str__(self) -> str:
        return f"désinscription {self.digest[:8]}…"


class SurveyInvitation(models.Model):
    """A single-use link to a questionnaire (sent after a visit, for instance): it
    accepts one set of answers, then says it has been used. Sent by e-mail, it belongs to
    a mailing and holds its address until the mailing closes."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    mailing = models.ForeignKey(
        SurveyMailing, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField("courriel", blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Recorded just before its e-mail goes out (at most once, even if the worker dies).
    sent_at = models.DateTimeField("invitation envoyée le", null=True, blank=True)
    reminded_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    # True from that record until the mail server accepted the e-mail: left True by a
    # worker killed in between, the e-mail may not have left (it is not sent again).
    in_flight = models.BooleanField("envoi non confirmé", default=False)

    class Meta:
        verbose_name = "lien à usage unique"
        ordering = ["questionnaire", "created_at", "id"]

    def __str__(self) -> str:
        return self.token
