"""Clocks on playbook tasks, and the sweep's guard for them (registered from
IncidentsConfig.ready()).

The incident services call these directly, inside their transaction: a task's clock runs
from the moment it opens with a due time (`task_clocks_start`: entering a level, an
instruction) until it is done or marked not applicable (`task_clock_stop`); closing or
withdrawing the incident stops every clock on its thread (`incident_clocks_stop_if_over`).
A task's clock carries its assignee (`Task.assignee`), set when it starts and kept in step
by the owners' services (`task_clock_assign`): the escalation tells that person first.
"""

from __future__ import annotations

from collections.abc import Iterable

from clocks.services import (
    ClockStart,
    clock_assign,
    clock_stop,
    clocks_start_many,
    clocks_stop_thread,
)
from fraudops.core.i18n import pick

from .choices import OVER_STATES, ClockKind, TaskStatus
from .models import Incident, Task


def _task_clock(task: Task, incident: Incident) -> ClockStart | None:
    """What a task's clock needs, or None: only open tasks with a due time have one."""
    if task.status != TaskStatus.OPEN or task.due_at is None:
        return None
    step = task.step
    return ClockStart(
        subject=task,
        due_at=task.due_at,
        unit=task.unit,
        owner_role=task.owner_role,
        thread=incident.thread,
        title_zh=f"{incident.number} {pick(step.title_zh, step.title_en, language='zh-hans')}",
        title_en=f"{incident.number} {pick(step.title_zh, step.title_en, language='en')}",
        url=incident.get_absolute_url(),
        step_code=step.code,
        assignee_id=task.assignee_id,
    )


def task_clocks_start(*, incident: Incident, tasks: Iterable[Task]) -> None:
    """Start the clocks of the open tasks that have a due time (idempotent), together: one
    policy read and one INSERT whatever the number of tasks."""
    starts = [start for task in tasks if (start := _task_clock(task, incident)) is not None]
    clocks_start_many(kind=ClockKind.TASK, starts=starts, incident_type=incident.incident_type_id)


def task_clock_stop(*, task: Task) -> None:
    """The task is done or marked not applicable: its clock stops."""
    clock_stop(subject=task, kind=ClockKind.TASK)


def task_clock_assign(*, task: Task) -> None:
    """The task was claimed, assigned or released: its clock tells its assignee (or nobody
    by name) from now on."""
    clock_assign(subject=task, kind=ClockKind.TASK, assignee_id=task.assignee_id)


def incident_clocks_stop_if_over(*, incident: Incident) -> None:
    """After a transition: a closed or withdrawn incident stops every clock on its thread."""
    if incident.state in OVER_STATES:
        clocks_stop_thread(thread=incident.thread)


def task_guard(ids: list[int]) -> dict[int, bool]:
    """For the sweep: lock the tasks and their incidents (skipping rows someone is changing
    right now) and say which still need their clock: open, on an incident not yet over."""
    rows = list(
        Task.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "incident_id", "status")
    )
    if not rows:
        return {}
    tasks = {pk: incident_id for pk, incident_id, _status in rows}
    statuses = {pk: status for pk, _incident_id, status in rows}
    states = dict(
        Incident.objects.select_for_update(skip_locked=True)
        .filter(pk__in=set(tasks.values()))
        .values_list("pk", "state")
    )
    # A task whose incident is being changed right now is left for the next sweep.
    return {
        pk: statuses[pk] == TaskStatus.OPEN and states[incident_id] not in OVER_STATES
        for pk, incident_id in tasks.items()
        if incident_id in states
    }
