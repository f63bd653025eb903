"""Every row lock account control takes, in one place.

Lock order (every write takes the locks it needs in this order, never the other way round,
so two writes never wait on each other in a cycle):

1. the incident (incidents' `incident_lock`, with `scope_subtree_or_assisting` or
   `scope_reached_through_request`): creating requests, so a request never lands on an
   incident being closed; releasing; rejecting, withdrawing and confirming a request
   (`control_incident_lock`: its result does the incident's playbook step, and an
   executed reversal changes its amount recovered);
2. the hold a release names (`control_lock_by_id` on `releases_id`), when core banking
   confirms the release;
3. the request (`control_lock`, `control_lock_by_id`);
4. the request's assistance request (`open_assistance_lock`, when deciding answers it;
   `assistance_lock` takes it alone);
5. the request's instruction (`instruction_lock`).

All of them are `SELECT … FOR UPDATE OF <the row's own table>` (`of=("self",)`: joined rows
fetched with it are not locked) on one row; batches lock one row per transaction, in primary
key order. The escalation sweep's guards skip rows somebody holds (`*_states_skip_locked`).
Helpers whose name does not end in `_by_id` (and the incident's lock under
`scope_subtree_or_assisting`) refuse what the actor may not see as NotFound, so existence is
not revealed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.errors import NotFound
from incidents.models import Incident
from incidents.services.locks import incident_lock, scope_subtree_or_units

from .choices import AssistanceState
from .models import AssistanceRequest, ControlRequest, FreezeInstruction
from .selectors import assisting_unit_ids

# --- 1. the incident --------------------------------------------------------------------------
# Taken with incidents' one incident lock (`incidents.services.locks.incident_lock`), under
# one of account control's two scope rules below.

#: What account control reads from a locked incident (its branch and that branch's region).
INCIDENT_RELATED: tuple[str, ...] = ("unit", "unit__parent", "incident_type")

#: Who may reach an incident to request account control on it: the incident's branch lies
#: in the actor's subtree, or the actor's unit is a region asked for assistance on it;
#: NotFound otherwise (no API-scope check: the API view checked its own scope).
scope_subtree_or_assisting = scope_subtree_or_units(
    lambda incident: assisting_unit_ids(incident=incident)
)


def scope_reached_through_request(actor: Actor, incident: Incident, action: str) -> None:
    """The caller reached the incident through one of its requests or instructions, which it
    finds within the actor's scope itself (before the lock, or right after it when the lock
    order puts the incident first): nothing more to check here."""


def control_incident_lock(
    *, actor: Actor, action: str, control_id: int | None = None, number: str | None = None
) -> None:
    """Lock 1 for a write that starts from a request (deciding, withdrawing, confirming):
    the request's incident, found without a lock, so that the playbook steps its result
    does (`controls.step_records`) can be recorded in the documented order. Nothing when
    there is no such request (the request's own lock then answers NotFound, and decides
    what the actor may see)."""
    lookup: dict[str, int | str | None] = (
        {"pk": control_id} if control_id is not None else {"number": number}
    )
    incident_id = (
        ControlRequest.objects.filter(**lookup).values_list("incident_id", flat=True).first()
    )
    if incident_id is not None:
        incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=scope_reached_through_request,
            related=INCIDENT_RELATED,
        )


# --- 2 and 3. requests ------------------------------------------------------------------------


def _control_visible(actor: Actor, control: ControlRequest) -> bool:
    # The approving sub-branch first: the common case (a decider) needs no further query.
    if actor.sees(control.approving_unit) or actor.sees(control.incident.unit):
        return True
    return control.opening_unit is not None and actor.sees(control.opening_unit)


def control_lock(
    *, actor: Actor, control_id: int | None = None, number: str | None = None
) -> ControlRequest:
    """Lock one request, found by id or by its number (the API's key: one query, not two)."""
    lookup: dict[str, int | str | None] = (
        {"pk": control_id} if control_id is not None else {"number": number}
    )
    control: ControlRequest | None = (
        ControlRequest.objects.select_for_update(of=("self",))
        .select_related(
            "incident", "approving_unit", "opening_unit", "requested_by", "requesting_unit"
        )
        .filter(**lookup)
        .order_by()
        .first()
    )
    if control is None or not _control_visible(actor, control):
        raise NotFound(_("No such account control request."))
    return control


def control_lock_by_id(control_id: int, *, related: tuple[str, ...] = ()) -> ControlRequest:
    """Lock a request the caller reached through a row already found in scope."""
    control: ControlRequest = (
        ControlRequest.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=control_id)
    )
    return control


# --- 4. assistance requests -------------------------------------------------------------------


def assistance_lock(*, actor: Actor, assistance_id: int) -> AssistanceRequest:
    """Lock an assistance request seen by the region asked or in the incident's subtree."""
    assistance: AssistanceRequest | None = (
        AssistanceRequest.objects.select_for_update(of=("self",))
        .select_related("incident", "to_unit", "from_unit")
        .filter(pk=assistance_id)
        .first()
    )
    if assistance is None or not (
        actor.sees(assistance.to_unit) or actor.sees(assistance.incident.unit)
    ):
        raise NotFound(_("No such assistance request."))
    return assistance


def open_assistance_lock(*, assistance_id: int, to_unit_id: int) -> AssistanceRequest | None:
    """Lock a request's assistance request if it is still open and was sent to `to_unit_id`."""
    assistance: AssistanceRequest | None = (
        AssistanceRequest.objects.select_for_update(of=("self",))
        .select_related("to_unit")
        .filter(pk=assistance_id, state=AssistanceState.OPEN, to_unit_id=to_unit_id)
        .first()
    )
    return assistance


# --- 5. instructions --------------------------------------------------------------------------


def instruction_lock(instruction_id: int) -> FreezeInstruction:
    instruction: FreezeInstruction = FreezeInstruction.objects.select_for_update(of=("self",)).get(
        pk=instruction_id
    )
    return instruction


# --- the escalation sweep's guards ------------------------------------------------------------


def control_states_skip_locked(ids: list[int]) -> list[tuple[int, str, bool]]:
    """(pk, state, awaiting its review after the fact) of the requests not locked by someone
    else right now."""
    return [
        (pk, state, immediate and not review_outcome)
        for pk, state, immediate, review_outcome in (
            ControlRequest.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids)
            .values_list("pk", "state", "immediate", "review_outcome")
        )
    ]


def assistance_states_skip_locked(ids: list[int]) -> list[tuple[int, str]]:
    """(pk, state) of the assistance requests not locked by someone else right now."""
    return list(
        AssistanceRequest.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "state")
    )
