"""Where things live in controls: every row lock in lock_objects.py, no domain module
importing the API layer, no import inside a function except AppConfig.ready's
registrations."""

from __future__ import annotations

import ast
import pathlib

import controls

ROOT = pathlib.Path(controls.__file__).parent


def _modules(*, tests: bool = False):
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] == "migrations" or (parts[0] == "tests" and not tests):
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_every_row_lock_is_taken_in_lock_objects():
    lockers = {
        str(path.relative_to(ROOT))
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update"
    }
    assert lockers == {"lock_objects.py"}


def test_no_domain_module_imports_the_api_layer():
    offenders = []
    for path, tree in _modules():
        if path.relative_to(ROOT).parts[0] == "api":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                if module.startswith(("controls.api", ".api", "..api")):
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_imports_inside_functions_only_in_app_config_ready():
    found = []
    for path, tree in _modules(tests=True):
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(ROOT)}:{function.name}")
    assert set(found) == {"apps.py:ready"}
