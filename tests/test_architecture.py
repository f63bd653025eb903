"""The floor plan holds: apps import only downward, no module imports an API module unless it
is itself an entry point, no file-level import cycles, and every function-level import says
why. Read from the source with `ast`, so a new edge fails here before it is a habit.

The layers (bottom first) are the ones docs/architecture.md draws."""

from __future__ import annotations

import ast
import io
import tokenize
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. An app may import its own modules and the apps of lower layers only.
LAYERS: list[set[str]] = [
    {"fraudops.core"},
    {"notifications"},
    {"clocks"},
    {"workflows"},
    {"incidents"},
    {"comments"},
    {"controls", "watchlist", "complaints"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
APPS = set(RANK)

# Modules that are entry points (they wire the web layer) and may import an app's `api`.
ENTRY_POINT_PARTS = {"api", "views.py", "urls.py", "admin.py"}
SKIPPED_PARTS = {"tests", "migrations", ".venv", "node_modules", "var", "static", "templates"}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if ".".join(parts[:2]) in APPS:
        return ".".join(parts[:2])
    return parts[0] if parts[0] in APPS else None


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIPPED_PARTS & set(rel.parts) or rel.name.startswith("test_"):
            continue
        if rel.name == "conftest.py":
            continue
        module = ".".join(rel.with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if app_of(module):
            found[module] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom, path: Path) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def _imports(module: str, path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(imported module, statement, at file level) for every import in a module. Names
    imported from a package count as modules when they are one (`from . import tasks`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    file_level = {id(node) for node in tree.body}
    for node in tree.body:
        # `if TYPE_CHECKING:` blocks are for the type checker only.
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            file_level.add(id(node))
    type_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        top = id(node) in file_level
        if isinstance(node, ast.Import):
            found.extend((alias.name, node, top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node, path)
            found.append((base, node, top))
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    found.append((f"{base}.{alias.name}", node, top))
    return found


IMPORTS = {module: _imports(module, path) for module, path in MODULES.items()}


def test_every_app_is_in_a_layer():
    apps_on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")} | {
        f"fraudops.{p.parent.name}" for p in ROOT.glob("fraudops/*/apps.py")
    }
    assert apps_on_disk == APPS, "add the new app to LAYERS and to docs/architecture.md"


def test_apps_import_only_downward():
    wrong = set()
    for module, imports in IMPORTS.items():
        source = app_of(module)
        for name, node, _top in imports:
            target = app_of(name)
            if target and target != source and RANK[target] >= RANK[source]:
                wrong.add(f"{module}:{node.lineno} imports {name} ({source} -> {target})")
    assert not sorted(wrong)


def _is_api(name: str) -> bool:
    app = app_of(name)
    return bool(app) and name.removeprefix(app).startswith(".api")


def test_domain_modules_do_not_import_the_api_layer():
    wrong = []
    for module, imports in IMPORTS.items():
        if set(MODULES[module].relative_to(ROOT).parts) & ENTRY_POINT_PARTS:
            continue
        wrong += [
            f"{module}:{node.lineno} imports {name}" for name, node, _ in imports if _is_api(name)
        ]
    assert not wrong


def _module_graph() -> dict[str, set[str]]:
    """Module → modules it imports, at file level or inside a function (a cycle hidden behind
    a function-level import is still a cycle); AppConfig.ready's registrations excepted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, imports in IMPORTS.items():
        if MODULES[module].name == "apps.py":
            continue
        for name, _node, _top in imports:
            if name in MODULES and name != module:
                graph[module].add(name)
    return graph


def test_no_import_cycles():
    graph = _module_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(MODULES):
        if v not in index:
            strong(v)
    assert not cycles


def _said_why(lines: list[str], comments: set[int], lineno: int) -> bool:
    """A comment on the import's line or above it; a block of imports shares the comment
    above its first line."""
    if lineno in comments:
        return True
    above = lineno - 1
    while above >= 1 and (
        not lines[above - 1].strip()
        or lines[above - 1].strip().startswith(("from ", "import ", ")"))
    ):
        if above in comments:
            return True
        above -= 1
    return above in comments


def _comment_lines(path: Path) -> set[int]:
    lines = set()
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            lines.add(token.start[0])
    return lines


@pytest.mark.parametrize("module", sorted(MODULES))
def test_function_level_imports_say_why(module):
    path = MODULES[module]
    comments = _comment_lines(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    silent = {
        f"{module}:{node.lineno} ({ast.unparse(node)})"
        for _name, node, top in IMPORTS[module]
        if not top and not _said_why(lines, comments, node.lineno)
    }
    assert not sorted(silent), "say why in a comment on or above the import"
