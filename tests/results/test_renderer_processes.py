"""The PDF renderers of a report batch end when the process that owns them dies, even by
``kill -9``, and obey SIGTERM although the worker they were forked from waits on it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import os, signal, sys, time
import django
django.setup()
from barometre.results.pdf import renderer_pool

# As in the task worker: SIGTERM waits for the task in hand.
signal.signal(signal.SIGTERM, lambda *args: None)
pool = renderer_pool(2)
futures = [pool.submit(time.sleep, 60) for _ in range(2)]
time.sleep(0.5)
print(" ".join(str(pid) for pid in pool._processes), flush=True)
time.sleep(60)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in state  # dead, waiting to be reaped


def _all_gone(pids, seconds=5.0) -> bool:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if all(_gone(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_renderers_obey_sigterm_and_end_with_their_killed_parent():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "barometre.settings.test"}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True
    )
    pids = []
    try:
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        first, second = pids
        os.kill(first, signal.SIGTERM)
        assert _all_gone([first]), "a renderer ignored SIGTERM"
        parent.kill()  # kill -9 of the worker
        parent.wait(5)
        assert _all_gone([second]), "a renderer outlived its parent"
    finally:
        parent.kill()
        for pid in pids:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
