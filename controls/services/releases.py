"""Releasing a hold: a release is its own request (`kind=release`, naming the hold),
approved like the hold and executed by core banking as its own instruction; when core
banking confirms it, the hold becomes `released` (`instructions.instruction_confirm`).

Locks: the incident, then the hold (`controls.lock_objects`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited
from incidents.services import incident_lock

from ..choices import UNFINISHED_STATES, ControlKind, ControlState
from ..lock_objects import control_lock, scope_reached_through_request
from ..models import ControlRequest
from ..permissions import check_may_release
from ..selectors import assisting_unit_ids
from .common import audit_label, minutes_setting
from .requests import control_create


@refusals_audited
def control_release_request(
    *, actor: Actor, control_id: int | None = None, number: str | None = None, reason: str
) -> ControlRequest:
    """Ask to lift an executed stop-payment or freeze; the release is approved like the hold
    (same region, same four-eyes) and executed by core banking as its own instruction."""
    action = "control.release_request"
    reason = parse_prose(reason, field="reason", max_length=2000)
    lookup: dict[str, int | str | None] = (
        {"pk": control_id} if control_id is not None else {"number": number}
    )
    incident_id = (
        ControlRequest.objects.filter(**lookup).values_list("incident_id", flat=True).first()
    )
    if incident_id is None:
        raise NotFound(_("No such account control request."))
    with transaction.atomic():
        # The incident first (lock order); the request's own lock checks the actor sees it.
        incident = incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=scope_reached_through_request,
            related=("unit", "unit__parent"),
        )
        original = control_lock(actor=actor, control_id=control_id, number=number)
        check_may_release(
            actor,
            control=original,
            incident=incident,
            assisting_unit_ids=assisting_unit_ids(incident=incident),
            action=action,
        )
        if not original.is_hold or original.state != ControlState.EXECUTED:
            raise InvalidTransition(
                _("Only an executed stop-payment or freeze can be released."),
                thread=incident.thread,
                action=action,
            )
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the hold can be lifted.")]})
        open_release = original.release_requests.filter(state__in=UNFINISHED_STATES).first()
        if open_release is not None:
            raise Conflict(
                _("A release of this hold is already under way: %(number)s.")
                % {"number": open_release.number},
                code="duplicate_request",
                thread=incident.thread,
                action=action,
            )
        now = timezone.now()
        control = control_create(
            actor=actor,
            incident=incident,
            kind=ControlKind.RELEASE,
            now=now,
            approving_unit=original.approving_unit,
            due_at=now + minutes_setting("CONTROLS_APPROVAL_MINUTES"),
            account=original.account,
            account_number=original.account_number,
            account_holder=original.account_holder,
            opening_unit=original.opening_unit,
            assistance=original.assistance,
            releases=original,
            amount=original.amount,
            reason=reason,
            needs_second_approval=original.needs_second_approval,
        )
        audit_record(
            actor=actor,
            action="control.requested",
            thread=incident.thread,
            target=control.number,
            after={**audit_label(control), "state": control.state, "releases": original.number},
            data={"reason": reason},
        )
    return control
