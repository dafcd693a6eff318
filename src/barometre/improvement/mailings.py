"""Satisfaction surveys by e-mail (a préfecture reported "3 réponses sur 40 enquêtes
mails" to its users' committee).

A manager uploads a list of addresses (CSV or XLSX, column « courriel »): every row is
checked first and the list is refused whole with each problem named by row, or an
invitation with its own single-use link goes to every address. One reminder at most goes
to those who neither answered nor unsubscribed. Unsubscribing is honoured for the
structure's later mailings too, through a keyed digest of the address (the address itself
is not kept). When the mailing closes (its closing date passed, swept daily by
``barometre anonymise_old_data``, or closed by hand) its links stop accepting answers and
its addresses are deleted; the response rate, answers / invitations sent, remains.

The e-mails are sent by the task worker (``deliver``), never in the manager's request: a
list of 600 addresses at a quarter of a second each would outlast the request. Each
invitation is marked sent (or reminded) in its own transaction just before its e-mail goes
out, so a worker killed midway leaves at most the e-mail it was sending unsent, and the
relaunch (``resume``, « Relancer l'envoi » on the questionnaire's page) sends the rest:
nobody is mailed twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from barometre.core.errors import Refused
from barometre.core.figures import Figure, count_of, minimum
from barometre.engine import wilson
from barometre.improvement.models import (
    Questionnaire,
    SurveyInvitation,
    SurveyMailing,
    SurveyOptOut,
)
from barometre.structures.names import one_line

COLUMNS = ("courriel", "email", "adresse")


def digest(structure_id: int, email: str) -> str:
    """A keyed digest of an address: enough to recognise it again, not to read it."""
    key = settings.SECRET_KEY.encode()
    message = f"{structure_id}:{email.strip().lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def read_addresses(content: bytes, filename: str) -> tuple[list[str], list[str]]:
    """The addresses of the file, or the problems that refuse it, one per row."""
    from barometre.core.uploads import import_limits
    from barometre.engine.tables import TableError, cell_text, read_table

    try:
        table = read_table(content, filename, **import_limits())
    except TableError as exc:
        return [], [str(exc)]
    column = next((c for c in COLUMNS if c in table.columns), None)
    if column is None:
        return [], ["Colonne obligatoire absente : « courriel »."]
    problems = [str(p) for p in table.problems]
    addresses, seen = [], {}
    for row, values in table.rows:
        address = cell_text(values.get(column))
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            problems.append(
                f"Ligne {row}, colonne « {column} » (valeur « {address} ») : "
                "adresse électronique invalide"
            )
            continue
        key = address.lower()
        if key in seen:
            problems.append(
                f"Ligne {row}, colonne « {column} » (valeur « {address} ») : "
                f"adresse en double (déjà ligne {seen[key]})"
            )
            continue
        seen[key] = row
        addresses.append(address)
    if not problems and not addresses:
        problems.append("Le fichier n'a aucune adresse.")
    return addresses, problems


def _links(invitation: SurveyInvitation) -> tuple[str, str]:
    base = settings.BAROMETRE_SITE_URL.rstrip("/")
    return (
        base + reverse("public:invitation", args=[invitation.token]),
        base + reverse("public:unsubscribe", args=[invitation.token]),
    )


def _send(invitation: SurveyInvitation, *, reminder: bool) -> None:
    structure = invitation.questionnaire.structure
    link, unsubscribe = _links(invitation)
    closes = invitation.mailing.closes_on
    lines = [
        "Bonjour,",
        "",
        f"{capfirst(structure.in_sentence)} souhaite connaître votre avis sur son accueil.",
        "Le questionnaire prend quelques minutes ; ce lien personnel n'accepte qu'une réponse,",
        f"jusqu'au {closes:%d/%m/%Y} :",
        link,
        "",
        "Pour ne plus recevoir d'invitation de notre part :",
        unsubscribe,
    ]
    subject = f"Votre avis sur l'accueil {one_line(structure.of_name)}"
    send_mail(
        f"Rappel : {subject}" if reminder else subject,
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )


def send_mailing(
    questionnaire: Questionnaire, content: bytes, filename: str, *, closes_on: dt.date, by
) -> tuple[SurveyMailing | None, list[str], int]:
    """Check the list, then record an invitation for every address that did not
    unsubscribe before, all or none, and queue their sending. Returns the mailing (None
    when refused), the problems and how many addresses were left out because they had
    unsubscribed."""
    if not questionnaire.active:
        return None, ["Ce questionnaire n'est plus ouvert aux réponses."], 0
    if closes_on <= timezone.localdate():
        return None, ["La date de clôture doit être postérieure à aujourd'hui."], 0
    addresses, problems = read_addresses(content, filename)
    if problems:
        return None, problems, 0
    structure_id = questionnaire.structure_id
    opted_out = set(
        SurveyOptOut.objects.filter(structure_id=structure_id).values_list("digest", flat=True)
    )
    kept = [a for a in addresses if digest(structure_id, a) not in opted_out]
    with transaction.atomic():
        mailing = SurveyMailing.objects.create(
            questionnaire=questionnaire,
            created_by=by,
            closes_on=closes_on,
            invited=len(kept),
            status=SurveyMailing.Status.QUEUED,
            heartbeat=timezone.now(),
        )
        SurveyInvitation.objects.bulk_create(
            SurveyInvitation(
                questionnaire=questionnaire,
                mailing=mailing,
                email=address,
                token=secrets.token_urlsafe(12),
            )
            for address in kept
        )
    _queue(mailing, reminder=False)
    return mailing, [], len(addresses) - len(kept)


def send_reminder(mailing: SurveyMailing) -> int:
    """Queue the one reminder, to those who neither answered nor unsubscribed; returns
    how many it will reach."""
    with transaction.atomic():
        mailing = SurveyMailing.objects.select_for_update().get(pk=mailing.pk)
        if mailing.closed_at is not None:
            raise Refused(["l'enquête est close"])
        if mailing.reminded_at is not None:
            raise Refused([f"la relance a déjà été demandée le {mailing.reminded_at:%d/%m/%Y}"])
        if mailing.busy:
            raise Refused(["les invitations sont encore en cours d'envoi"])
        count = _to_remind(mailing).count()
        mailing.reminded_at = timezone.now()
        mailing.status, mailing.heartbeat, mailing.error = "queued", timezone.now(), ""
        mailing.save(update_fields=["reminded_at", "status", "heartbeat", "error"])
    _queue(mailing, reminder=True)
    return count


def resume(mailing: SurveyMailing) -> None:
    """Relaunch a sending whose worker was killed (or that failed): what was not sent yet
    is sent, nothing twice."""
    with transaction.atomic():
        mailing = SurveyMailing.objects.select_for_update().get(pk=mailing.pk)
        if mailing.closed_at is not None:
            raise Refused(["l'enquête est close"])
        if mailing.busy:
            raise Refused(["l'envoi est en cours : il reprendra de lui-même"])
        if mailing.status == SurveyMailing.Status.DONE:
            raise Refused(["tout a été envoyé"])
        mailing.status, mailing.heartbeat, mailing.error = "queued", timezone.now(), ""
        mailing.save(update_fields=["status", "heartbeat", "error"])
    _queue(mailing, reminder=mailing.reminded_at is not None)


def _queue(mailing: SurveyMailing, *, reminder: bool) -> None:
    from barometre.improvement.tasks import deliver_mailing

    deliver_mailing.enqueue(mailing.pk, reminder)


def _to_send(mailing: SurveyMailing):
    return mailing.invitations.filter(sent_at__isnull=True).exclude(email="")


def _to_remind(mailing: SurveyMailing):
    pending = mailing.invitations.filter(
        used_at__isnull=True, unsubscribed_at__isnull=True, reminded_at__isnull=True
    )
    return pending.exclude(email="")


def deliver(mailing_id: int, *, reminder: bool) -> int:
    """Send what remains of a mailing's invitations (or of its reminder), one e-mail at a
    time, each recorded in its own transaction just before it goes out. Returns how many
    were sent by this run."""
    mailing = SurveyMailing.objects.select_related("questionnaire__structure").get(pk=mailing_id)
    if mailing.closed_at is not None:
        SurveyMailing.objects.filter(pk=mailing.pk).update(status="done")
        return 0
    SurveyMailing.objects.filter(pk=mailing.pk).update(status="running", heartbeat=timezone.now())
    mark = "reminded_at" if reminder else "sent_at"
    pending = _to_remind(mailing) if reminder else _to_send(mailing)
    sent = 0
    for invitation in pending.order_by("pk").iterator(chunk_size=200):
        now = timezone.now()
        claimed = SurveyInvitation.objects.filter(
            pk=invitation.pk, **{f"{mark}__isnull": True}
        ).update(**{mark: now, "in_flight": True})
        if not claimed:  # another run sent it meanwhile
            continue
        invitation.mailing = mailing
        try:
            _send(invitation, reminder=reminder)
        except Exception as exc:  # the mail server refused or was unreachable
            SurveyInvitation.objects.filter(pk=invitation.pk).update(
                **{mark: None, "in_flight": False}
            )
            SurveyMailing.objects.filter(pk=mailing.pk).update(
                status="failed",
                error=f"Envoi interrompu après {count_of(sent, 'courriel')} : {exc}"[:2000],
            )
            raise
        sent += 1
        SurveyInvitation.objects.filter(pk=invitation.pk).update(in_flight=False)
        SurveyMailing.objects.filter(pk=mailing.pk).update(heartbeat=now)
    SurveyMailing.objects.filter(pk=mailing.pk).update(status="done", heartbeat=timezone.now())
    return sent


def progress(mailing: SurveyMailing) -> tuple[int, int, int]:
    """(sent, to send, unconfirmed) of the current sending: the invitations, or the
    reminder; unconfirmed, those a killed worker was sending: they may not have left,
    and are not sent again (never twice), which the page says."""
    unconfirmed = 0 if mailing.busy else mailing.invitations.filter(in_flight=True).count()
    if mailing.reminded_at is not None:
        reached = mailing.invitations.filter(reminded_at__isnull=False).count()
        return reached, reached + _to_remind(mailing).count(), unconfirmed
    sent = mailing.invitations.filter(sent_at__isnull=False).count()
    return sent, mailing.invited, unconfirmed


@transaction.atomic
def unsubscribe(invitation: SurveyInvitation) -> None:
    """No reminder for this invitation, and no later invitation to this address."""
    if invitation.unsubscribed_at is None:
        invitation.unsubscribed_at = timezone.now()
        invitation.save(update_fields=["unsubscribed_at"])
    if invitation.email:
        structure_id = invitation.questionnaire.structure_id
        SurveyOptOut.objects.get_or_create(
            structure_id=structure_id, digest=digest(structure_id, invitation.email)
        )


@transaction.atomic
def close(mailing: SurveyMailing) -> int:
    """Close the mailing: its links stop accepting answers and its addresses are deleted.
    Returns the number of addresses deleted."""
    SurveyMailing.objects.filter(pk=mailing.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    return SurveyInvitation.objects.filter(mailing=mailing).exclude(email="").update(email="")


def close_due(today: dt.date | None = None) -> int:
    """Close every mailing whose closing date has passed (daily sweep)."""
    today = today or timezone.localdate()
    due = list(SurveyMailing.objects.filter(closed_at__isnull=True, closes_on__lt=today))
    for mailing in due:
        close(mailing)
    return len(due)


def response_rate(mailing: SurveyMailing) -> Figure:
    """Answers received through the mailing's links out of the invitations sent."""
    answered = mailing.invitations.filter(used_at__isnull=False).count()
    estimate = wilson(answered, mailing.invited)
    return Figure(
        kind="rate",
        value=estimate.value if mailing.invited else None,
        n=mailing.invited,
        n_unit="invitations",
        numerator=answered,
        low=estimate.low if mailing.invited else None,
        high=estimate.high if mailing.invited else None,
        minimum=minimum("rate"),
        label="Taux de réponse",
    )
