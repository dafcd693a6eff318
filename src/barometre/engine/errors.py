"""The engine's own exception and the shape of row-level input problems."""

from dataclasses import dataclass


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
    """One problem in an input table: its row (spreadsheet numbering), column, value, reason."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"Ligne {self.row}, colonne « {self.column} »" if self.row else self.column
        shown = f" (valeur « {self.value} »)" if self.value else ""
        return f"{where}{shown} : {self.message}"


class InputRejected(EngineError):
    """The input table has problems; nothing was computed."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problème(s) dans les réponses : aucun calcul fait.")
