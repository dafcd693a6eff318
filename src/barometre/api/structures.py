"""The registry of structures through the API: list and detail, within the caller's scope."""

from typing import Annotated

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from barometre.accounts.access import require_registry_access, visible_structures
from barometre.api.contract import errors, named_enum
from barometre.api.inputs import Id, NoNull, Pagination
from barometre.structures import models as structure_models

StructureKind = named_enum("StructureKind", structure_models.StructureKind, "Type de structure")


class Structure(Schema):
    id: int
    identifier: str
    name: str
    kind: StructureKind
    department: str
    city: str
    population: int | None


class StructureFilter(Schema):
    q: Annotated[str, Field(max_length=100), NoNull] = ""
    kind: StructureKind | None = None
    department: Annotated[str, Field(max_length=3), NoNull] = ""


structures_router = Router(tags=["structures"])


@structures_router.get(
    "",
    response={200: list[Structure], **errors()},
    summary="Lister les structures",
    description=(
        "Les structures du registre que vous voyez (opérateurs : toutes ; "
        "responsables qualité, agents et membres de comité : les leurs), filtrées par "
        "texte (`q`, sur le nom ou l'identifiant), type et département, par pages."
    ),
)
@paginate(Pagination)
def list_structures(request, filters: Query[StructureFilter]):
    require_registry_access(request.user)
    items = visible_structures(request.user).search(filters.q).order_by("name", "pk")
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.department:
        items = items.filter(department=filters.department)
    return items


@structures_router.get(
    "/{int:structure_id}",
    response={200: Structure, **errors()},
    summary="Lire une structure",
    description=("Une structure du registre, si elle est dans votre périmètre (404 sinon)."),
)
def get_structure(request, structure_id: Id):
    require_registry_access(request.user)
    found = visible_structures(request.user).filter(pk=structure_id).first()
    if found is None:
        raise Http404("Structure introuvable.")
    return found
