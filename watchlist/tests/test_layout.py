"""The watch list's floor plan holds: its modules import each other one way only (no
file-level cycle), function-level imports are the AppConfig.ready registrations alone, and
production code never imports the test helpers."""

from __future__ import annotations

import ast
from pathlib import Path

import watchlist

ROOT = Path(watchlist.__file__).parent
# Function-level imports allowed, each with its reason in a comment beside it.
FUNCTION_LEVEL_ALLOWED = {"watchlist.apps"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "migrations" in parts or "tests" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _target(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _file_level_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        deps: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                target = _target(module, path, node)
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    deps.add(full if full in modules else target)
            elif isinstance(node, ast.Import):
                deps |= {alias.name for alias in node.names}
        graph[module] = {d for d in deps if d in modules and d != module}
    return graph


def test_watchlist_modules_import_each_other_one_way_only():
    graph = _file_level_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append([*trail[trail.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
    # The known former cycles stay broken.
    assert "watchlist.tasks" not in graph["watchlist.csvio"]
    assert "watchlist.screening" not in graph["watchlist.selectors"]


def test_function_level_imports_only_where_a_comment_says_why():
    offenders = []
    for module, path in _modules().items():
        if module in FUNCTION_LEVEL_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                    continue
                offenders.append(f"{module}:{node.lineno}")
    assert offenders == []


def test_production_modules_never_import_the_test_helpers():
    for module, path in _modules().items():
        assert "watchlist.tests" not in path.read_text(encoding="utf-8"), module
