"""What the escalation sweep asks before it escalates one of our clocks: is the request
still waiting for a decision (the assistance request still unacknowledged)? Rows someone is
changing right now are skipped (SKIP LOCKED) and looked at again by the next sweep."""

from __future__ import annotations

from .choices import PENDING_STATES, AssistanceState
from .models import AssistanceRequest, ControlRequest


def control_guard(ids: list[int]) -> dict[int, bool]:
    rows = (
        ControlRequest.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "state")
    )
    return {pk: state in PENDING_STATES for pk, state in rows}


def assistance_guard(ids: list[int]) -> dict[int, bool]:
    rows = (
        AssistanceRequest.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "state")
    )
    return {pk: state == AssistanceState.OPEN for pk, state in rows}
