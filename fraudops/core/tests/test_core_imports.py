"""`fraudops.core` is the bottom of the app graph: none of its modules imports an app above it,
and its only function-level imports are the heavy optional libraries (with a comment), besides
AppConfig.ready(), where Django has receivers connected."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent
APPS_ABOVE = ("notifications", "clocks", "workflows", "incidents", "controls", "watchlist")
LAZY_ALLOWED = {"opencc", "pypinyin", "tldextract", "redis"}


def _modules():
    for path in sorted(CORE.rglob("*.py")):
        if "tests" in path.relative_to(CORE).parts:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def test_core_imports_no_app_above_it():
    upward = [
        f"{path.relative_to(CORE)}: {name}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        for name in _imported(node)
        if name.split(".")[0] in APPS_ABOVE
    ]
    assert upward == []


def test_core_function_level_imports_are_only_heavy_optional_libraries():
    lazy = []
    for path, tree in _modules():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and func.name == "ready":
                continue  # Django's place for connecting signal receivers once models load
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = _imported(node) or [f".{node.module}"]
                    lazy += [
                        f"{path.relative_to(CORE)}: {name}"
                        for name in names
                        if name.split(".")[0] not in LAZY_ALLOWED
                    ]
    assert lazy == []
