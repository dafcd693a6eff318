"""Who calls in a structure's internal campaign: people the structure names for that
campaign, never the barometer's national auditors.

A caller is one of the structure's own agents or managers (or of a service attached to
it), or a person invited for that campaign, whose account is created with it. The
assignment (``CampaignCaller``) is scoped to the campaign: it opens that campaign's tasks
given to the caller, and nothing else."""

import secrets
import unicodedata

from django.db import transaction
from django.db.models import Q

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns.lifecycle import OPEN_FOR_ENROLMENT, _require_runner
from barometre.campaigns.models import AuditTask, CampaignCaller, Edition
from barometre.core.errors import Refused
from barometre.core.figures import plural

# While these stand, a caller's audits can still go to someone else.
_NOT_STARTED = (AuditTask.Status.PLANNED, AuditTask.Status.ASSIGNED)
COLLEAGUE_ROLES = (Role.MANAGER, Role.AGENT)


def _check_open(edition: Edition) -> None:
    if not edition.internal:
        raise Refused(["seule une campagne interne se confie à des appelants"])
    if edition.status not in (*OPEN_FOR_ENROLMENT, Edition.Status.FIELDWORK):
        raise Refused(
            [
                f"la campagne est en phase « {edition.get_status_display()} » : "
                "ses appelants ne changent plus"
            ]
        )


def colleagues(edition: Edition):
    """The agents and managers of the campaign's structure and of its attached services,
    and the people it invited for its earlier campaigns, not yet named for this one:
    those a manager may name."""
    structures = Q(structure_id=edition.owner_id) | Q(structure__parent_id=edition.owner_id)
    members = Membership.objects.filter(structures, role__in=COLLEAGUE_ROLES)
    invited = CampaignCaller.objects.filter(edition__owner_id=edition.owner_id, invited=True)
    return (
        User.objects.filter(
            Q(pk__in=members.values("user_id")) | Q(pk__in=invited.values("user_id")),
            is_active=True,
        )
        .exclude(campaign_calls__edition=edition)
        .order_by("last_name", "first_name", "username")
    )


def _refusal(edition: Edition, user: User) -> str:
    """Why this person may not call for the campaign (empty when they may)."""
    roles = set(user.memberships.values_list("role", "structure_id"))
    if any(role in (Role.OPERATOR, Role.AUDITOR) for role, _ in roles):
        return (
            f"{user} est enquêteur ou opérateur du baromètre national : une campagne "
            "interne est menée par les personnes de la structure"
        )
    if not colleagues(edition).filter(pk=user.pk).exists():
        return f"{user} n'est ni agent ni responsable qualité de la structure, ni invité par elle"
    return ""


@transaction.atomic
def name_caller(edition: Edition, user: User, *, by, weekly_capacity: int = 10) -> CampaignCaller:
    """Name one of the structure's agents or managers to call in this campaign."""
    _require_runner(edition, by)
    _check_open(edition)
    if CampaignCaller.objects.filter(edition=edition, user=user).exists():
        raise Refused([f"{user} est déjà appelant de cette campagne"])
    if reason := _refusal(edition, user):
        raise Refused([reason])
    return CampaignCaller.objects.create(
        edition=edition, user=user, weekly_capacity=weekly_capacity, added_by=by
    )


def _username(first_name: str, last_name: str) -> str:
    plain = unicodedata.normalize("NFKD", f"{first_name}.{last_name}".lower())
    base = "".join(c for c in plain if c.isalnum() or c in ".-")[:40].strip(".-") or "appelant"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def invite_caller(
    edition: Edition, *, first_name: str, last_name: str, email: str, by, weekly_capacity=10
) -> tuple[CampaignCaller, str]:
    """Create an account for a person who calls for this campaign only, and name them.
    Returns the assignment and the account's first password, shown once to the manager
    who hands it over (the person changes it in the administration or logs in through
    the identity provider)."""
    _require_runner(edition, by)
    _check_open(edition)
    first_name, last_name, email = first_name.strip(), last_name.strip(), email.strip()
    if not first_name or not last_name:
        raise Refused(["indiquez le prénom et le nom de la personne invitée"])
    if email and User.objects.filter(email__iexact=email).exists():
        raise Refused(
            [
                f"un compte existe déjà avec l'adresse {email} : s'il s'agit d'un agent de la "
                "structure, nommez-le parmi les agents"
            ]
        )
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=_username(first_name, last_name),
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    caller = CampaignCaller.objects.create(
        edition=edition, user=user, weekly_capacity=weekly_capacity, invited=True, added_by=by
    )
    return caller, password


@transaction.atomic
def remove_caller(caller: CampaignCaller, *, by) -> int:
    """Take a caller off the campaign; their audits not started go back to planning
    (without caller). Refused once they have started one. Returns the audits released."""
    edition = caller.edition
    _require_runner(edition, by)
    _check_open(edition)
    tasks = AuditTask.objects.filter(edition=edition, auditor_id=caller.user_id)
    started = tasks.exclude(status__in=_NOT_STARTED).count()
    if started:
        raise Refused(
            [
                f"{caller.user} a déjà commencé ou rendu {started} appel{plural(started)} de "
                "la campagne : cette personne reste appelante"
            ]
        )
    released = tasks.update(
        auditor=None,
        status=AuditTask.Status.PLANNED,
        planning_problem="appelant retiré de la campagne",
    )
    caller.delete()
    return released
