"""Untrusted files parsed in a child process, never in the web or task-worker process.

A native parser (calamine, in Rust) that meets a file nobody foresaw can abort its whole
process: a failed allocation is not an exception. The measure of engine/extent.py refuses
the files we know of; this is the second wall, for the ones we do not. The parser runs in
a fresh interpreter (``subprocess``, not ``fork``: nothing of the parent's memory,
threads or connections) which limits its own address space and CPU time with
``resource.setrlimit`` before reading, under a wall-clock timeout. When it dies, the
import of that one file fails with a French message; the parent goes on.

The parent reads back only JSON, never a pickle: a child that a hostile file took over
could not make the parent run anything.
"""

import datetime as dt
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from barometre.engine.errors import TableError

log = logging.getLogger(__name__)

_WORKBOOK_CHILD = Path(__file__).with_name("workbook_child.py")


@dataclass(frozen=True)
class ChildLimits:
    """What one child may use (settings BAROMETRE_PARSER_*, docs/configuration.md)."""

    memory_mb: int = 1024
    cpu_seconds: int = 60
    timeout_seconds: int = 120


_limits = ChildLimits()


def configure(limits: ChildLimits) -> None:
    """Set the limits of every child from now on (the platform passes its settings)."""
    global _limits
    _limits = limits


def current_limits() -> ChildLimits:
    return _limits


class ChildFailed(Exception):
    """The child died, was killed or did not answer: the file was not read."""


# Run first in the child: the limits are set before the script is even read, whatever it
# is. Past RLIMIT_CPU the kernel sends SIGXCPU, and SIGKILL one second later.
_BOOTSTRAP = """
import resource, runpy, sys
memory, cpu, script = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for kind, soft, hard in ((resource.RLIMIT_AS, memory, memory), (resource.RLIMIT_CPU, cpu, cpu + 1)):
    ceiling = resource.getrlimit(kind)[1]
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))
sys.argv = [script]
runpy.run_path(script, run_name="__main__")
"""


def run_child(script: Path, payload: bytes, *, limits: ChildLimits | None = None) -> bytes:
    """Run the Python file ``script`` in a fresh interpreter under ``limits`` (those of the
    settings by default), with ``payload`` on its standard input; its standard output, or
    ChildFailed with the reason (for the log)."""
    limits = limits or _limits
    command = [
        sys.executable,
        "-I",  # no user site, no PYTHON* variables, no current directory on the path
        "-c",
        _BOOTSTRAP,
        str(limits.memory_mb * 1024 * 1024),
        str(limits.cpu_seconds),
        str(script),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, the file only on stdin
            command, input=payload, capture_output=True, timeout=limits.timeout_seconds
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise ChildFailed(f"no answer within {limits.timeout_seconds} s") from None
    except OSError as exc:
        raise ChildFailed(f"could not start: {exc}") from None
    if done.returncode != 0:
        reason = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChildFailed(f"{reason}{': ' + lines[0] if lines else ''}")
    return done.stdout


def _decode(value: dict[str, object]) -> object:
    """A tagged date or time of workbook_child.py back to its type; other objects as is."""
    if "$" not in value:
        return value
    tag, raw = value["$"], value.get("v")
    if tag == "timedelta" and isinstance(raw, int | float):
        return dt.timedelta(seconds=raw)
    if isinstance(raw, str):
        if tag == "datetime":
            return dt.datetime.fromisoformat(raw)
        if tag == "date":
            return dt.date.fromisoformat(raw)
        if tag == "time":
            return dt.time.fromisoformat(raw)
    raise ValueError(f"unknown tag {tag!r} or value {raw!r}")


def unsafe_file(filename: str) -> TableError:
    named = f"Le fichier « {filename} »" if filename else "Le fichier"
    return TableError(
        f"{named} n'a pas pu être lu sans danger : sa lecture a dépassé les limites de "
        "mémoire ou de temps d'un import, ou s'est interrompue. Rien n'a été lu ni "
        "enregistré. Ouvrez-le dans votre tableur, enregistrez-le de nouveau au format "
        "XLSX ou CSV, ou découpez-le."
    )


def read_workbook_rows(content: bytes, filename: str = "") -> list[list[object]] | None:
    """The rows of the first sheet of a workbook, read by calamine in a child; None when
    the workbook has no sheet. TableError (French) when the child fails or refuses."""
    try:
        output = run_child(_WORKBOOK_CHILD, content)
        answer = json.loads(output, object_hook=_decode)
    except ChildFailed as exc:
        log.warning("workbook %r not read in its child process: %s", filename, exc)
        raise unsafe_file(filename) from None
    except ValueError:  # not the JSON the child writes
        log.warning("workbook %r: its child process answered something unreadable", filename)
        raise unsafe_file(filename) from None
    if "error" in answer:
        raise TableError("Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide).")
    rows: list[list[object]] | None = answer["rows"]
    return rows
