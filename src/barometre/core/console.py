"""The command line's progress bar, the same for every import that writes."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def progress_bar(console: Console, total: int, label: str = "Enregistrement") -> Iterator[Callable]:
    """A bar of ``total`` steps (hidden when the output is not a terminal); yields the
    ``progress(done, total)`` callback that the import functions call."""
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("import", total=total)
        yield lambda done, _total=None: bar.update(task, completed=done)
