"""What the API takes from a request: identifiers, text without NUL characters,
pagination bounds, and the 422 answer of checks made in an operation."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Field, Path, Schema, Status
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def invalid(message: str, details: list[tuple[str, str]]) -> Status:
    """A 422 in the API's error format, for checks made in the operation itself."""
    return Status(
        422,
        {
            "code": "validation_error",
            "message": message,
            "details": [{"field": f, "message": m} for f, m in details],
        },
    )


def _no_null_character(value: str) -> str:
    # PostgreSQL cannot store NUL in text: refused here, as the web forms refuse it.
    if "\x00" in value:
        raise PydanticCustomError("null_character", "caractère nul (\\x00) interdit")
    return value


# Every text taken from a request: path, query or body.
NoNull = AfterValidator(_no_null_character)


# Identifiers: positive 32-bit integers (a larger one overflows SQLite; found by schemathesis).
MAX_ID = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_OFFSET = 1_000_000  # beyond, SQLite overflows its integers (found by schemathesis)


class Pagination(LimitOffsetPagination):
    """limit 1–100 and offset 0–1,000,000, both declared in the schema."""

    class Input(Schema):
        limit: Annotated[int, Field(ge=1, le=100)] = 50
        offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


def require_write(request) -> None:
    """A write through the API needs a token with the write scope (or the session)."""
    from barometre.api.models import ApiToken

    if isinstance(request.auth, ApiToken) and not request.auth.can_write:
        raise PermissionDenied("Ce jeton n'a que le droit de lecture.")
