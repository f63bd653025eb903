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


@functools.lru_cache(maxsize=8)
def _read(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> tuple[dict[str, Any], ...]:
    # `stamp` (names, sizes, modification times) is only the cache key: an edited file is
    # read again.
    problems: list[Problem] = []
    specs: list[tuple[str, dict[str, Any]]] = []
    for name, _size, _mtime in stamp:
        path = Path(directory) / name
        where = _display(path)
        try:
            # A safe loader (CSafeLoader or SafeLoader): no arbitrary objects.
            spec = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as exc:
            problems.append(Problem(where, "", f"not valid YAML: {exc}"))
            continue
        if not isinstance(spec, dict):
            problems.append(Problem(where, "", "must hold one incident type (a mapping)"))
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
