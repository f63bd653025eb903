"""The incident page's "what to do now" block: what the apps registered
(`panels.register_next_actions`: a stop-payment or a reversal to request now) first, then
the most urgent open steps this person may work or instruct, each with its clock."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .choices import TaskStatus
from .panels import NextAction, registered_next_actions

# The block shows this many steps; the rest are below, in the playbook steps.
STEPS_SHOWN = 3
_FAR = datetime.datetime.max.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class NextItem:
    action: NextAction
    task: Any = None  # the step, for its clock (incidents/includes/task_clock.html)


def _step_action(task: Any) -> NextAction:
    instructing = task.status == TaskStatus.WAITING
    return NextAction(
        label=task.step.title,
        url=f"#task-{task.pk}",
        urgency=NextAction.DUE if task.due_at and not instructing else NextAction.LATER,
        countdown=task.due_at,
        hint=_("instruct the level below") if instructing else "",
        testid=f"next-step-{task.step.code}",
    )


def incident_next_items(*, incident: Any, actor: Any, tasks: list[Any]) -> dict[str, Any]:
    """`tasks` are the page's tasks, already annotated with `may_work` / `may_instruct`.
    Returns the items to show, most urgent first, and how many more steps wait below."""
    mine = [
        task
        for task in tasks
        if (task.status == TaskStatus.OPEN and task.may_work)
        or (task.status == TaskStatus.WAITING and task.may_instruct)
    ]
    steps = sorted(
        (_step_action(task) for task in mine),
        key=lambda action: (action.urgency, action.countdown or _FAR),
    )
    by_url = {f"#task-{task.pk}": task for task in mine}
    registered = sorted(
        registered_next_actions(incident=incident, actor=actor),
        key=lambda action: (action.urgency, action.countdown or _FAR),
    )
    items = [NextItem(action=action) for action in registered]
    items += [NextItem(action=action, task=by_url[action.url]) for action in steps[:STEPS_SHOWN]]
    return {"items": items, "more_steps": max(len(steps) - STEPS_SHOWN, 0)}
