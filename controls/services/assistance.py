"""Cross-region assistance (跨分行协助止付): one region asking another to control accounts it
holds, acknowledged within the configured minutes (a clock), head office copied.

Locks: the assistance request alone (`assistance_acknowledge`), or after the request whose
decision answers it (`assistance_acknowledge_by_decision`); see `controls.lock_objects`.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _

from clocks.services import clock_start, clock_stop
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Role
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.errors import InvalidTransition
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited
from incidents.models import Incident

from .. import notify
from ..choices import AssistanceState, ClockKind
from ..lock_objects import assistance_lock, open_assistance_lock
from ..models import AssistanceRequest, ControlRequest
from ..permissions import check_may_acknowledge
from ..presentation import assistance_clock_titles, assistance_url
from .common import minutes_setting


def assistance_for(
    *, actor: Actor, incident: Incident, to_unit: OrgUnit, now: datetime.datetime
) -> AssistanceRequest:
    """The incident's assistance request to `to_unit`, raised (and announced) the first time
    an account held there is to be controlled. Inside the caller's transaction, with the
    incident locked."""
    existing: AssistanceRequest | None = AssistanceRequest.objects.filter(
        incident=incident, to_unit=to_unit
    ).first()
    if existing is not None:
        return existing
    from_unit = cast(OrgUnit, incident.unit.region)  # a branch's incident: in a region
    assistance: AssistanceRequest = AssistanceRequest.objects.create(
        incident=incident,
        from_unit=from_unit,
        to_unit=to_unit,
        requested_by=actor.user,
        requested_at=now,
        due_at=now + minutes_setting("CONTROLS_ACKNOWLEDGE_MINUTES"),
    )
    title_zh, title_en = assistance_clock_titles(assistance=assistance, incident=incident)
    clock_start(
        subject=assistance,
        kind=ClockKind.ACKNOWLEDGEMENT,
        due_at=assistance.due_at,
        unit=to_unit,
        owner_role=Role.SUB_BRANCH_MONITOR,
        thread=incident.thread,
        title_zh=title_zh,
        title_en=title_en,
        url=assistance_url(assistance),
    )
    notify.assistance_requested(assistance=assistance, incident=incident)
    audit_record(
        actor=actor,
        action="control.assistance_requested",
        thread=incident.thread,
        target=f"assistance:{assistance.pk}",
        after={
            "from": from_unit.code,
            "to": to_unit.code,
            "due_at": assistance.due_at,
        },
    )
    return assistance


def _acknowledge(
    *,
    actor: Actor,
    assistance: AssistanceRequest,
    incident: Incident,
    note: str,
    action: str,
    by_decision: str | None = None,
) -> float:
    """Mark a locked, open assistance request acknowledged: its clock stops and the
    acknowledgement is audited on the incident. Returns the seconds it took."""
    assistance.acknowledge(by=actor.user, note=note)
    save_or_conflict(assistance, thread=incident.thread, action=action)
    clock_stop(subject=assistance)
    # acknowledge() just set acknowledged_at.
    elapsed = (
        cast(datetime.datetime, assistance.acknowledged_at) - assistance.requested_at
    ).total_seconds()
    data = {"to": assistance.to_unit.code, "seconds": elapsed}
    if by_decision:
        data["by_decision"] = by_decision
    audit_record(
        actor=actor,
        action="control.assistance_acknowledged",
        thread=incident.thread,
        target=f"assistance:{assistance.pk}",
        before={"state": AssistanceState.OPEN},
        after={"state": assistance.state, "note": note},
        data=data,
    )
    return elapsed


def assistance_acknowledge_by_decision(
    *, actor: Actor, control: ControlRequest, incident: Incident, action: str
) -> None:
    """Deciding a request received from another region answers its assistance request
    too: the region acted, so the acknowledgement clock stops and nobody is escalated for a
    request already decided (the decision itself tells the requester). Locked after the
    request (lock order: request, then its assistance request)."""
    if control.assistance_id is None or actor.unit is None:
        return
    assistance = open_assistance_lock(assistance_id=control.assistance_id, to_unit_id=actor.unit.pk)
    if assistance is not None:
        _acknowledge(
            actor=actor,
            assistance=assistance,
            incident=incident,
            note=_("Acknowledged by deciding %(number)s.") % {"number": control.number},
            action=action,
            by_decision=control.number,
        )


@refusals_audited
def assistance_acknowledge(
    *, actor: Actor, assistance_id: int, note: str = ""
) -> AssistanceRequest:
    """A monitor of the region asked acknowledges the assistance request (stopping its
    15-minute clock); they then investigate and may add the accounts that transacted with
    the payee account as further requests."""
    action = "control.assistance_acknowledge"
    note = parse_prose(note, field="note", max_length=2000)
    with transaction.atomic():
        assistance = assistance_lock(actor=actor, assistance_id=assistance_id)
        incident = assistance.incident
        check_may_acknowledge(actor, assistance=assistance)
        if assistance.state != AssistanceState.OPEN:
            raise InvalidTransition(
                _("This assistance request was already acknowledged."),
                code="already_acknowledged",
                thread=incident.thread,
                action=action,
            )
        elapsed = _acknowledge(
            actor=actor, assistance=assistance, incident=incident, note=note, action=action
        )
        notify.assistance_acknowledged(
            assistance=assistance, incident=incident, elapsed=elapsed, note=note
        )
    return assistance
