"""Working a level's tasks: recording a step as done (with its evidence), as not applicable
(with the reason), and instructing a step that waits for the level above."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.parsing import (
    FieldErrors,
    parse_amount,
    parse_datetime,
    parse_prose,
    parse_text,
    parse_with,
)
from fraudops.core.services import refusals_audited
from workflows.choices import EvidenceType

from .. import notices, permissions
from ..choices import MAX_NOTE, TaskStatus
from ..models import Task
from ..task_clocks import task_clock_stop, task_clocks_start
from .evidence import (
    StagedFile,
    Upload,
    evidence_rows_create,
    evidence_stage_all,
    evidence_unstage,
    file_fields,
    staged_files,
)
from .levels import task_due
from .locks import task_lock
from .steps import report_up

RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def _normalize_document_number(value: str) -> str:
    """A resident ID number, or an organisation's unified social credit code or
    organisation code (as filing takes a party's document): 17 digits then a digit or X is
    read as a resident ID, anything else as an organisation's code."""
    if RESIDENT_ID_SHAPE.fullmatch(chinese.compact(value).upper()):
        return chinese.normalize_id_number(value)
    return chinese.normalize_org_identifier(value)


# Evidence that holds an identifier is normalised by the same function filing uses for it.
IDENTIFIER_NORMALISERS: dict[str, Callable[[str], str]] = {
    EvidenceType.RESIDENT_ID: chinese.normalize_id_number,
    EvidenceType.DOCUMENT_NUMBER: _normalize_document_number,
    EvidenceType.ACCOUNT: chinese.normalize_account_number,
    EvidenceType.CARD: chinese.normalize_card_number,
    EvidenceType.PHONE: chinese.normalize_phone,
}


def _clean_files(
    task: Task,
    staged: Mapping[str, Sequence[StagedFile]],
    errors: FieldErrors,
    *,
    required: bool = True,
) -> None:
    """Each required file field has its own file (one already attached to it, or one sent
    now); a field takes one file unless it says `multiple`; files name a file field of
    the step. Refusals go to `errors` as ``evidence.<name>``."""
    fields = file_fields(task)
    for name, files in staged.items():
        if name not in fields:
            errors.add(f"evidence.{name}", _("This step has no file field of this name."))
        elif len(files) > 1 and not fields[name].get("multiple"):
            errors.add(f"evidence.{name}", _("Attach one file here."))
    needed = [name for name, field in fields.items() if required and field.get("required")]
    missing = [name for name in needed if not staged.get(name)]
    if missing:
        attached = set(
            task.evidence_files.filter(field__in=missing).values_list("field", flat=True)
        )
        for name in missing:
            if name not in attached:
                errors.add(f"evidence.{name}", _("Attach the file for this field."))


def _clean_evidence(
    task: Task, evidence: dict[str, Any], errors: FieldErrors, *, required: bool = True
) -> dict[str, Any]:
    """The step's evidence fields, each parsed by its type (identifiers normalised as at
    filing); refusals go to `errors`, named ``evidence.<name>``. File fields are checked by
    `_clean_files`. `required=False`: no field is required (a step done by its records,
    recorded by hand with the reason)."""
    cleaned: dict[str, Any] = {}
    for field in task.step.evidence or []:
        name, kind = field["name"], field.get("type", EvidenceType.TEXT)
        value = evidence.get(name)
        key = f"evidence.{name}"
        if kind == EvidenceType.FILE:
            continue
        if value in (None, ""):
            if required and field.get("required"):
                errors.add(key, _("This field is required."))
            continue
        if kind == EvidenceType.BOOL:
            cleaned[name] = value in (True, "true", "on", "1", 1, "yes")
        elif kind == EvidenceType.AMOUNT:
            zero = Decimal("0")
            amount = errors.collect(
                parse_amount, value, field=key, allow_zero=True, default=zero, fallback=zero
            )
            cleaned[name] = str(amount)
        elif kind == EvidenceType.DATETIME:
            parsed = errors.collect(parse_datetime, value, field=key)
            cleaned[name] = parsed.isoformat() if parsed else None
        elif kind == EvidenceType.URL:
            result = errors.collect(
                parse_with, chinese.normalize_url, value, field=key, fallback=value
            )
            cleaned[name] = result[0] if isinstance(result, tuple) else value
        elif kind in IDENTIFIER_NORMALISERS:
            cleaned[name] = errors.collect(
                parse_with, IDENTIFIER_NORMALISERS[kind], str(value), field=key, fallback=value
            )
        elif kind == EvidenceType.CHOICE:
            allowed = [c[0] for c in field.get("choices", [])]
            if value not in allowed:
                errors.add(key, _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})
            cleaned[name] = value
        else:
            parse = parse_prose if kind == EvidenceType.TEXTAREA else parse_text
            cleaned[name] = errors.collect(
                parse, value, field=key, max_length=MAX_NOTE, fallback=value
            )
    return cleaned


@refusals_audited
def task_complete(
    *,
    actor: Actor,
    task_id: int,
    note: str = "",
    evidence: dict[str, Any] | None = None,
    files: Mapping[str, Sequence[Upload]] | None = None,
) -> Task:
    """Record a step as done with its evidence; a reporting step sends the incident up.

    `files` are the step's files by evidence field name (``{"statement": [upload]}``):
    uploads are checked and written to storage first, before the incident is locked (a
    caller may stage them itself with `evidence_stage`); their Evidence rows are created in
    the completion's transaction. A refused completion attaches nothing and deletes the
    files it was given from storage.

    A step done by its records (`done_by`) is recorded so by its records
    (`task_record_attach`); by hand it needs the reason no record does it (in `note`), and
    none of its evidence fields is required.
    """
    action = "task.complete"
    errors = FieldErrors()
    staged = evidence_stage_all(files, errors=errors)
    try:
        with transaction.atomic():
            incident, task = task_lock(actor=actor, pk=task_id, action=action)
            permissions.check_may_work_task(actor, task=task, incident=incident, action=action)
            by_records = bool(task.step.done_by)
            cleaned = _clean_evidence(task, evidence or {}, errors, required=not by_records)
            _clean_files(task, staged, errors, required=not by_records)
            note = errors.collect(
                parse_prose,
                note,
                field="note",
                max_length=MAX_NOTE,
                required=by_records,
                required_message=_("Say why no record does this step."),
                fallback="",
            )
            errors.raise_if_any()
            now = timezone.now()
            before = {"status": task.status}
            task.status = TaskStatus.DONE
            task.completed_at = now
            task.completed_by = actor.user
            task.completed_by_client = actor.client
            task.note = note
            task.evidence = cleaned
            task.save()
            labels = {field["name"]: field["label"][:200] for field in task.step.evidence_fields()}
            attached = evidence_rows_create(
                actor=actor, incident=incident, task=task, staged=staged, descriptions=labels
            )
            audit_record(
                actor=actor,
                action="task.done",
                thread=incident.thread,
                target=f"task:{task.pk}",
                before=before,
                after={
                    "status": task.status,
                    "evidence": cleaned,
                    "note": task.note,
                    "files": {name: [e.pk for e in attached if e.field == name] for name in staged},
                },
                data={
                    "step": task.step.code,
                    "level": task.level,
                    "on_time": _on_time(task),
                    **({"without_record": True} if by_records else {}),
                },
            )
            task_clock_stop(task=task)
            if task.step.reports_up:
                report_up(incident, task, actor=actor, now=now)
    except BaseException:
        # Nothing committed: the files given are deleted again (on_commit never fires on a
        # rollback, hence the except).
        evidence_unstage(staged_files(staged))
        raise
    return task


def _on_time(task: Task) -> bool | None:
    if task.due_at is None or task.completed_at is None:
        return None
    return task.completed_at <= task.due_at


@refusals_audited
def task_mark_not_applicable(*, actor: Actor, task_id: int, reason: str) -> Task:
    """Record that a conditional step does not apply here, with the reason why."""
    action = "task.not_applicable"
    with transaction.atomic():
        incident, task = task_lock(actor=actor, pk=task_id, action=action)
        # A waiting step is dismissed by the level above, an open one by its workers.
        permissions.check_may_mark_not_applicable(
            actor, task=task, incident=incident, action=action
        )
        reason = parse_prose(
            reason,
            field="reason",
            max_length=MAX_NOTE,
            required=True,
            required_message=_("Say why this step does not apply."),
        )
        step = task.step
        permissions.check_not_applicable_allowed(task, incident, action)
        before = {"status": task.status}
        task.status = TaskStatus.NOT_APPLICABLE
        task.completed_at = timezone.now()
        task.completed_by = actor.user
        task.completed_by_client = actor.client
        task.note = reason
        task.na_rule = ""
        task.applicability_fixed = True
        task.save()
        audit_record(
            actor=actor,
            action="task.not_applicable",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before=before,
            after={"status": task.status, "reason": task.note},
            data={"step": step.code, "level": task.level},
        )
        task_clock_stop(task=task)
    return task


@refusals_audited
def task_instruct(*, actor: Actor, task_id: int, instruction: str) -> Task:
    """The level above instructs a waiting step (e.g. "file the police report now"),
    which opens it and starts its clock."""
    action = "task.instruct"
    with transaction.atomic():
        incident, task = task_lock(actor=actor, pk=task_id, action=action)
        permissions.check_may_instruct_task(actor, task=task, incident=incident, action=action)
        instruction = parse_prose(
            instruction,
            field="instruction",
            max_length=MAX_NOTE,
            required=True,
            required_message=_("Write the instruction."),
        )
        now = timezone.now()
        task.status = TaskStatus.OPEN
        task.opened_at = now
        task.due_at = task_due(task.step, incident=incident, started=now)
        task.instructed_by = actor.user
        task.instruction = instruction
        task.save()
        audit_record(
            actor=actor,
            action="task.instructed",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before={"status": TaskStatus.WAITING},
            after={"status": task.status, "due_at": task.due_at, "instruction": task.instruction},
            data={"step": task.step.code, "level": task.level},
        )
        task_clocks_start(incident=incident, tasks=[task])
        notices.task_instructed(incident=incident, actor=actor, task=task)
    return task
