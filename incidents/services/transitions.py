"""Moving the incident between states: the transitions people use (one action each, in
`incidents.actions`) and reporting up, which happens on its own when a level's reporting
step is done."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Level
from fraudops.core.concurrency import check_expected_state, save_or_conflict
from fraudops.core.errors import InvalidInput
from fraudops.core.models import AuditEvent
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited

from .. import notices
from ..actions import TRANSITIONS
from ..choices import MAX_NOTE
from ..models import Incident, Task
from ..task_clocks import incident_clocks_stop_if_over
from .levels import level_tasks_open
from .locks import incident_lock


def incident_snapshot(incident: Incident) -> dict[str, Any]:
    """What the audit trail records before and after a transition."""
    return {"state": incident.state, "level": incident.level}


def incident_report_up(
    incident: Incident, task: Task, *, actor: Actor, now: datetime.datetime
) -> list[Task]:
    """A level's reporting step is done: send the incident up at once, never waiting for
    that level's slow steps (cooperating with the police can take weeks). Called inside
    the caller's transaction with the incident's row locked. Returns the new level's
    tasks (none when the incident did not move); `steps.report_up` is what services call."""
    before = incident_snapshot(incident)
    if task.level == Level.BRANCH and can_proceed(incident.report_to_sub_branch):
        incident.report_to_sub_branch()
        target_level = Level.SUB_BRANCH
    elif task.level == Level.SUB_BRANCH and can_proceed(incident.report_to_head_office):
        incident.report_to_head_office()
        target_level = Level.HEAD_OFFICE
    else:
        return []
    save_or_conflict(incident, action="incident.report_up")
    event = audit_record(
        actor=actor,
        action="incident.reported_up",
        thread=incident.thread,
        target=incident.number,
        before=before,
        after=incident_snapshot(incident),
        data={"step": task.step.code},
    )
    notices.incident_reported_up(
        incident=incident, actor=actor, task=task, level=target_level, event=event
    )
    return level_tasks_open(incident, target_level, now=now)


@refusals_audited
def incident_transition(
    *,
    actor: Actor,
    incident_id: int,
    transition: str,
    reason: str = "",
    expected_state: str | None = None,
) -> Incident:
    """Move the incident: return it for more information, resubmit it, close or withdraw it
    (`transition` names one of `incidents.actions.TRANSITIONS`, which checks who may and
    applies it).

    Reporting up happens on its own when a level's reporting step is done.
    """
    action = f"incident.{transition}"
    reason = parse_prose(reason, field="reason", max_length=MAX_NOTE)
    with transaction.atomic():
        incident = incident_lock(actor=actor, pk=incident_id, action=action)
        check_expected_state(
            obj=incident,
            expected=expected_state,
            action=action,
            message=gettext_lazy(
                "Someone else changed this incident at the same time: it is now “%(state)s”. "
                "Reload it and try again."
            ),
        )
        transition_action = TRANSITIONS.get(transition)
        if transition_action is None:
            raise InvalidInput(
                fields={"transition": [_("Use one of: %s.") % ", ".join(TRANSITIONS)]}
            )
        before = incident_snapshot(incident)
        if transition_action.needs_reason and not reason:
            raise InvalidInput(fields={"reason": [_("Give the reason.")]})
        transition_action.check_may(actor, incident=incident)
        transition_action.apply(incident, reason=reason)
        save_or_conflict(incident, action=action)
        event = audit_record(
            actor=actor,
            action="incident.transition",
            thread=incident.thread,
            target=incident.number,
            before=before,
            after=incident_snapshot(incident),
            data={"transition": transition, "reason": reason},
        )
        incident_clocks_stop_if_over(incident=incident)
        _notify(
            incident, actor=actor, transition=transition, before=before, reason=reason, event=event
        )
    return incident


def _notify(
    incident: Incident,
    *,
    actor: Actor,
    transition: str,
    before: dict[str, Any],
    reason: str,
    event: AuditEvent,
) -> None:
    """The hand-over notice of a transition (incidents.notices), in its transaction."""
    if transition == "return" and incident.level:
        notices.incident_returned(
            incident=incident, actor=actor, level=incident.level, reason=reason, event=event
        )
    elif transition == "resubmit" and incident.level:
        notices.incident_resubmitted(
            incident=incident, actor=actor, level=incident.level, event=event
        )
    elif transition == "close":
        notices.incident_closed(
            incident=incident, actor=actor, level=before["level"] or Level.BRANCH
        )
    elif transition == "withdraw":
        notices.incident_withdrawn(
            incident=incident, actor=actor, reason=reason, level=before["level"] or Level.BRANCH
        )
