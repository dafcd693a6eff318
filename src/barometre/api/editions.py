"""Editions of the barometer and their enrolments through the API."""

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from barometre.api.contract import errors, named_enum
from barometre.api.inputs import Id, Pagination
from barometre.campaigns.access import runnable_editions
from barometre.campaigns.models import Edition, Enrolment
from barometre.structures.models import Channel

EditionPhase = named_enum("EditionPhase", Edition.Status, "Phase d'une édition")
AuditChannel = named_enum("AuditChannel", Channel, "Canal d'audit")
EnrolmentStatus = named_enum("EnrolmentStatus", Enrolment.Status, "État d'une inscription")


class EditionOut(Schema):
    id: int
    year: int
    name: str
    status: EditionPhase
    grid: str
    enrolment_opens: dt.date
    enrolment_closes: dt.date
    fieldwork_starts: dt.date
    fieldwork_ends: dt.date
    internal: bool

    @staticmethod
    def resolve_grid(obj) -> str:
        return str(obj.grid)


class EnrolmentOut(Schema):
    structure_id: int
    structure: str
    status: EnrolmentStatus
    category: str
    channels: list[AuditChannel]
    publish_results: bool

    @staticmethod
    def resolve_structure(obj) -> str:
        return obj.structure.name


editions_router = Router(tags=["editions"])


@editions_router.get("", response={200: list[EditionOut], **errors()})
@paginate(Pagination)
def list_editions(request, year: Annotated[int | None, Field(ge=2000, le=2100)] = None):
    editions = runnable_editions(request.user).select_related("grid").order_by("-year", "pk")
    return editions.filter(year=year) if year else editions


def _edition(request, edition_id: Id) -> Edition:
    found = runnable_editions(request.user).select_related("grid").filter(pk=edition_id).first()
    if found is None:
        raise Http404("Édition introuvable.")
    return found


@editions_router.get("/{int:edition_id}", response={200: EditionOut, **errors()})
def get_edition(request, edition_id: Id):
    return _edition(request, edition_id)


@editions_router.get("/{int:edition_id}/enrolments", response={200: list[EnrolmentOut], **errors()})
@paginate(Pagination)
def list_enrolments(request, edition_id: Id):
    return _edition(request, edition_id).enrolments.select_related("structure").order_by("pk")
