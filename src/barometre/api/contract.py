"""What a generated client reads in the OpenAPI document: one named schema per
enumeration, the operation ids, the error schema and the statuses every operation
declares, and no schema that nothing uses (docs/api.md: what may change within v1)."""

from enum import StrEnum

from django.db import models
from ninja import NinjaAPI, Schema


class ContractApi(NinjaAPI):
    """django-ninja with the names a client generator turns into code: an operation's id
    is its function's name (``list_structures``), and only schemas that an operation
    uses are published (ninja also lists the models it flattens into query parameters)."""

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.get("components", {}).get("schemas", {})
        _name_parameter_enums(schema["paths"], components)
        used = _referenced(schema["paths"], components)
        for name in set(components) - used:
            del components[name]
        return schema


def _name_parameter_enums(paths: dict, components: dict) -> None:
    """A required parameter typed by an enumeration (``get_grid``'s ``channel``) refers to
    its named schema instead of a copy, which a generator would turn into a second type."""
    for operations in paths.values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                inline = parameter.get("schema", {})
                name = inline.get("title")
                if "enum" in inline and components.get(name, {}).get("enum") == inline["enum"]:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}


def _referenced(paths: dict, components: dict) -> set[str]:
    """Names of the component schemas reachable from the paths."""
    prefix = "#/components/schemas/"
    seen: set[str] = set()
    pending = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                name = ref.removeprefix(prefix)
                if name not in seen and name in components:
                    seen.add(name)
                    pending.append(components[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def named_enum(name: str, choices: type[models.TextChoices], what: str) -> type[StrEnum]:
    """The values of a model's choices as an enumeration of its own name: Django names
    every ``Status`` alike, and OpenAPI would merge them into one schema."""
    enum = StrEnum(name, {choice.name: choice.value for choice in choices})
    labels = ", ".join(f"`{choice.value}` ({choice.label})" for choice in choices)
    enum.__doc__ = f"{what} : {labels}."
    names = [choice.name for choice in choices]

    def json_schema(cls, core_schema, handler):
        # A generator's names for values that are not identifiers ("1-10"): ours.
        return handler(core_schema) | {"x-enum-varnames": names}

    enum.__get_pydantic_json_schema__ = classmethod(json_schema)
    return enum


class ErrorDetail(Schema):
    field: str
    message: str


class Error(Schema):
    """Every error of the API: a documented ``code``, a French ``message`` and, for
    invalid data, one detail per field."""

    code: str
    message: str
    details: list[ErrorDetail] = []


def errors(*statuses: int, public: bool = False, body: bool = False) -> dict[int, type]:
    """The error statuses an operation may answer, all with the error schema: invalid
    parameters (422) and a server error (500) for every operation, a malformed JSON body
    (400) where there is one, and the access statuses (401, 403, 404) unless public."""
    declared = {422, 500, *statuses}
    if body:
        declared.add(400)
    declared.update({404} if public else {401, 403, 404})
    return dict.fromkeys(sorted(declared), Error)


# docs/api.md, « Unités » : in every output a rate is a share between 0 and 1, unit « part ».
RATE_UNIT = "part"
