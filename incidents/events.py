"""What happened to an incident, for everything that reacts to it (notifications, clocks,
screening). Called by the services inside their transaction: a receiver that has a side
effect outside the database writes an outbox row, which is relayed after commit.

Receivers register with `subscribe(event_name, function)` from their app's `ready()`; the
incidents app itself does not know who listens.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_receivers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(event: str, receiver: Callable) -> None:
    if receiver not in _receivers[event]:
        _receivers[event].append(receiver)


def _emit(event: str, **kwargs) -> None:
    for receiver in list(_receivers[event]):
        receiver(**kwargs)


def incident_filed(*, incident) -> None:
    _emit("incident_filed", incident=incident)


def level_entered(*, incident, level: str, tasks: list) -> None:
    _emit("level_entered", incident=incident, level=level, tasks=tasks)


def task_finished(*, task) -> None:
    _emit("task_finished", task=task)


def task_instructed(*, task) -> None:
    _emit("task_instructed", task=task)


def incident_transitioned(*, incident, transition: str) -> None:
    _emit("incident_transitioned", incident=incident, transition=transition)
