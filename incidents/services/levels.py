"""Entering a level: its playbook steps become the incident's tasks there."""

from __future__ import annotations

import datetime

from workflows.choices import DeadlineFrom
from workflows.models import PlaybookStep

from ..choices import TaskStatus
from ..models import Incident, Task
from ..task_clocks import task_clocks_start


def task_due(
    step: PlaybookStep, *, incident: Incident, started: datetime.datetime
) -> datetime.datetime | None:
    """When a step opened at `started` is due (None: the step has no deadline)."""
    if step.deadline_minutes is None:
        return None
    base = incident.filed_at if step.deadline_from == DeadlineFrom.FILED else started
    return base + datetime.timedelta(minutes=step.deadline_minutes)


def level_tasks_open(incident: Incident, level: str, *, now: datetime.datetime) -> list[Task]:
    """Instantiate the playbook's steps of `level` (once: a returned incident keeps them).
    Called with the incident's row locked."""
    unit = incident.unit.ancestor_at(level)
    existing = set(incident.tasks.filter(level=level).values_list("step_id", flat=True))
    tasks = []
    for step in incident.playbook.steps.filter(level=level).order_by("order"):
        if step.pk in existing:
            continue
        waiting = step.awaits_instruction
        tasks.append(
            Task(
                incident=incident,
                step=step,
                level=level,
                unit=unit,
                owner_role=step.owner_role,
                order=step.order,
                status=TaskStatus.WAITING if waiting else TaskStatus.OPEN,
                opened_at=None if waiting else now,
                due_at=None if waiting else task_due(step, incident=incident, started=now),
            )
        )
    created = Task.objects.bulk_create(tasks)
    task_clocks_start(incident=incident, tasks=created)
    return created
