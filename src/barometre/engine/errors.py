"""The engine's own exception and the shape of row-level input problems."""

from dataclasses import dataclass

from barometre.engine.french import plural


class EngineError(Exception):
    """Raised for invalid grids or inputs. ``path`` names the grid path or input location
    (e.g. ``criteria[3].scoring.steps``), ``line`` the YAML line when known."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path + (f" (ligne {line})" if line else "")
        if not where or message.startswith(path):
            super().__init__(message)
        else:
            super().__init__(f"{where} : {message}")


class TableError(Exception):
    """A file as a whole cannot be read as a table (French message for its sender)."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input table: its row (spreadsheet numbering) and column when it
    has them, the value, and the reason; every importer reports its problems with it."""

    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        prefix = prefix[:1].upper() + prefix[1:]
        shown = f" (valeur « {self.value} »)" if self.value else ""
        return f"{prefix}{shown} : {self.message}" if prefix else self.message


class InputRejected(EngineError):
    """The input table has problems; nothing was computed."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        s = plural(len(problems))
        super().__init__(f"{len(problems)} problème{s} dans les réponses : aucun calcul fait.")
