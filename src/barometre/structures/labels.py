"""Quality labels: entered or confirmed by operators, proposed by a structure's managers.

A manager does not award a label to their own structure: they propose it with its
certificate (a PDF or an image, checked by its content as audit evidence is), and an
operator confirms or rejects it, with who and when. Only confirmed labels valid on the
day a figure is about count (``Label.objects.counting_on``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from barometre.core.errors import Conflict, Refused
from barometre.core.uploads import UploadRefused, check_upload
from barometre.structures.models import Label, Structure

CERTIFICATE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/webp"}


def propose(
    structure: Structure,
    *,
    by,
    kind: str,
    obtained_on: dt.date,
    expires_on: dt.date | None,
    follow_up_on: dt.date | None = None,
    certificate,
) -> Label:
    """A manager's proposal, with its certificate; it counts nowhere until confirmed."""
    problems = []
    if certificate is None:
        problems.append("le certificat est obligatoire : joignez le PDF ou l'image du certificat")
    if expires_on and expires_on <= obtained_on:
        problems.append("la fin de validité doit suivre la date d'obtention")
    if obtained_on > timezone.localdate():
        problems.append("la date d'obtention ne peut pas être dans le futur")
    if Label.objects.proposed().filter(structure=structure, kind=kind).exists():
        problems.append("une proposition de ce label attend déjà la vérification de l'opérateur")
    detected = None
    if certificate is not None:
        try:
            detected = check_upload(
                certificate, max_bytes=settings.EVIDENCE_MAX_BYTES, allowed=CERTIFICATE_TYPES
            )
        except UploadRefused as exc:
            problems.append(f"certificat : {str(exc)[0].lower()}{str(exc)[1:].rstrip('.')}")
    if problems:
        raise Refused(problems)
    original_name = certificate.name[:255]
    certificate.name = f"{uuid.uuid4().hex}.{detected.extension}"
    return Label.objects.create(
        structure=structure,
        kind=kind,
        obtained_on=obtained_on,
        expires_on=expires_on,
        follow_up_on=follow_up_on,
        status=Label.Status.PROPOSED,
        certificate=certificate,
        certificate_name=original_name,
        certificate_mime=detected.mime,
        proposed_by=by,
        proposed_at=timezone.now(),
    )


def decide(label: Label, *, by, confirm: bool, note: str = "") -> Label:
    """An operator confirms or rejects a proposal. Confirming replaces the label of the
    same kind in force (a renewal). Conditional on the proposal still waiting: the second
    of two operators deciding at once is told (``Conflict``)."""
    if not by.is_operator:
        raise Refused(["seuls les opérateurs du baromètre confirment ou refusent un label"])
    status = Label.Status.CONFIRMED if confirm else Label.Status.REJECTED
    with transaction.atomic():
        if confirm:
            Label.objects.confirmed().filter(structure=label.structure_id, kind=label.kind).exclude(
                pk=label.pk
            ).delete()
        changed = (
            Label.objects.proposed()
            .filter(pk=label.pk)
            .update(
                status=status, decided_by=by, decided_at=timezone.now(), decision_note=note[:300]
            )
        )
        if not changed:
            raise Conflict("Cette proposition a déjà été traitée : la page est à jour.")
    label.refresh_from_db()
    return label


def confirm_entered(labels: list[Label], *, by) -> None:
    """Labels an operator entered or changed in the structure's form are confirmed by them."""
    now = timezone.now()
    for label in labels:
        label.status = Label.Status.CONFIRMED
        label.decided_by = by
        label.decided_at = now
        label.save(update_fields=["status", "decided_by", "decided_at"])
