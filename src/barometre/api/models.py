"""Personal API tokens: shown once, stored as a SHA-256 digest, revocable, with scopes."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "brm"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Lecture"
        WRITE = "write", "Lecture et écriture"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=80)
    key_id = models.CharField(max_length=16, unique=True)
    key_digest = models.CharField(max_length=64)
    scope = models.CharField("droits", max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @classmethod
    def issue(cls, user, name: str, scope: str) -> tuple["ApiToken", str]:
        """A new token and its key, which is shown once and never stored in clear."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, scope=scope, key_id=key_id, key_digest=digest(secret)
        )
        return token, f"{PREFIX}_{key_id}_{secret}"

    @classmethod
    def from_key(cls, key: str) -> "ApiToken | None":
        parts = key.split("_", 2)
        # A NUL character would reach PostgreSQL, which answers it with an error.
        if len(parts) != 3 or parts[0] != PREFIX or "\x00" in key:
            return None
        token = (
            cls.objects.select_related("user")
            .filter(key_id=parts[1], revoked_at__isnull=True)
            .first()
        )
        if token is None or not hmac.compare_digest(token.key_digest, digest(parts[2])):
            return None
        if not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
