"""The domain's errors, shared by every app: a refusal with its reasons in French, and a
conflict between two writers. Row-level problems of an input file are the engine's
``InputProblem``."""


class Refused(Exception):
    """A write refused for reasons the user can act on; nothing was written. Each reason is
    a French clause ("l'édition est déjà publiée"); pages capitalise and punctuate them.
    ``field`` names the input the reasons are about (``sent_at``), for a form to show them
    on that field."""

    def __init__(self, reasons: list[str], *, field: str | None = None):
        self.reasons = reasons
        self.field = field
        super().__init__(" ; ".join(reasons))


class Conflict(Exception):
    """Someone else changed the object since the user (or the API client) read it: the
    change is refused, nothing is lost, and the message says what to do."""

    DEFAULT = (
        "Ces données ont été modifiées par quelqu'un d'autre depuis que vous les avez "
        "ouvertes. Vos saisies sont conservées ci-dessous : relisez la version à jour "
        "puis validez à nouveau."
    )

    def __init__(self, message: str = ""):
        super().__init__(message or self.DEFAULT)
