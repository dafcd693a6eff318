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


# Module cycles left to break (docs/ARCHITECTURE.md): this list may only shrink.
KNOWN_CYCLES = [
    {"barometre.campaigns.lifecycle", "barometre.campaigns.workflow"},
    {"barometre.improvement.mailings", "barometre.improvement.tasks"},
    {
        "barometre.structures.annuaire",
        "barometre.structures.importing",
        "barometre.structures.tasks",
    },
]


def _module_graph() -> dict[str, set[str]]:
    """Module → the modules it uses (imports anywhere and dotted strings), settings and
    migrations aside (configuration and frozen data)."""
    modules = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or "settings" in path.parts or path.stem == "wsgi":
            continue
        name = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph = {}
    for name, path in modules.items():
        used = set()
        for dotted in imports(path):
            used.add(resolve(dotted))
        graph[name] = {m for m in used if m and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_new_module_cycle():
    """Two modules that need each other (often hidden by an import inside a function) are
    one module split in two: no new cycle, and the known ones only shrink."""
    cycles = _cycles(_module_graph())
    new = [sorted(c) for c in cycles if not any(c <= known for known in KNOWN_CYCLES)]
    assert not new, f"Cycles de modules : {new}"
    gone = [sorted(k) for k in KNOWN_CYCLES if not any(c & k for c in cycles)]
    assert not gone, f"Cycles disparus : retirez-les de KNOWN_CYCLES : {gone}"
