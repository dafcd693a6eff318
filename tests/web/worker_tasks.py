"""A task for the workers' tests: it writes which task ran in which process."""

import os
import time

from django.tasks import task


@task
def record(n: int, path: str) -> None:
    time.sleep(0.05)  # long enough for both workers to be taking tasks at once
    # One short write in append mode: lines of two processes never mix.
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{n} {os.getpid()}\n")
