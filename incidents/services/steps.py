"""Steps that their records do, and steps the incident's facts make not applicable.

- `task_record_attach`: an app above incidents made or decided a record that does a step
  (`done_by` in the playbook; sources in `incidents.step_records`): link it, and record the
  step as done once the source's rule is met. Called inside that app's transaction.
- `task_applicability_refresh`: mark the steps whose fact (`not_applicable_unless`) does not
  hold as not applicable, by the system and with the reason; reopen the ones it marked
  when the fact holds again. Never touches a step that is done, or that a person marked
  not applicable or reopened. Called at filing, when a level's steps open, and after an
  edit of the incident's facts.
- `task_reopen`: the level holding the incident reopens a step marked not applicable
  (by the facts or by a person), with the reason; its clock starts again.

A step done by records may still be recorded as done by hand, by its workers, with the
reason no record does it (the payee was already listed, so no nomination could be raised;
the account was controlled through another bank): `task_complete` asks for that reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited

from .. import permissions
from ..choices import MAX_NOTE, TaskStatus
from ..models import Incident, Task, TaskRecord
from ..step_conditions import REASONS, condition_holds
from ..step_records import ALL, record_source
from ..task_clocks import task_clock_stop, task_clocks_start
from .locks import task_lock
from .transitions import incident_report_up


def _lock_incident(incident: Incident) -> None:
    """The incident row first (the documented order); the caller usually holds it already."""
    Incident.objects.select_for_update(of=("self",)).filter(pk=incident.pk).values("pk").first()


def _reopened_status(task: Task) -> str:
    """A step that waits for an instruction and never got one waits again."""
    if task.step.awaits_instruction and not task.instruction:
        return TaskStatus.WAITING
    return TaskStatus.OPEN


def _restart(task: Task, *, incident: Incident, now: datetime.datetime) -> None:
    """Open `task` again with a fresh deadline measured from now, and start its clock."""
    task.status = _reopened_status(task)
    task.completed_at = None
    task.completed_by = None
    task.completed_by_client = None
    task.note = ""
    task.na_rule = ""
    if task.status == TaskStatus.OPEN:
        task.opened_at = now
        minutes = task.step.deadline_minutes
        task.due_at = now + datetime.timedelta(minutes=minutes) if minutes else None
    task.save()
    task_clocks_start(incident=incident, tasks=[task])


def _record_done(
    task: Task,
    *,
    incident: Incident,
    actor: Actor,
    link: TaskRecord,
    evidence: dict[str, Any] | None,
    now: datetime.datetime,
    note: str = "",
) -> None:
    """Record the step as done by `link`'s record, audited like a done step."""
    before = {"status": task.status}
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = actor.user
    task.completed_by_client = actor.client
    task.note = note or _("Done by its record %(label)s.") % {"label": link.label}
    task.na_rule = ""
    if evidence:
        task.evidence = evidence
    task.save()
    audit_record(
        actor=actor,
        action="task.done",
        thread=incident.thread,
        target=f"task:{task.pk}",
        before=before,
        after={"status": task.status, "note": task.note, "evidence": task.evidence},
        data={
            "step": task.step.code,
            "level": task.level,
            "on_time": None if task.due_at is None else now <= task.due_at,
            "source": link.source,
            "record": link.label,
        },
    )
    task_clock_stop(task=task)
    if task.step.reports_up:
        report_up(incident, task, actor=actor, now=now)


def report_up(incident: Incident, task: Task, *, actor: Actor, now: datetime.datetime) -> None:
    """A level's reporting step is done: the incident goes up (`incident_report_up`), and
    the new level's steps take up the records made for them before and the incident's
    facts. Called with the incident's row locked."""
    opened = incident_report_up(incident, task, actor=actor, now=now)
    if opened:
        task_records_adopt(incident=incident, tasks=opened)
        task_applicability_refresh(actor=actor, incident=incident)


def _completes(task: Task, link: TaskRecord) -> bool:
    """Whether the step is now done by its records (its source's rule), and still open to
    it: open, or marked not applicable by the facts (a record doing it shows it applies)."""
    if task.status == TaskStatus.NOT_APPLICABLE:
        if not task.na_rule:
            return False
    elif task.status != TaskStatus.OPEN:
        return False
    source = record_source(link.source)
    if source is not None and source.rule == ALL:
        return not TaskRecord.objects.filter(task=task, done=False).exists()
    return link.done


def task_record_attach(
    *,
    actor: Actor,
    incident: Incident,
    source: str,
    record_id: int,
    label: str,
    done: bool,
    evidence: dict[str, Any] | None = None,
    note: str = "",
) -> TaskRecord:
    """Link a record of `source` to `incident`'s step that it does (the step whose
    `done_by` is `source`), or update the link's `done` (this record has done its part);
    when the source's rule is met, record the step as done by `actor`, once, with a note
    naming the record (or `note`; and `evidence`, the record's facts in the step's
    evidence fields, when given). Idempotent per record. Call inside the record's own
    transaction, after its own checks (who may make it, scope): this adds none.

    Without such a step (an older playbook version, or a level not reached yet) the link is
    kept with no task, and taken up when the step's level opens (`task_records_adopt`).
    """
    _lock_incident(incident)
    task = (
        Task.objects.select_for_update()
        .select_related("step")
        .filter(incident=incident, step__done_by=source)
        .first()
    )
    link, created = TaskRecord.objects.get_or_create(
        incident=incident,
        source=source,
        record_id=record_id,
        defaults={"label": label[:100], "done": done, "task": task},
    )
    changed = created
    if not created and (link.done != done or link.label != label[:100] or link.task != task):
        before = {"done": link.done}
        link.done, link.label, link.task = done, label[:100], task
        link.save()
        changed = True
    else:
        before = None
    if changed:
        audit_record(
            actor=actor,
            action="task.record_linked",
            thread=incident.thread,
            target=f"task:{task.pk}" if task else "",
            before=before,
            after={"done": link.done},
            data={
                "source": source,
                "record": link.label,
                "step": task.step.code if task else None,
            },
        )
    if task is not None and changed and _completes(task, link):
        _record_done(
            task,
            incident=incident,
            actor=actor,
            link=link,
            evidence=evidence,
            now=timezone.now(),
            note=note,
        )
    return link


def task_records_adopt(*, incident: Incident, tasks: list[Task]) -> None:
    """A level's steps just opened: link the records made for them before (by source) and
    record a step as done when they already do it (by the system, naming the record).
    Called with the incident's row locked."""
    by_source = {task.step.done_by: task for task in tasks if task.step.done_by}
    if not by_source:
        return
    links = list(
        TaskRecord.objects.filter(
            incident=incident, source__in=list(by_source), task__isnull=True
        ).order_by("created_at", "id")
    )
    if not links:
        return
    for link in links:
        link.task = by_source[link.source]
    TaskRecord.objects.bulk_update(links, ["task"])
    system = Actor.system()
    now = timezone.now()
    for source, task in by_source.items():
        mine = [link for link in links if link.source == source]
        if not mine:
            continue
        last_done = next((link for link in reversed(mine) if link.done), None)
        if last_done is not None and _completes(task, last_done):
            _record_done(
                task, incident=incident, actor=system, link=last_done, evidence=None, now=now
            )


def task_applicability_refresh(*, actor: Actor, incident: Incident) -> list[Task]:
    """Apply the incident's facts to its steps that need one (`not_applicable_unless`):
    a step (open or waiting) whose fact does not hold is marked not applicable by the
    system with the reason; a step the system marked so is reopened (its clock restarted)
    when the fact holds again. Steps that are done, or that a person marked not applicable
    or reopened, are never touched. Returns the tasks changed.

    `actor` is who changed the facts (recorded with the event; the change itself is the
    system's). Call it in the transaction that changed the facts, after the change, with
    the incident's row locked (every service that changes an incident takes that lock
    first: `incident_lock`); the steps are locked here, in pk order.
    """
    if not incident.is_open:
        return []
    changed: list[Task] = []
    # No savepoint: a refresh is all or nothing with the change of facts that calls it.
    with transaction.atomic(savepoint=False):
        tasks = list(
            Task.objects.select_for_update()
            .select_related("step", "unit")
            .filter(incident=incident, applicability_fixed=False)
            .exclude(step__not_applicable_unless="")
            .exclude(status=TaskStatus.DONE)
            .order_by("pk")
        )
        if not tasks:
            return []
        system = Actor.system()
        cache: dict[str, bool] = {}
        now = timezone.now()
        for task in tasks:
            condition = task.step.not_applicable_unless
            holds = condition_holds(condition, incident, cache)
            if not holds and task.status in (TaskStatus.OPEN, TaskStatus.WAITING):
                before = {"status": task.status}
                task.status = TaskStatus.NOT_APPLICABLE
                task.completed_at = now
                task.completed_by = None
                task.completed_by_client = None
                with override("zh-hans"):
                    task.note = str(REASONS[condition])
                task.na_rule = condition
                task.save()
                audit_record(
                    actor=system,
                    action="task.not_applicable",
                    thread=incident.thread,
                    target=f"task:{task.pk}",
                    before=before,
                    after={"status": task.status, "reason": task.note},
                    data={
                        "step": task.step.code,
                        "level": task.level,
                        "automatic": True,
                        "rule": condition,
                        "facts_by": actor.label,
                    },
                )
                task_clock_stop(task=task)
                changed.append(task)
            elif holds and task.status == TaskStatus.NOT_APPLICABLE and task.na_rule:
                before = {"status": task.status, "reason": task.note}
                _restart(task, incident=incident, now=now)
                audit_record(
                    actor=system,
                    action="task.reopened",
                    thread=incident.thread,
                    target=f"task:{task.pk}",
                    before=before,
                    after={"status": task.status, "due_at": task.due_at},
                    data={
                        "step": task.step.code,
                        "level": task.level,
                        "automatic": True,
                        "rule": condition,
                        "facts_by": actor.label,
                    },
                )
                changed.append(task)
    return changed


@refusals_audited
def task_reopen(*, actor: Actor, task_id: int, reason: str) -> Task:
    """The level holding the incident reopens a step marked not applicable (by the
    incident's facts or by a person), with the reason: it is open again (or waits again
    for its instruction) with a fresh deadline from now, and the facts no longer change it.
    """
    action = "task.reopen"
    with transaction.atomic():
        incident, task = task_lock(actor=actor, pk=task_id, action=action)
        permissions.check_may_reopen_task(actor, task=task, incident=incident, action=action)
        reason = parse_prose(
            reason,
            field="reason",
            max_length=MAX_NOTE,
            required=True,
            required_message=_("Say why this step applies after all."),
        )
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why this step applies after all.")]})
        before = {"status": task.status, "reason": task.note, "rule": task.na_rule}
        task.applicability_fixed = True
        _restart(task, incident=incident, now=timezone.now())
        audit_record(
            actor=actor,
            action="task.reopened",
            thread=incident.thread,
            target=f"task:{task.pk}",
            before=before,
            after={"status": task.status, "due_at": task.due_at, "reason": reason},
            data={"step": task.step.code, "level": task.level, "automatic": False},
        )
    return task
