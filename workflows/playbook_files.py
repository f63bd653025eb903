"""Reading the playbook files: one YAML file per incident type under `workflows/playbooks/`.

The files are the bank's default playbooks (format: `workflows/playbooks/README.md`);
`manage.py playbooks_load` puts them into the database (`services.playbooks_load`).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from .playbook_schema import Problem, incident_types_problems

PLAYBOOK_DIR = Path(__file__).resolve().parent / "playbooks"

# The C parser when PyYAML was built with libyaml (the wheels are): the files are parsed
# for every test's demo bank.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlaybookFileError(ValueError):
    """The playbook files cannot be loaded: every problem names its file, step and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the playbook files:\n{lines}")


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def playbook_yaml_parse(text: str, *, where: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One playbook as YAML text (a file's, or one head office typed): the mapping it holds,
    or the problem (with YAML's own line and column) when it holds none. A safe loader
    (CSafeLoader or SafeLoader): no arbitrary objects."""
    try:
        spec = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return None, [Problem(where, "", _("not valid YAML: %(error)s") % {"error": exc})]
    if not isinstance(spec, dict):
        return None, [Problem(where, "", _("must hold one incident type (a mapping)"))]
    return spec, []


@functools.lru_cache(maxsize=8)
def _read(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> tuple[dict[str, Any], ...]:
    # `stamp` (names, sizes, modification times) is only the cache key: an edited file is
    # read again.
    problems: list[Problem] = []
    specs: list[tuple[str, dict[str, Any]]] = []
    for name, _size, _mtime in stamp:
        path = Path(directory) / name
        where = _display(path)
        spec, found = playbook_yaml_parse(path.read_text(encoding="utf-8"), where=where)
        if spec is None:
            problems += found
            continue
        if spec.get("code") != path.stem:
            problems.append(
                Problem(
                    where, "code", f"{spec.get('code')!r} must be the file's name, {path.stem!r}"
                )
            )
        specs.append((where, spec))
    problems += incident_types_problems(specs)
    if problems:
        raise PlaybookFileError(problems)
    return tuple(spec for _where, spec in sorted(specs, key=lambda item: item[1]["ordering"]))


def playbook_files_read(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every incident type in `directory` (default: the shipped files), validated, in order.

    Raises PlaybookFileError listing every problem (file, step, field) when any file is
    unsound; nothing is returned from a half-valid set.
    """
    directory = Path(directory or PLAYBOOK_DIR).resolve()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise PlaybookFileError([Problem(_display(directory), "", "holds no *.yaml files")])
    stamp = tuple((path.name, *_file_stamp(path)) for path in paths)
    return copy.deepcopy(list(_read(str(directory), stamp)))


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def shipped_type_codes() -> set[str]:
    """The codes of the types the project ships as files (the others the bank added)."""
    return {path.stem for path in PLAYBOOK_DIR.glob("*.yaml")}
