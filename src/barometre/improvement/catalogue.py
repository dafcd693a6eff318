"""The Services Publics+ indicator catalogue (``engine.sp_indicator_catalogue``, the quality
dashboard a préfecture presents to its users' committee) adopted by a structure: each chosen
indicator becomes one of its own, with the catalogue's code, engagement, unit, direction,
source and default target, which the structure may then change like any other indicator."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from barometre.engine import CatalogueIndicator, sp_indicator_catalogue
from barometre.improvement.models import Indicator, IndicatorTarget
from barometre.structures.models import Structure


def catalogue_rows(structure: Structure) -> list[tuple[CatalogueIndicator, bool]]:
    """Every catalogue indicator and whether the structure already tracks its code."""
    tracked = set(Indicator.objects.filter(structure=structure).values_list("code", flat=True))
    return [(item, item.code in tracked) for item in sp_indicator_catalogue().indicators]


@transaction.atomic
def adopt(structure: Structure, codes: list[str], *, year: int) -> list[Indicator]:
    """Add the catalogue indicators ``codes`` to the structure's dashboard, with their
    default target for ``year``; codes it already tracks or the catalogue does not know
    are left alone. Returns the indicators created, in catalogue order."""
    catalogue = sp_indicator_catalogue()
    tracked = set(Indicator.objects.filter(structure=structure).values_list("code", flat=True))
    wanted = set(codes)
    position = Indicator.objects.filter(structure=structure).aggregate(m=Max("position"))["m"]
    position = position or 0
    created = []
    for item in catalogue.indicators:
        if item.code not in wanted or item.code in tracked:
            continue
        position += 1
        indicator = Indicator.objects.create(
            structure=structure,
            code=item.code,
            label=item.label,
            theme=item.theme,
            section=item.section,
            engagement=item.engagement,
            unit=item.unit,
            direction=item.direction,
            source=item.source,
            parameter=item.parameter,
            periodicity=item.periodicity,
            position=position,
        )
        if item.target is not None:
            IndicatorTarget.objects.create(indicator=indicator, year=year, value=item.target)
        created.append(indicator)
    return created
