"""The whole demo in one call, step by step with its timings: the registry and one login
per role, forty auditors, the national editions N-1 and N (published, with palmarès), the
demo préfecture's Services Publics+ history and an edition in fieldwork for two weeks,
with audits to validate.

Deterministic and idempotent: a second run finds everything in place and changes nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.models import AuditTask, Edition
from barometre.demo.data import STRUCTURES, USERS, load_demo_data
from barometre.demo.fieldwork import load_auditors, load_demo_fieldwork, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.demo.national import national_edition, structure_quality
from barometre.structures.models import Structure

DEMO_STRUCTURE = "Préfecture du Loiret"


@dataclass
class DemoSummary:
    logins: list[tuple[str, str]]
    structures: int = 0
    auditors: int = 0
    editions: list[Edition] = field(default_factory=list)
    audits: int = 0
    fieldwork: Edition | None = None
    reviewed_year: int | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)


def build_demo(say: Callable[[str], None] = lambda text: None) -> DemoSummary:
    def step(label, function, *args, **kwargs):
        say(f"{label}…")
        start = time.perf_counter()
        value = function(*args, **kwargs)
        summary.timings.append((label, time.perf_counter() - start))
        say(f"  fait en {summary.timings[-1][1]:.1f} s")
        return value

    summary = DemoSummary(logins=[])
    summary.logins = step("Annuaire des structures et comptes", load_demo_data)
    summary.structures = Structure.objects.count()
    operator = User.objects.get(username="operateur")
    load_scenarios()
    summary.auditors = step("Enquêteurs", load_auditors)
    # The latest edition published: this year's once its results are out (mid-October).
    today = timezone.localdate()
    latest = today.year if today >= dt.date(today.year, 10, 15) else today.year - 1
    national = list(Structure.objects.order_by("pk"))
    quality = structure_quality(national, seed=2025)
    for year, shift in ((latest - 1, -0.04), (latest, 0.0)):
        edition = Edition.objects.filter(
            year=year, owner__isnull=True, name__startswith="Baromètre de l'expérience"
        ).first()
        if edition is None:
            result_set = step(
                f"Édition nationale {year} : inscription, planning, terrain, calcul, palmarès",
                national_edition,
                year,
                national,
                quality,
                by=operator,
                shift=shift,
                published_on=dt.date(year, 10, 15),
            )
            edition = result_set.edition
        summary.editions.append(edition)
        summary.audits += edition.tasks.filter(status=AuditTask.Status.VALIDATED).count()
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    manager = User.objects.get(username=next(u for u, *_, s in USERS if s == DEMO_STRUCTURE))
    summary.reviewed_year = step(
        "Services Publics+ : trois ans d'historique de la préfecture",
        load_improvement_history,
        prefecture,
        manager,
    )
    hand_written = Structure.objects.filter(name__in=[row[0] for row in STRUCTURES])
    summary.fieldwork = step(
        "Édition en phase terrain depuis deux semaines",
        load_demo_fieldwork,
        operator,
        list(hand_written),
        year=latest + 1,
        weeks_done=2,
    )
    return summary
