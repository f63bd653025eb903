"""Instructions to core banking: issued when a request is approved (and pushed by webhook
through the outbox), delivered when core banking receives them (webhook 2xx or a pull),
confirmed by core banking as executed or failed.

Locks: the incident (but for a release: the result does its playbook step, and an
executed reversal adds to its ledger), then the hold a release names, then the
request, then its instruction (`controls.lock_objects`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.concurrency import save_or_conflict
from fraudops.core.errors import Conflict, InvalidInput, NotFound
from fraudops.core.models import ApiClient, OrgUnit
from fraudops.core.outbox import outbox_enqueue
from fraudops.core.parsing import parse_prose, parse_text
from fraudops.core.services import refusals_audited
from incidents.choices import LedgerKind, LedgerSource
from incidents.services import incident_lock, ledger_entry_add

from .. import notify
from ..choices import ControlKind, DeliveryChannel, InstructionStatus, WebhookEvent
from ..lock_objects import control_lock_by_id, instruction_lock, scope_reached_through_request
from ..models import ControlRequest, FreezeInstruction
from ..permissions import check_may_confirm, webhook_subscribed
from ..step_records import result_link
from .common import audit_label, snapshot

CONFIRM_RESULTS = (InstructionStatus.EXECUTED, InstructionStatus.FAILED)


def _webhook_clients(unit: OrgUnit) -> list[ApiClient]:
    clients = (
        ApiClient.objects.filter(is_active=True)
        .exclude(webhook_url="")
        .exclude(webhook_secret="")
        .select_related("unit")
    )
    return [client for client in clients if webhook_subscribed(client, unit)]


def instruction_issue(*, actor: Actor, control: ControlRequest) -> FreezeInstruction:
    """Turn an approved control into core banking's instruction, and push it to every
    subscribed client through the outbox. Inside the approving transaction."""
    releases = None
    if control.kind == ControlKind.RELEASE:
        releases = FreezeInstruction.objects.filter(control_id=control.releases_id).first()
    instruction: FreezeInstruction = FreezeInstruction.objects.create(
        control=control,
        kind=control.kind,
        account_number=control.account_number,
        amount=control.amount,
        reference=control.number,
        unit=control.opening_unit or control.incident.unit,
        releases=releases,
        issued_at=control.approved_at or timezone.now(),
    )
    for client in _webhook_clients(instruction.unit):
        event = WebhookEvent.INSTRUCTION_ISSUED
        outbox_enqueue(
            kind="webhook",
            payload={"client": client.pk, "instruction": instruction.pk, "event": event},
            dedupe_key=f"webhook:{client.pk}:{instruction.pk}:{event}",
        )
    audit_record(
        actor=actor,
        action="control.instruction_issued",
        thread=control.incident.thread,
        target=control.number,
        after={
            "instruction_id": instruction.pk,
            "kind": instruction.kind,
            "account": instruction.account_number,
            "amount": instruction.amount,
            "unit": instruction.unit.code,
        },
    )
    return instruction


def instructions_mark_delivered(*, actor: Actor, instruction_ids: list[int], via: str) -> int:
    """Record that core banking received these instructions (its webhook answered 2xx, or it
    pulled them): each approved request becomes `sent`. Idempotent: only the first delivery
    of each counts. Returns how many were newly delivered."""
    waiting = list(
        FreezeInstruction.objects.filter(pk__in=instruction_ids, delivered_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "control_id")
    )
    delivered = 0
    for instruction_id, control_id in waiting:
        with transaction.atomic():
            control = control_lock_by_id(control_id, related=("incident",))
            instruction = instruction_lock(instruction_id)
            if instruction.delivered_at is not None:
                continue
            instruction.delivered_at = timezone.now()
            instruction.delivered_via = via
            instruction.save(update_fields=["delivered_at", "delivered_via"])
            if can_proceed(control.mark_sent):
                control.mark_sent()
                save_or_conflict(
                    control, thread=control.incident.thread, action="control.delivered"
                )
            audit_record(
                actor=actor,
                action="control.instruction_delivered",
                thread=control.incident.thread,
                target=control.number,
                after={"state": control.state, "via": via},
                data={"instruction_id": instruction.pk},
            )
            delivered += 1
    return delivered


@refusals_audited
def instruction_confirm(
    *, actor: Actor, instruction_id: int, result: str, reference: str = "", detail: str = ""
) -> tuple[FreezeInstruction, bool]:
    """Core banking confirms an instruction as executed (with its own reference) or failed.

    Returns (instruction, changed). Confirming again with the same result changes nothing
    and answers with the recorded state; a different result or reference is a conflict.
    An executed release lifts the hold it names.
    """
    action = "control.confirm"
    reference = parse_text(reference, field="reference", max_length=64)
    detail = parse_prose(detail, field="detail", max_length=2000)
    check_may_confirm(actor, action=action)
    if result not in CONFIRM_RESULTS:
        raise InvalidInput(fields={"result": [_("Use executed or failed.")]})
    if result == InstructionStatus.EXECUTED and not reference:
        raise InvalidInput(
            fields={"reference": [_("Give core banking's reference for the executed instruction.")]}
        )
    row = (
        FreezeInstruction.objects.filter(pk=instruction_id)
        .values_list(
            "control_id", "control__releases_id", "unit__path", "kind", "control__incident_id"
        )
        .first()
    )
    if row is None or not actor.sees(OrgUnit(path=row[2])):
        raise NotFound(_("No such instruction."))
    control_id, original_id, kind, incident_id = row[0], row[1], row[3], row[4]
    with transaction.atomic():
        # Lock order: the incident (not for a release), the hold a release names, then the
        # request, then its instruction.
        # Every result but a release's does the incident's playbook step (`result_link`).
        locked_incident = None
        if kind != ControlKind.RELEASE:
            locked_incident = incident_lock(
                actor=actor,
                pk=incident_id,
                action=action,
                scope=scope_reached_through_request,
                related=(),
            )
        original = None
        if original_id is not None:
            original = control_lock_by_id(original_id)
        control = control_lock_by_id(control_id, related=("incident", "approving_unit"))
        instruction = instruction_lock(instruction_id)
        incident = control.incident
        if instruction.status != InstructionStatus.PENDING:
            if instruction.status == result and reference in ("", instruction.bank_reference):
                return instruction, False
            raise Conflict(
                _(
                    "This instruction was already confirmed as %(status)s (reference "
                    "%(reference)s); a different confirmation cannot replace it."
                )
                % {
                    "status": instruction.get_status_display(),
                    "reference": instruction.bank_reference or "-",
                },
                code="already_confirmed",
                thread=incident.thread,
                action=action,
            )
        now = timezone.now()
        before_state = control.state
        if instruction.delivered_at is None:
            instruction.delivered_at = now
            instruction.delivered_via = DeliveryChannel.CONFIRMATION
        if result == InstructionStatus.EXECUTED:
            instruction.confirm_executed()
            control.execute()
        else:
            instruction.confirm_failed()
            control.fail()
        instruction.confirmed_by = actor.client
        instruction.bank_reference = reference
        instruction.detail = detail
        save_or_conflict(instruction, thread=incident.thread, action=action)
        save_or_conflict(control, thread=incident.thread, action=action)
        if original is not None and result == InstructionStatus.EXECUTED:
            before = snapshot(original)
            original.release()
            save_or_conflict(original, thread=incident.thread, action=action)
            audit_record(
                actor=actor,
                action="control.released",
                thread=incident.thread,
                target=original.number,
                before=before,
                after={"state": original.state},
                data={"release": control.number},
            )
        if (
            locked_incident is not None
            and kind == ControlKind.REVERSAL
            and result == InstructionStatus.EXECUTED
            and control.amount
        ):
            # The money is back: one entry of the incident's ledger, referenced by the
            # reversal's number, so that it is written once however often it is confirmed
            # (core banking's own reference is its note).
            ledger_entry_add(
                actor=actor,
                incident=locked_incident,
                kind=LedgerKind.RECOVERY,
                source=LedgerSource.REVERSAL_EXECUTED,
                amount=control.amount,
                occurred_at=now,
                reference=control.number,
                note=reference,
            )
        audit_record(
            actor=actor,
            action="control.confirmed",
            thread=incident.thread,
            target=control.number,
            before={"state": before_state},
            after={"state": control.state, "reference": reference, "detail": detail},
            data={
                **audit_label(control),
                "instruction_id": instruction.pk,
                "seconds_since_approval": control.execution_seconds,
            },
        )
        notify.instruction_confirmed(
            control=control, incident=incident, result=result, reference=reference, detail=detail
        )
        result_link(actor=actor, incident=incident, control=control)
    return instruction, True
