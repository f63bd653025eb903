"""The one schema of a playbook: what an incident-type file holds and what a step may say.

Built on the real choices (`Level`, `Role` and `ROLE_LEVEL`, `IncidentGroup`,
`DeadlineFrom`, `EvidenceType`), so a new role or evidence type is declared once, in its
`choices.py`. The same checks run on the files under `workflows/playbooks/` (when they are
loaded) and on head office's edits of steps in the admin (the step form and formset call
`step_problems` and `playbook_problems`), and inside the step services.

Every problem names where it is (file, step), the field at fault and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fraudops.core.choices import LEVEL_ORDER, ROLE_LEVEL, Level

from .choices import DeadlineFrom, EvidenceType, IncidentGroup, StepCondition

# The keys of an incident type in its file, in the order the files write them.
TYPE_KEYS: tuple[str, ...] = (
    "code",
    "ordering",
    "group",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "steps",
)
# The keys of a step: the one list. The loader copies exactly these onto PlaybookStep (the
# step's `order` is its position within its level in the file); the admin shows them.
STEP_KEYS: tuple[str, ...] = (
    "level",
    "code",
    "title_zh",
    "title_en",
    "guidance_zh",
    "guidance_en",
    "owner_role",
    "mandatory",
    "conditional",
    "awaits_instruction",
    "reports_up",
    "deadline_minutes",
    "deadline_from",
    "done_by",
    "not_applicable_unless",
    "evidence",
)
# Keys a step may leave out, with the value it then has (most steps are done by hand and
# apply to every incident of their type).
OPTIONAL_STEP_KEYS: dict[str, str] = {"done_by": "", "not_applicable_unless": ""}
STEP_FLAGS: tuple[str, ...] = ("mandatory", "conditional", "awaits_instruction", "reports_up")
# The keys of one evidence field ("choices" too, for a choice field only; "multiple", for a
# file field only, when it takes several files).
FIELD_KEYS: tuple[str, ...] = ("name", "label_zh", "label_en", "type", "required")
OPTIONAL_FIELD_KEYS: tuple[str, ...] = ("choices", "multiple")
MAX_EVIDENCE_FIELDS = 4

# The levels whose playbook hands the incident up: exactly one reporting step each, unless
# the playbook ends there (`playbook_last_level`): a level with no steps above it has none.
REPORTING_LEVELS: tuple[str, ...] = (Level.BRANCH, Level.SUB_BRANCH)

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# A record source: "<app>.<record>", both snake_case (e.g. "watchlist.nomination").
_SOURCE_KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: `where` (file, type, step), the `field` at fault, the `message`."""

    where: str
    field: str
    message: str | Promise

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        field = f"{self.field}: " if self.field else ""
        return f"{place}{field}{self.message}"


def _values(choices: Iterable[Any]) -> str:
    return ", ".join(str(value) for value in choices)


def _text_problems(field: str, value: object) -> list[tuple[str, str | Promise]]:
    """A *_zh text must contain Chinese; an *_en text must contain none."""
    if not isinstance(value, str) or not value.strip():
        return [(field, _("is missing or empty"))]
    if field.endswith("_zh") and not _CJK.search(value):
        return [(field, _("has no Chinese text: %(value)r") % {"value": value})]
    if field.endswith("_en") and _CJK.search(value):
        return [(field, _("contains Chinese text: %(value)r") % {"value": value})]
    return []


def _field_problems(prefix: str, field: Mapping[str, Any]) -> list[tuple[str, str | Promise]]:
    problems: list[tuple[str, str | Promise]] = []
    for key in FIELD_KEYS:
        if key not in field:
            problems.append((f"{prefix}.{key}", _("is missing")))
    name = field.get("name")
    if "name" in field and (not isinstance(name, str) or not _SNAKE_CASE.match(name)):
        problems.append((f"{prefix}.name", _("%(value)r is not snake_case") % {"value": name}))
    for key in ("label_zh", "label_en"):
        if key in field:
            problems += _text_problems(f"{prefix}.{key}", field.get(key))
    kind = field.get("type")
    if "type" in field and kind not in EvidenceType.values:
        problems.append(
            (
                f"{prefix}.type",
                _("%(value)r is not an evidence type (one of: %(expected)s)")
                % {"value": kind, "expected": _values(EvidenceType.values)},
            )
        )
    if "required" in field and not isinstance(field.get("required"), bool):
        problems.append((f"{prefix}.required", _("must be true or false")))
    unknown = sorted(set(field) - set(FIELD_KEYS) - set(OPTIONAL_FIELD_KEYS))
    if unknown:
        problems.append((prefix, _("unknown keys: %(keys)s") % {"keys": ", ".join(unknown)}))
    if "multiple" in field:
        if not isinstance(field.get("multiple"), bool):
            problems.append((f"{prefix}.multiple", _("must be true or false")))
        elif kind != EvidenceType.FILE:
            problems.append(
                (
                    f"{prefix}.multiple",
                    _("only a file field takes several files, not a %(type)r field")
                    % {"type": kind},
                )
            )
    choices = field.get("choices")
    if kind == EvidenceType.CHOICE:
        if not choices or not isinstance(choices, list):
            problems.append((f"{prefix}.choices", _("a choice field needs its choices")))
            return problems
        values = []
        for choice in choices:
            if not isinstance(choice, list | tuple) or len(choice) != 3:
                problems.append(
                    (
                        f"{prefix}.choices",
                        _("%(value)r is not [value, Chinese label, English label]")
                        % {"value": choice},
                    )
                )
                continue
            value, label_zh, label_en = choice
            values.append(value)
            where = f"{prefix}.choices[{value!r}]"
            if not isinstance(value, str) or not _SNAKE_CASE.match(value):
                problems.append((where, _("%(value)r is not snake_case") % {"value": value}))
            # Codes such as "ATM" or "POS" read the same in both languages.
            if not isinstance(label_zh, str) or not label_zh.strip():
                problems.append((where, _("has no Chinese label")))
            problems += [(where, message) for _key, message in _text_problems("_en", label_en)]
        if len(values) != len(set(values)):
            problems.append((f"{prefix}.choices", _("has duplicate values")))
    elif choices is not None:
        problems.append(
            (
                f"{prefix}.choices",
                _("only a choice field has choices, not a %(type)r field") % {"type": kind},
            )
        )
    return problems


def step_problems(step: Mapping[str, Any], *, where: str = "") -> list[Problem]:
    """What is wrong with one step (a dict of `STEP_KEYS`); empty when it is sound.

    `where` is prefixed to every problem (e.g. "telecom_fraud.yaml step branch/police_report").
    """
    found: list[tuple[str, str | Promise]] = []
    for key in STEP_KEYS:
        if key not in step and key not in OPTIONAL_STEP_KEYS:
            found.append((key, _("is missing")))
    level = step.get("level")
    if "level" in step and level not in Level.values:
        found.append(
            (
                "level",
                _("%(value)r is not a level (one of: %(expected)s)")
                % {"value": level, "expected": _values(Level.values)},
            )
        )
    code = step.get("code")
    if "code" in step and (not isinstance(code, str) or not _SNAKE_CASE.match(code)):
        found.append(("code", _("%(value)r is not snake_case") % {"value": code}))
    for key in ("title_zh", "title_en", "guidance_zh", "guidance_en"):
        if key in step:
            found += _text_problems(key, step.get(key))
    role = step.get("owner_role")
    if "owner_role" in step:
        if role not in ROLE_LEVEL:
            found.append(
                (
                    "owner_role",
                    _("%(value)r is not a role that works steps (one of: %(expected)s)")
                    % {"value": role, "expected": _values(ROLE_LEVEL)},
                )
            )
        elif level in Level.values and ROLE_LEVEL[role] != level:
            found.append(
                (
                    "owner_role",
                    _("%(role)r does not work at the %(level)r level")
                    % {"role": role, "level": level},
                )
            )
    for flag in STEP_FLAGS:
        if flag in step and not isinstance(step.get(flag), bool):
            found.append((flag, _("must be true or false")))
    if step.get("reports_up") and level == Level.HEAD_OFFICE:
        found.append(("reports_up", _("a head-office step cannot report up")))
    minutes = step.get("deadline_minutes")
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0
    ):
        found.append(("deadline_minutes", _("must be a positive number of minutes, or empty")))
    deadline_from = step.get("deadline_from")
    if "deadline_from" in step and deadline_from not in DeadlineFrom.values:
        found.append(
            (
                "deadline_from",
                _("%(value)r is not a deadline anchor (one of: %(expected)s)")
                % {"value": deadline_from, "expected": _values(DeadlineFrom.values)},
            )
        )
    if step.get("awaits_instruction") and deadline_from != DeadlineFrom.INSTRUCTED:
        found.append(
            ("deadline_from", _("a step that awaits an instruction runs from 'instructed'"))
        )
    if deadline_from == DeadlineFrom.INSTRUCTED and not step.get("awaits_instruction"):
        found.append(
            ("awaits_instruction", _("a step that runs from 'instructed' awaits an instruction"))
        )
    if deadline_from == DeadlineFrom.FILED and level not in (Level.BRANCH, None):
        found.append(("deadline_from", _("only branch steps run from 'filed'")))
    done_by = step.get("done_by") or ""
    if not isinstance(done_by, str) or (done_by and not _SOURCE_KEY.match(done_by)):
        found.append(
            (
                "done_by",
                _("%(value)r is not a record source such as watchlist.nomination")
                % {"value": done_by},
            )
        )
    unless = step.get("not_applicable_unless") or ""
    if unless and unless not in StepCondition.values:
        found.append(
            (
                "not_applicable_unless",
                _("%(value)r is not a condition (one of: %(expected)s)")
                % {"value": unless, "expected": _values(StepCondition.values)},
            )
        )
    if unless and not step.get("conditional"):
        found.append(
            (
                "conditional",
                _("a step that may be not applicable by the incident's facts is conditional"),
            )
        )
    evidence = step.get("evidence")
    if "evidence" in step:
        if not isinstance(evidence, list) or len(evidence) > MAX_EVIDENCE_FIELDS:
            found.append(
                (
                    "evidence",
                    _("must be a list of 0 to %(max)d fields") % {"max": MAX_EVIDENCE_FIELDS},
                )
            )
        else:
            names = [field.get("name") for field in evidence if isinstance(field, Mapping)]
            if len(names) != len(set(names)):
                found.append(("evidence", _("has duplicate field names")))
            for index, field in enumerate(evidence):
                prefix = f"evidence[{index}]"
                if not isinstance(field, Mapping):
                    found.append(
                        (prefix, _("must be a mapping of %(keys)s") % {"keys": FIELD_KEYS})
                    )
                    continue
                found += _field_problems(prefix, field)
    return [Problem(where=where, field=field, message=message) for field, message in found]


def playbook_levels(steps: Iterable[Mapping[str, Any]]) -> list[str]:
    """The levels a playbook's steps are at, in level order."""
    present = {step.get("level") for step in steps}
    return [level for level in LEVEL_ORDER if level in present]


def playbook_last_level(steps: Iterable[Mapping[str, Any]]) -> str:
    """The highest level a playbook reaches: where its incidents are closed. A playbook
    that stops below head office (a customer-safety event is the branch's alone) has no
    reporting step at that level. Branch when there are no steps."""
    levels = playbook_levels(steps)
    return levels[-1] if levels else Level.BRANCH


def step_label(step: Mapping[str, Any]) -> str:
    return f"step {step.get('level')}/{step.get('code')}"


def playbook_problems(
    steps: Sequence[Mapping[str, Any]], *, where: str = "", each_step: bool = True
) -> list[Problem]:
    """What is wrong with a playbook's steps taken together (and with each step, unless
    `each_step` is False: the admin's step forms check their own step).

    Steps are in playbook order: by level (branch, sub-branch, head office), then within it.
    """
    problems: list[Problem] = []
    seen: set[tuple[object, object]] = set()
    sources: dict[str, str] = {}
    level_order: list[int] = []
    level: str  # a Level from LEVEL_ORDER, then a code from REPORTING_LEVELS
    for step in steps:
        step_where = f"{where} {step_label(step)}".strip()
        if each_step:
            problems += step_problems(step, where=step_where)
        key = (step.get("level"), step.get("code"))
        if key in seen:
            problems.append(Problem(step_where, "code", _("is used twice at this level")))
        seen.add(key)
        source = step.get("done_by")
        if source and source in sources:
            problems.append(
                Problem(
                    step_where,
                    "done_by",
                    _("%(value)r also does %(other)s: a record source does one step")
                    % {"value": source, "other": sources[source]},
                )
            )
        if source:
            sources.setdefault(source, step_label(step))
        if step.get("level") in Level.values:
            level_order.append(LEVEL_ORDER.index(Level(step["level"])))
    if level_order != sorted(level_order):
        problems.append(
            Problem(where, "steps", _("are not ordered branch, sub_branch, head_office"))
        )
    last = playbook_last_level(steps)
    reached = LEVEL_ORDER[: LEVEL_ORDER.index(Level(last)) + 1]
    for level in reached:
        if not any(step.get("level") == level for step in steps):
            problems.append(
                Problem(where, "steps", _("has no steps at %(level)r") % {"level": str(level)})
            )
    for level in REPORTING_LEVELS:
        if level not in reached:
            continue
        count = sum(1 for step in steps if step.get("level") == level and step.get("reports_up"))
        # Every level below the playbook's last hands the incident up with one step; the last
        # level keeps it and closes it (a branch-only playbook: customer-safety events).
        if level != last and count != 1:
            problems.append(
                Problem(
                    where,
                    "reports_up",
                    _("%(count)d reports_up steps at %(level)r, expected exactly 1")
                    % {"count": count, "level": str(level)},
                )
            )
        elif level == last and count:
            problems.append(
                Problem(
                    where,
                    "reports_up",
                    _(
                        "%(count)d reports_up steps at %(level)r, expected none: the playbook "
                        "ends there, so no level above receives the incident"
                    )
                    % {"count": count, "level": str(level)},
                )
            )
    return problems


def incident_type_problems(spec: Mapping[str, Any], *, where: str = "") -> list[Problem]:
    """What is wrong with one incident type as its file holds it (its steps included)."""
    found: list[tuple[str, str | Promise]] = []
    for key in TYPE_KEYS:
        if key not in spec:
            found.append((key, _("is missing")))
    unknown = sorted(set(spec) - set(TYPE_KEYS))
    if unknown:
        found.append(("", _("unknown keys: %(keys)s") % {"keys": ", ".join(unknown)}))
    code = spec.get("code")
    if "code" in spec and (not isinstance(code, str) or not _SNAKE_CASE.match(code)):
        found.append(("code", _("%(value)r is not snake_case") % {"value": code}))
    ordering = spec.get("ordering")
    if "ordering" in spec and (
        isinstance(ordering, bool) or not isinstance(ordering, int) or ordering < 0
    ):
        found.append(("ordering", _("must be a whole number, 0 or more")))
    if "group" in spec and spec.get("group") not in IncidentGroup.values:
        found.append(
            (
                "group",
                _("%(value)r is not a group (one of: %(expected)s)")
                % {"value": spec.get("group"), "expected": _values(IncidentGroup.values)},
            )
        )
    for key in ("name_zh", "name_en", "description_zh", "description_en"):
        if key in spec:
            found += _text_problems(key, spec.get(key))
    problems = [Problem(where=where, field=field, message=message) for field, message in found]
    steps = spec.get("steps")
    if not isinstance(steps, list) or not all(isinstance(step, Mapping) for step in steps):
        return [*problems, Problem(where, "steps", _("must be a list of steps"))]
    for step in steps:
        unknown_keys = sorted(set(step) - set(STEP_KEYS))
        if unknown_keys:
            problems.append(
                Problem(
                    f"{where} {step_label(step)}".strip(),
                    "",
                    _("unknown keys: %(keys)s") % {"keys": ", ".join(unknown_keys)},
                )
            )
    return problems + playbook_problems(steps, where=where)


def incident_types_problems(specs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Problem]:
    """Problems of every type (each given with the name of its file), and across them."""
    problems: list[Problem] = []
    codes: dict[object, str] = {}
    orderings: dict[object, str] = {}
    for where, spec in specs:
        problems += incident_type_problems(spec, where=where)
        code, ordering = spec.get("code"), spec.get("ordering")
        if code in codes:
            problems.append(
                Problem(
                    where,
                    "code",
                    _("%(value)r is also used by %(other)s")
                    % {"value": code, "other": codes[code]},
                )
            )
        codes.setdefault(code, where)
        if ordering in orderings:
            problems.append(
                Problem(
                    where,
                    "ordering",
                    _("%(value)r is also used by %(other)s")
                    % {"value": ordering, "other": orderings[ordering]},
                )
            )
        orderings.setdefault(ordering, where)
    return problems
