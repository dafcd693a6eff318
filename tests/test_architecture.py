"""The one-way dependency rule of docs/ARCHITECTURE.md, checked on the source."""

import ast
import re
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
# A module or function named by a dotted string ("barometre.app.module.name": a task's or
# an export builder's path, a URL include) is a dependency like an import.
DOTTED = re.compile(r"^barometre(\.[a-z_][a-z0-9_]*)+$")


def imports(path: Path) -> set[str]:
    """What a module uses: its imports, at module level or in a function, and the dotted
    strings that name code (``import_string`` resolves them at run time). Imports made for
    the type checker only (``if TYPE_CHECKING:``) are not dependencies."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and DOTTED.match(str(node.value)):
            found.add(str(node.value))
    return found


def builders() -> set[Path]:
    """The export builders named by views (``builder="…"``): the worker's half of a view,
    so they are top modules too."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            named = isinstance(node, ast.keyword) and node.arg == "builder"
            if named and isinstance(node.value, ast.Constant):
                module = str(node.value.value).rpartition(".")[0]
                found.add(SRC.parent / (module.replace(".", "/") + ".py"))
    return found


def test_apps_import_only_downwards():
    problems = []
    view_builders = builders()
    for app in ORDER:
        allowed = set(ORDER[ORDER.index(app) :])
        for path in (SRC / app).rglob("*.py"):
            if "migrations" in path.parts:  # data, frozen when written
                continue
            top = path.stem in TOP_MODULES or "management" in path.parts or path in view_builders
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
