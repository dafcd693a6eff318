"""The list of slow tests (tests/conftest.py) names files and tests that exist: a renamed
test would otherwise leave the list and quietly join the fast loop."""

import ast
from pathlib import Path

from tests.conftest import SLOW

ROOT = Path(__file__).resolve().parents[1]


def test_every_slow_entry_names_an_existing_file_or_test():
    missing = []
    for entry in sorted(SLOW):
        path, _, name = entry.partition("::")
        source = ROOT / path
        if not source.is_file():
            missing.append(entry)
            continue
        if name:
            tree = ast.parse(source.read_text())
            names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            if name not in names:
                missing.append(entry)
    assert not missing, f"Entrées de SLOW sans test : {missing}"
