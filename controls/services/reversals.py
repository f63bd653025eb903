"""Remittance reversal (冲正): the filing branch asks its region's remote authorisation
centre to authorise reversing a remittance it sent; one-step approval, then an instruction.

Locks: the incident first (`controls.lock_objects`).
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import Conflict
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import (
    FieldErrors,
    parse_amount,
    parse_datetime,
    parse_prose,
    parse_text,
    parse_with,
)
from fraudops.core.services import refusals_audited
from incidents.services import incident_lock

from ..choices import ACTIVE_STATES, ControlKind
from ..lock_objects import INCIDENT_RELATED, scope_subtree_or_assisting
from ..models import ControlRequest
from ..permissions import check_may_request
from ..step_records import request_link
from .common import audit_label, minutes_setting
from .requests import check_incident_open, control_create


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
    errors = FieldErrors()
    reference = errors.collect(
        parse_text,
        remittance_reference,
        field="remittance_reference",
        max_length=64,
        required=True,
        required_message=_("Give the remittance's reference."),
        fallback="",
    )
    value = errors.collect(parse_amount, amount, field="amount", required=True)
    payee_number = errors.collect(
        parse_with,
        chinese.normalize_account_number,
        payee_account_number or "",
        field="payee_account_number",
        fallback="",
    )
    sent_message = _("Enter the time the remittance was sent, e.g. 2026-11-22 13:50.")
    sent_at = errors.collect(parse_datetime, remitted_at, field="remitted_at", message=sent_message)
    if sent_at is None and "remitted_at" not in errors.fields:
        errors.add("remitted_at", sent_message)
    if sent_at is not None and sent_at > timezone.now() + datetime.timedelta(minutes=5):
        errors.add("remitted_at", _("The remittance cannot have been sent in the future."))
    holder = payee_name or ""
    if holder:
        holder = errors.collect(
            parse_with, chinese.normalize_person_name, holder, field="payee_name", fallback=holder
        )
    bank = errors.collect(parse_text, payee_bank, field="payee_bank", max_length=100, fallback="")
    reason = errors.collect(parse_prose, reason, field="reason", max_length=2000, fallback="")
    errors.raise_if_any()
    with transaction.atomic():
        incident = incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=scope_subtree_or_assisting,
            related=INCIDENT_RELATED,
        )
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
            approving_unit=cast(OrgUnit, incident.unit.region),  # a branch's: in a region
            due_at=now + minutes_setting("CONTROLS_REVERSAL_MINUTES"),
            account=incident.accounts.filter(number=payee_number).first(),
            account_number=payee_number,
            account_holder=holder,
            amount=value,
            reason=reason,
            remittance_reference=reference,
            remitted_at=sent_at,
            payee_bank=bank,
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
        request_link(actor=actor, incident=incident, control=control)
    return control
