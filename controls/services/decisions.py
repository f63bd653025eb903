"""Deciding a request: approve (one step, or first and second approval above the limit),
reject with a reason, or withdraw it (the requester). Four-eyes is checked here and held by
the database.

Locks: (rejecting, withdrawing: the incident, whose playbook step the result does) the
request, then its assistance request (answered by the decision); an approval creates the
instruction (`controls.lock_objects`).
"""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from clocks.services import clock_stop
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.concurrency import check_expected_state, save_or_conflict
from fraudops.core.errors import InvalidInput, InvalidTransition
from fraudops.core.models import User
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited

from .. import notify
from ..choices import ControlState
from ..lock_objects import control_incident_lock, control_lock
from ..models import ControlRequest
from ..permissions import check_may_decide, check_may_withdraw
from ..step_records import result_link
from .assistance import assistance_acknowledge_by_decision
from .common import audit_label, snapshot
from .instructions import instruction_issue

S = ControlState

# A decision taken on a stale page (the form or API body sent the state it saw).
STALE_DECISION = gettext_lazy(
    "Someone else decided this request at the same time: it is now “%(state)s”."
)


def _control_to_decide(
    *,
    actor: Actor,
    control_id: int | None,
    number: str | None,
    expected_state: str | None,
    action: str,
) -> ControlRequest:
    """The request, locked, once the actor may decide it and it is still in the state the
    decision was made against (what approving and rejecting both begin with)."""
    control = control_lock(actor=actor, control_id=control_id, number=number)
    check_may_decide(actor, control=control, action=action)
    check_expected_state(
        obj=control,
        expected=expected_state,
        thread=control.incident.thread,
        action=action,
        message=STALE_DECISION,
    )
    return control


def _not_pending(control: ControlRequest, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("This request is no longer awaiting a decision: it is “%(state)s”.")
        % {"state": control.get_state_display()},
        code="already_decided",
        thread=control.incident.thread,
        action=action,
    )


@refusals_audited
def control_request_approve(
    *,
    actor: Actor,
    control_id: int | None = None,
    number: str | None = None,
    expected_state: str | None = None,
) -> ControlRequest:
    """Approve a request as a monitor of the region holding the account (a reversal: as the
    region's remote authorisation centre). Never one's own request; above the configured
    amount, a second and different approver completes it. Once approved, the instruction
    to core banking is issued in the same transaction."""
    action = "control.approve"
    with transaction.atomic():
        control = _control_to_decide(
            actor=actor,
            control_id=control_id,
            number=number,
            expected_state=expected_state,
            action=action,
        )
        incident = control.incident
        before = snapshot(control)
        if can_proceed(control.approve):
            control.approve(by=actor.user)
        elif can_proceed(control.approve_first):
            control.approve_first(by=actor.user)
        elif can_proceed(control.approve_second):
            control.approve_second(by=actor.user)
        else:
            raise _not_pending(control, action)
        save_or_conflict(control, thread=incident.thread, action=action)
        assistance_acknowledge_by_decision(
            actor=actor, control=control, incident=incident, action=action
        )
        audit_record(
            actor=actor,
            action="control.approved" if control.state == S.APPROVED else "control.first_approved",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state},
            data={
                **audit_label(control),
                "approval_seconds": control.approval_seconds,
                "second_approval": control.second_approved_by_id is not None,
            },
        )
        if control.state == S.APPROVED:
            clock_stop(subject=control)
            instruction_issue(actor=actor, control=control)
            notify.control_approved(control=control, incident=incident)
        else:
            notify.second_approval_needed(
                control=control,
                incident=incident,
                first_approver_id=cast(User, actor.user).pk,  # deciders are people
            )
    return control


@refusals_audited
def control_request_reject(
    *,
    actor: Actor,
    control_id: int | None = None,
    number: str | None = None,
    reason: str,
    expected_state: str | None = None,
) -> ControlRequest:
    """Reject a request, with the reason (told to the requester)."""
    action = "control.reject"
    reason = parse_prose(reason, field="reason", max_length=2000)
    with transaction.atomic():
        control_incident_lock(actor=actor, action=action, control_id=control_id, number=number)
        control = _control_to_decide(
            actor=actor,
            control_id=control_id,
            number=number,
            expected_state=expected_state,
            action=action,
        )
        incident = control.incident
        if not can_proceed(control.reject):
            raise _not_pending(control, action)
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the request is rejected.")]})
        before = snapshot(control)
        control.reject(by=actor.user, reason=reason)
        save_or_conflict(control, thread=incident.thread, action=action)
        assistance_acknowledge_by_decision(
            actor=actor, control=control, incident=incident, action=action
        )
        clock_stop(subject=control)
        notify.control_rejected(control=control, incident=incident, reason=reason)
        audit_record(
            actor=actor,
            action="control.rejected",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state, "reason": reason},
            data=audit_label(control),
        )
        result_link(actor=actor, incident=incident, control=control)
    return control


@refusals_audited
def control_request_withdraw(
    *, actor: Actor, control_id: int | None = None, number: str | None = None, reason: str
) -> ControlRequest:
    """The requester withdraws a request that was not decided yet (raised by mistake)."""
    action = "control.withdraw"
    reason = parse_prose(reason, field="reason", max_length=2000)
    with transaction.atomic():
        control_incident_lock(actor=actor, action=action, control_id=control_id, number=number)
        control = control_lock(actor=actor, control_id=control_id, number=number)
        incident = control.incident
        check_may_withdraw(actor, control=control)
        if not can_proceed(control.withdraw):
            raise _not_pending(control, action)
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the request is withdrawn.")]})
        before = snapshot(control)
        control.withdraw(reason=reason)
        save_or_conflict(control, thread=incident.thread, action=action)
        clock_stop(subject=control)
        audit_record(
            actor=actor,
            action="control.withdrawn",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state, "reason": reason},
            data=audit_label(control),
        )
        result_link(actor=actor, incident=incident, control=control)
    return control
