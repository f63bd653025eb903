"""Remittance reversal (冲正): the filing branch asks its region's remote authorisation
centre to authorise reversing a remittance it sent; one-step approval, then an instruction.

Locks: the incident first (`controls.lock_objects`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import Conflict, InvalidInput
from fraudops.core.services import refusals_audited

from ..choices import ACTIVE_STATES, ControlKind
from ..kit import amount as parse_amount
from ..kit import moment, prose, text
from ..lock_objects import incident_lock
from ..models import ControlRequest
from ..permissions import check_may_request
from .common import audit_label, minutes_setting
from .requests import check_incident_open, control_create, playbook_step_record


@refusals_audited
def reversal_request_create(
    *,
    actor: Actor,
    incident_id: int,
    remittance_reference: str,
    amount: Any,
    payee_account_number: str,
    remitted_at: Any,
    payee_bank: str = "",
    payee_name: str = "",
    reason: str = "",
) -> ControlRequest:
    """Ask the region's remote authorisation centre to authorise reversing (冲正) a
    remittance the branch sent (seed case 1: authorised within seconds, funds recovered)."""
    action = "control.reversal_request"
    errors: dict[str, list[str]] = {}
    reference = text(remittance_reference, max_length=64)
    if not reference:
        errors["remittance_reference"] = [_("Give the remittance's reference.")]
    try:
        value = parse_amount(amount, field="amount", required=True)
    except InvalidInput as exc:
        errors.update(exc.fields)
        value = None
    try:
        payee_number = chinese.normalize_account_number(payee_account_number or "")
    except ValidationError as exc:
        errors["payee_account_number"] = exc.messages
        payee_number = ""
    sent_at = moment(remitted_at)
    if sent_at is None:
        errors["remitted_at"] = [
            _("Enter the time the remittance was sent, e.g. 2026-11-22 13:50.")
        ]
    if sent_at is not None and sent_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["remitted_at"] = [_("The remittance cannot have been sent in the future.")]
    holder = payee_name or ""
    if holder:
        try:
            holder = chinese.normalize_person_name(holder)
        except ValidationError as exc:
            errors["payee_name"] = exc.messages
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        incident = incident_lock(actor=actor, incident_id=incident_id)
        check_may_request(actor, incident=incident, kind=ControlKind.REVERSAL, action=action)
        check_incident_open(incident, action)
        duplicate = ControlRequest.objects.filter(
            incident=incident,
            kind=ControlKind.REVERSAL,
            remittance_reference=reference,
            state__in=ACTIVE_STATES,
        ).first()
        if duplicate is not None:
            raise Conflict(
                _("A reversal of this remittance was already requested: %(number)s (%(state)s).")
                % {"number": duplicate.number, "state": duplicate.get_state_display()},
                code="duplicate_request",
                thread=incident.thread,
                action=action,
            )
        now = timezone.now()
        control = control_create(
            actor=actor,
            incident=incident,
            kind=ControlKind.REVERSAL,
            now=now,
            approving_unit=incident.unit.region,
            due_at=now + minutes_setting("CONTROLS_REVERSAL_MINUTES"),
            account=incident.accounts.filter(number=payee_number).first(),
            account_number=payee_number,
            account_holder=holder,
            amount=value,
            reason=prose(reason, max_length=2000),
            remittance_reference=reference,
            remitted_at=sent_at,
            payee_bank=text(payee_bank, max_length=100),
        )
        audit_record(
            actor=actor,
            action="control.requested",
            thread=incident.thread,
            target=control.number,
            after={
                **audit_label(control),
                "state": control.state,
                "remittance_reference": reference,
                "remitted_at": sent_at,
                "approving_unit": control.approving_unit.code,
                "due_at": control.due_at,
            },
        )
        playbook_step_record(actor=actor, incident=incident, control=control)
    return control
