"""What the escalation sweep asks before it escalates one of our clocks: is the request
still waiting for a decision (the assistance request still unacknowledged)? Rows someone is
changing right now are skipped (SKIP LOCKED) and looked at again by the next sweep."""

from __future__ import annotations

from .choices import PENDING_STATES, AssistanceState
from .lock_objects import assistance_states_skip_locked, control_states_skip_locked


def control_guard(ids: list[int]) -> dict[int, bool]:
    """A request's clock is live while it waits for a decision, or, for a branch's immediate
    stop-payment, for the sub-branch's review after the fact."""
    return {
        pk: state in PENDING_STATES or awaiting_review
        for pk, state, awaiting_review in control_states_skip_locked(ids)
    }


def assistance_guard(ids: list[int]) -> dict[int, bool]:
    return {pk: state == AssistanceState.OPEN for pk, state in assistance_states_skip_locked(ids)}
