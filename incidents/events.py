"""What happened to an incident, for the apps above incidents that react to it (the watch
list screens a newly filed incident). Called by the services inside their transaction: a
receiver that has a side effect outside the database writes an outbox row, which is relayed
after commit.

Only what genuinely fans out to other apps is an event: incidents' own reactions (its task
clocks) are direct calls from the services to `incidents.task_clocks`.

Receivers register with `subscribe(IncidentEvent.FILED, function)` from their app's
`ready()`; the incidents app itself does not know who listens. An unknown event name fails
at once (`UnknownEvent`), so a typo cannot leave a receiver silently unsubscribed. The
names are strings too (`IncidentEvent` is a StrEnum): `subscribe("incident_filed", …)`
still works.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models import nothing from here; the hint needs no import at run time
    from .models import Incident


class IncidentEvent(StrEnum):
    FILED = "incident_filed"


class UnknownEvent(ValueError):
    """`subscribe` was given a name that is not an `IncidentEvent`."""


_receivers: dict[IncidentEvent, list[Callable[..., object]]] = {
    event: [] for event in IncidentEvent
}


def _event(event: IncidentEvent | str) -> IncidentEvent:
    try:
        return IncidentEvent(event)
    except ValueError:
        names = ", ".join(IncidentEvent)
        raise UnknownEvent(f"No incident event is called {event!r}; use one of: {names}.") from None


def subscribe(event: IncidentEvent | str, receiver: Callable[..., object]) -> None:
    """Call `receiver(**kwargs)` whenever `event` happens (once, however often subscribed)."""
    receivers = _receivers[_event(event)]
    if receiver not in receivers:
        receivers.append(receiver)


def _emit(event: IncidentEvent, **kwargs: Any) -> None:
    for receiver in list(_receivers[event]):
        receiver(**kwargs)


def incident_filed(*, incident: Incident) -> None:
    _emit(IncidentEvent.FILED, incident=incident)
