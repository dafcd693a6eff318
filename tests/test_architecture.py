"""The one-way dependency rule of docs/ARCHITECTURE.md, checked on the source."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "barometre"
# Left depends on right: an app may import itself and the apps after it in this list.
ORDER = [
    "demo",
    "api",
    "web",
    "improvement",
    "results",
    "campaigns",
    "accounts",
    "structures",
    "core",
    "engine",
]
TOP_MODULES = {"views", "urls", "admin"}  # may also use accounts.access


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_apps_import_only_downwards():
    problems = []
    for app in ORDER:
        allowed = set(ORDER[ORDER.index(app) :])
        for path in (SRC / app).rglob("*.py"):
            top = path.stem in TOP_MODULES or "management" in path.parts
            for module in imports(path):
                parts = module.split(".")
                if parts[0] != "barometre" or len(parts) < 2 or parts[1] not in ORDER:
                    continue
                target = parts[1]
                if target in allowed or (top and module == "barometre.accounts.access"):
                    continue
                problems.append(f"{path.relative_to(SRC)} → {module}")
    assert not problems, "Dépendances à rebours :\n" + "\n".join(problems)


def test_the_engine_does_not_depend_on_django():
    for path in (SRC / "engine").rglob("*.py"):
        assert not any(m == "django" or m.startswith("django.") for m in imports(path)), path
