"""Recording sensitive actions. The acting user is taken from the request being served
(``JournalMiddleware``) unless given, so that signals and commands can record too."""

from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from barometre.accounts.models import Membership, SensitiveAction

_actor: ContextVar = ContextVar("journal_actor", default=None)
Kind = SensitiveAction.Kind


def record(kind: str, target: object, *, actor=None, **detail) -> SensitiveAction:
    actor = actor or _actor.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return SensitiveAction.objects.create(
        kind=kind, target=str(target)[:200], actor=actor, detail=detail
    )


class JournalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _membership(membership: Membership) -> str:
    where = f" — {membership.structure}" if membership.structure_id else ""
    return f"{membership.user} : {membership.get_role_display()}{where}"


@receiver(post_save, sender=Membership)
def _granted(sender, instance, created, **kwargs):
    record(
        Kind.ROLE_GRANTED,
        _membership(instance),
        changed=not created,
        user=instance.user_id,
        role=instance.role,
        structure=instance.structure_id,
    )


@receiver(post_delete, sender=Membership)
def _revoked(sender, instance, **kwargs):
    record(
        Kind.ROLE_REVOKED,
        _membership(instance),
        user=instance.user_id,
        role=instance.role,
        structure=instance.structure_id,
    )
