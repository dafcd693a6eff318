"""The database out of reach: one rule for telling a lost connection from any other
database error, and one line in the log when it goes and one when it comes back, per
process (a web server or a worker answering hundreds of requests during an outage logs
two lines, not a traceback each)."""

import logging
import threading

from django.db import InterfaceError, OperationalError

logger = logging.getLogger("barometre.outage")
RETRY_AFTER_SECONDS = 30
_lock = threading.Lock()
_down = False


def is_unreachable(exc: BaseException | None) -> bool:
    """A connection-level failure: refused or lost connection, server shutting down or
    restarting, connection closed under us. Not a constraint, a lock timeout or a
    cancelled statement: those are the request's own problem."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        # Class 08: connection exception; 57P: shutdown, crash, cannot connect now.
        return sqlstate.startswith(("08", "57P"))
    if type(cause).__module__.startswith("sqlite3"):
        return "unable to open database" in str(cause)
    return True  # psycopg's connection failures carry no SQLSTATE


def is_down() -> bool:
    return _down


def went_down(exc: BaseException, where: str) -> None:
    """Log once that the database is out of reach (later calls are silent)."""
    global _down
    with _lock:
        if _down:
            return
        _down = True
    logger.error(
        "Base de données injoignable (%s) : %s. Réponses 503 jusqu'à son retour.",
        where,
        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
    )


def came_back(where: str) -> None:
    """Log once that the database answers again."""
    global _down
    with _lock:
        if not _down:
            return
        _down = False
    logger.warning("Base de données de nouveau joignable (%s).", where)
