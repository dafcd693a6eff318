from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from barometre.structures.models import Structure


class Role(models.TextChoices):
    OPERATOR = "operator", "Opérateur du baromètre"
    AUDITOR = "auditor", "Enquêteur mystère"
    MANAGER = "manager", "Responsable qualité"
    AGENT = "agent", "Agent"
    VIEWER = "viewer", "Lecteur"


# Roles that act for a given structure and therefore need one.
STRUCTURE_ROLES = frozenset({Role.MANAGER, Role.AGENT, Role.VIEWER})


class User(AbstractUser):
    email = models.EmailField("adresse électronique", blank=True)

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _memberships(self) -> list[tuple[str, int | None]]:
        """(role, structure) pairs, read once per user object (one query per request
        instead of one per access check); ``forget_memberships`` after a change."""
        if "_memberships_cache" not in self.__dict__:
            self._memberships_cache = list(self.memberships.values_list("role", "structure_id"))
        return self._memberships_cache

    def forget_memberships(self) -> None:
        self.__dict__.pop("_memberships_cache", None)

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self._memberships()}

    @property
    def is_operator(self) -> bool:
        return self.is_superuser or Role.OPERATOR in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    def structure_ids(self, *roles: str) -> set[int]:
        """Structures this user acts for, optionally restricted to some roles."""
        return {
            structure
            for role, structure in self._memberships()
            if structure is not None and (not roles or role in roles)
        }


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=10, choices=Role.choices)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Obligatoire pour les responsables qualité, agents et lecteurs.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rôle"
        verbose_name_plural = "rôles"
        ordering = ["role", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "structure"], name="unique_membership"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(structure__isnull=True),
                name="unique_global_membership",
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.structure}" if self.structure_id else ""
        return f"{self.get_role_display()}{where}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget()

    def delete(self, *args, **kwargs):
        self._forget()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.role in STRUCTURE_ROLES and not self.structure_id:
            raise ValidationError(
                {"structure": "Ce rôle s'exerce pour une structure : choisissez-la."}
            )
        if self.role == Role.OPERATOR and self.structure_id:
            raise ValidationError({"structure": "Un opérateur n'est rattaché à aucune structure."})

    def _forget(self) -> None:
        """The user's memberships are read once per object: forget them after a change."""
        user = self._state.fields_cache.get("user")
        if user is not None:
            user.forget_memberships()


class SensitiveAction(models.Model):
    """The journal of sensitive actions: role changes, publications, exports of personal
    data, API tokens, anonymisation. Written by ``accounts.journal.record``, never edited."""

    class Kind(models.TextChoices):
        ROLE_GRANTED = "role_granted", "Rôle attribué"
        ROLE_REVOKED = "role_revoked", "Rôle retiré"
        RESULTS_PUBLISHED = "results_published", "Résultats publiés"
        PERSONAL_EXPORT = "personal_export", "Export de données personnelles"
        TOKEN_CREATED = "token_created", "Jeton d'API créé"
        TOKEN_REVOKED = "token_revoked", "Jeton d'API révoqué"
        ANONYMISED = "anonymised", "Anonymisation (durée de conservation)"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    kind = models.CharField("action", max_length=20, choices=Kind.choices)
    target = models.CharField("objet", max_length=200)
    detail = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "action sensible"
        verbose_name_plural = "journal des actions sensibles"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} : {self.target}"
