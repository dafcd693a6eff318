"""Errors shared by the domain apps."""


class Conflict(Exception):
    """Someone else changed the object since the user (or the API client) read it: the
    change is refused, nothing is lost, and the message says what to do."""

    DEFAULT = ("Ces données ont été modifiées par quelqu'un d'autre depuis que vous les avez "
               "ouvertes. Vos saisies sont conservées ci-dessous : relisez la version à jour "
               "puis validez à nouveau.")  # fmt: skip

    def __init__(self, message: str = ""):
        super().__init__(message or self.DEFAULT)
