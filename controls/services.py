"""Writes to account control. Each one checks who is acting and in which unit, runs inside
`atomic()`, locks in one order (incident, then the hold a release names, then the request,
then its instruction), audits on the incident's thread in the same transaction, and leaves
every side effect (notifications, webhooks) in the outbox.

The browser, the API, the admin and the demo builder all call these functions.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_fsm import ConcurrentTransition, can_proceed

from clocks.services import clock_start, clock_stop
from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import ApiScope, Level, Role
from fraudops.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionRefused,
)
from fraudops.core.models import ApiClient, OrgUnit
from fraudops.core.outbox import outbox_enqueue
from fraudops.core.services import refusals_audited, sequence_next
from incidents.choices import TaskStatus
from incidents.models import Account, Incident, Task
from incidents.permissions import can_work_task
from incidents.services import incident_record_recovery, task_complete

from . import notify
from .choices import (
    ACTIVE_STATES,
    HOLD_KINDS,
    UNFINISHED_STATES,
    AssistanceState,
    ClockKind,
    ControlKind,
    ControlState,
    DeliveryChannel,
    InstructionStatus,
    WebhookEvent,
)
from .models import AssistanceRequest, ControlRequest, FreezeInstruction
from .permissions import (
    approver_role,
    check_may_acknowledge,
    check_may_decide,
    check_may_request,
    check_may_withdraw,
    webhook_subscribed,
)

S = ControlState
MAX_TARGETS = 20


class AccountNotControllable(InvalidInput):
    """The account is not held at this bank: this bank cannot stop or freeze it."""

    default_code = "account_not_at_this_bank"
    default_message = gettext_lazy(
        "This account is not held at this bank, so it cannot be stopped or frozen here. "
        "Ask the account's bank through the police or the payment network."
    )
    audited = True


# --- urls and small helpers -------------------------------------------------------------------


def control_url(control: ControlRequest) -> str:
    return reverse("controls:request-detail", kwargs={"number": control.number})


def authorise_url(control: ControlRequest) -> str:
    return reverse("controls:authorise", kwargs={"number": control.number})


def assistance_url(assistance: AssistanceRequest) -> str:
    return reverse("controls:assistance-detail", kwargs={"pk": assistance.pk})


def _minutes(name: str) -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, name)))


def _second_approval_threshold() -> Decimal:
    return Decimal(str(settings.CONTROLS_SECOND_APPROVAL_ABOVE))


def _text(value: Any, *, max_length: int) -> str:
    """An identifier or short label, folded (full-width forms to ASCII)."""
    return chinese.fold(str(value or "")).strip()[:max_length]


def _prose(value: Any, *, max_length: int) -> str:
    """A reason, note or detail, kept as typed (Chinese punctuation, line breaks)."""
    return chinese.prose(value)[:max_length]


def _amount(value: Any, *, field: str, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(fields={field: [_("This field is required.")]})
        return None
    try:
        amount = Decimal(chinese.fold(str(value)).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            fields={field: [_("Enter an amount in yuan, for example 12000.50.")]}
        ) from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e14"):
        raise InvalidInput(
            fields={field: [_("Enter a positive amount in yuan with at most two decimals.")]}
        )
    return amount


def _save(obj, *, thread: str, action: str) -> None:
    try:
        obj.save()
    except ConcurrentTransition:
        raise Conflict(thread=thread, action=action) from None


def _snapshot(control: ControlRequest) -> dict:
    return {"state": control.state}


def _label(control: ControlRequest) -> dict:
    return {
        "number": control.number,
        "kind": control.kind,
        "account": control.account_number,
        "amount": control.amount,
    }


def _params(control: ControlRequest, incident: Incident, **extra):
    """Notification parameters, evaluated once per language."""

    def params() -> dict:
        return {
            "number": control.number,
            "kind": ControlKind(control.kind).label,
            "account": control.account_number,
            "incident": incident.number,
            "amount": control.amount if control.amount is not None else _("whole account"),
            "unit": control.approving_unit.name,
            **{key: value() if callable(value) else value for key, value in extra.items()},
        }

    return params


# --- locking ----------------------------------------------------------------------------------


def _assisting_unit_ids(incident: Incident) -> set[int]:
    return set(
        AssistanceRequest.objects.filter(incident=incident).values_list("to_unit_id", flat=True)
    )


def _incident_for_update(*, actor: Actor, incident_id: int, action: str) -> Incident:
    """Lock the incident; refuse it as not found when the actor may not see it."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__parent", "incident_type")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound(_("No such incident."))
    if not (
        actor.sees(incident.unit)
        or (actor.unit is not None and actor.unit.pk in _assisting_unit_ids(incident))
    ):
        raise NotFound(_("No such incident."))
    return incident


def _control_visible(actor: Actor, control: ControlRequest) -> bool:
    # The approving sub-branch first: the common case (a decider) needs no further query.
    if actor.sees(control.approving_unit) or actor.sees(control.incident.unit):
        return True
    return control.opening_unit is not None and actor.sees(control.opening_unit)


def _control_for_update(
    *, actor: Actor, control_id: int | None = None, number: str | None = None
) -> ControlRequest:
    """Lock one request, found by id or by its number (the API's key: one query, not two)."""
    lookup = {"pk": control_id} if control_id is not None else {"number": number}
    control = (
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


# --- requesting -------------------------------------------------------------------------------


def _resolve_target(incident: Incident, target: dict, index: int, *, action: str) -> dict:
    """One account to control: an incident account by id, or a linked account typed in
    with its opening unit's code."""
    prefix = f"accounts[{index}]"
    amount = _amount(target.get("amount"), field=f"{prefix}.amount", required=False)
    account_id = target.get("account")
    if account_id:
        account = (
            Account.objects.select_related("opening_unit", "opening_unit__parent")
            .filter(pk=account_id, incident=incident)
            .first()
        )
        if account is None:
            raise InvalidInput(
                fields={f"{prefix}.account": [_("This incident has no such account.")]}
            )
        if not account.at_this_bank or account.opening_unit is None:
            raise AccountNotControllable(
                fields={f"{prefix}.account": [str(AccountNotControllable.default_message)]},
                thread=incident.thread,
                action=action,
            )
        return {
            "account": account,
            "number": account.number,
            "holder": account.holder_name,
            "opening_unit": account.opening_unit,
            "region": _approving_region(account.opening_unit, f"{prefix}.account"),
            "amount": amount,
        }
    raw_number = target.get("number") or ""
    try:
        number = chinese.normalize_account_number(raw_number)
    except ValidationError as exc:
        raise InvalidInput(fields={f"{prefix}.number": exc.messages}) from None
    code = _text(target.get("opening_unit"), max_length=32).upper()
    if not code:
        if target.get("at_this_bank") is False:
            raise AccountNotControllable(
                fields={f"{prefix}.opening_unit": [str(AccountNotControllable.default_message)]},
                thread=incident.thread,
                action=action,
            )
        raise InvalidInput(
            fields={
                f"{prefix}.opening_unit": [
                    _("Give the code of the branch where the account was opened.")
                ]
            }
        )
    opening_unit = OrgUnit.objects.select_related("parent").filter(code=code).first()
    if opening_unit is None:
        raise InvalidInput(fields={f"{prefix}.opening_unit": [_("No org unit has this code.")]})
    if opening_unit.level != Level.BRANCH:
        raise InvalidInput(
            fields={f"{prefix}.opening_unit": [_("Give the branch where the account was opened.")]}
        )
    holder = target.get("holder_name") or ""
    if holder:
        try:
            holder = chinese.normalize_person_name(holder)
        except ValidationError as exc:
            raise InvalidInput(fields={f"{prefix}.holder_name": exc.messages}) from None
    # A typed number that is one of the incident's accounts is that account.
    account = incident.accounts.filter(number=number).first()
    return {
        "account": account,
        "number": number,
        "holder": holder or (account.holder_name if account else ""),
        "opening_unit": opening_unit,
        "region": _approving_region(opening_unit, f"{prefix}.opening_unit"),
        "amount": amount,
    }


def _approving_region(opening_unit: OrgUnit, field: str) -> OrgUnit:
    """The sub-branch over the account's opening unit: its monitors decide."""
    region = opening_unit.region
    if region is None:
        raise InvalidInput(
            fields={
                field: [
                    _(
                        "The account's opening unit is head office: record the branch or "
                        "sub-branch that holds it."
                    )
                ]
            }
        )
    return region


def _next_number(kind: str, now: datetime.datetime) -> str:
    if kind == ControlKind.REVERSAL:
        return f"RV-{now.year}-{sequence_next(name='reversal', year=now.year):06d}"
    return f"AC-{now.year}-{sequence_next(name='control', year=now.year):06d}"


def _assistance_for(
    *, actor: Actor, incident: Incident, to_unit: OrgUnit, now: datetime.datetime
) -> AssistanceRequest:
    """The incident's assistance request to `to_unit`, raised (and announced) the first time
    an account held there is to be controlled."""
    existing = AssistanceRequest.objects.filter(incident=incident, to_unit=to_unit).first()
    if existing is not None:
        return existing
    from_unit = incident.unit.region
    assistance = AssistanceRequest.objects.create(
        incident=incident,
        from_unit=from_unit,
        to_unit=to_unit,
        requested_by=actor.user,
        requested_at=now,
        due_at=now + _minutes("CONTROLS_ACKNOWLEDGE_MINUTES"),
    )
    url = assistance_url(assistance)
    clock_start(
        subject=assistance,
        kind=ClockKind.ACKNOWLEDGEMENT,
        due_at=assistance.due_at,
        unit=to_unit,
        owner_role=Role.SUB_BRANCH_MONITOR,
        thread=incident.thread,
        title_zh=f"确认跨分行协助止付请求 {incident.number}({from_unit.name_zh})",
        title_en=f"Acknowledge the assistance request on {incident.number} "
        f"from {from_unit.name_en}",
        url=url,
    )

    def params() -> dict:
        return {
            "incident": incident.number,
            "from": from_unit.name,
            "to": to_unit.name,
            "minutes": settings.CONTROLS_ACKNOWLEDGE_MINUTES,
            "summary": incident.summary[:200],
        }

    notify.notify(
        user_ids=notify.users_with_role(units=[to_unit], role=Role.SUB_BRANCH_MONITOR),
        title=gettext_noop("Assistance requested by %(from)s on %(incident)s"),
        body=gettext_noop(
            "Accounts held in your region received money in incident %(incident)s. "
            "Acknowledge within %(minutes)s minutes, investigate and control the payee "
            "account and the accounts that transacted with it. %(summary)s"
        ),
        params=params,
        url=url,
        key=f"controls:assistance:{assistance.pk}:asked",
        thread=incident.thread,
        tone="danger",
    )
    notify.notify(
        user_ids=notify.head_office_monitors(),
        title=gettext_noop("Copy: %(from)s asked %(to)s for assistance on %(incident)s"),
        body=gettext_noop(
            "Head office is copied on this cross-region request to control accounts. %(summary)s"
        ),
        params=params,
        url=url,
        key=f"controls:assistance:{assistance.pk}:copied",
        thread=incident.thread,
    )
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


def _start_approval(*, actor: Actor, control: ControlRequest, incident: Incident, url: str) -> None:
    """The approval clock and the approvers' notification of a new request."""
    role = approver_role(control.kind)
    kind_zh = {
        "stop_payment": "止付",
        "freeze": "冻结",
        "release": "解除止付/冻结",
        "reversal": "汇款冲正",
    }
    clock_start(
        subject=control,
        kind=ClockKind.AUTHORISATION
        if control.kind == ControlKind.REVERSAL
        else ClockKind.APPROVAL,
        due_at=control.due_at,
        unit=control.approving_unit,
        owner_role=role,
        thread=incident.thread,
        title_zh=f"审批{kind_zh[control.kind]}申请 {control.number}({incident.number})",
        title_en=f"Decide {ControlKind(control.kind).label.lower()} request {control.number} "
        f"({incident.number})",
        url=url,
    )
    notify.notify(
        user_ids=notify.users_with_role(
            units=[control.approving_unit], role=role, exclude=[control.requested_by_id]
        ),
        title=gettext_noop("%(kind)s %(number)s awaits your decision"),
        body=gettext_noop(
            "Incident %(incident)s: %(kind)s on account %(account)s, amount %(amount)s. "
            "Decide by %(due)s."
        ),
        params=_params(
            control,
            incident,
            due=lambda: timezone.localtime(control.due_at).strftime("%H:%M"),
        ),
        url=url,
        key=f"controls:{control.pk}:requested",
        thread=incident.thread,
        tone="danger",
    )


# The branch's playbook step "stop payment on the fraud account" is done by raising the
# request: its evidence is the request's facts, so the teller does not type them twice.
PLAYBOOK_STEP = "stop_payment"
PLAYBOOK_ACTIONS = {ControlKind.STOP_PAYMENT: "stop_payment", ControlKind.REVERSAL: "reversal"}


def _record_playbook_step(*, actor: Actor, incident: Incident, control: ControlRequest) -> None:
    """Complete the branch's open stop-payment step with this request's facts, when the
    requester is someone who may work that step (the first request does it; later ones
    are on the incident's account-control panel). Inside the caller's transaction."""
    action = PLAYBOOK_ACTIONS.get(control.kind)
    amount = control.amount if control.amount is not None else incident.amount_lost
    if action is None or not amount:
        return
    task = (
        Task.objects.select_related("step", "unit")
        .filter(incident=incident, step__code=PLAYBOOK_STEP, status=TaskStatus.OPEN)
        .order_by("order")
        .first()
    )
    if task is None or not can_work_task(actor, task, incident):
        return
    task_complete(
        actor=actor,
        task_id=task.pk,
        note=(
            _("Recorded from account control request %(number)s.")
            if control.amount is not None
            else _(
                "Recorded from account control request %(number)s, on the whole account: "
                "the amount shown is the incident's amount lost."
            )
        )
        % {"number": control.number},
        evidence={
            "action": action,
            "account_number": control.account_number,
            "amount": f"{Decimal(amount):.2f}",
            "request_reference": control.number,
        },
    )


def _create_control(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    now: datetime.datetime,
    approving_unit: OrgUnit,
    due_at: datetime.datetime,
    **fields,
) -> ControlRequest:
    control = ControlRequest(
        number=_next_number(kind, now),
        kind=kind,
        incident=incident,
        approving_unit=approving_unit,
        requested_by=actor.user,
        requesting_unit=actor.unit,
        requested_at=now,
        due_at=due_at,
        **fields,
    )
    control.save()
    return control


def _check_incident_open(incident: Incident, action: str) -> None:
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: no new account control can be requested on it.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )


@refusals_audited
def control_requests_create(
    *,
    actor: Actor,
    incident_id: int,
    kind: str,
    targets: list[dict],
    reason: str = "",
) -> list[ControlRequest]:
    """Request a stop-payment or freeze on one or more accounts of an incident.

    Each target is `{"account": <incident account id>, "amount": ...}` or, for a linked
    account typed in, `{"number", "opening_unit" (branch code), "holder_name", "amount"}`;
    `amount` is optional (a partial hold). Each account's request goes to the operations
    monitors of the region that holds it; an account held in another region turns into a
    cross-region assistance request (that region told at once, head office copied).
    All or nothing: one bad target refuses the whole request.
    """
    action = "control.request"
    if kind not in HOLD_KINDS:
        raise InvalidInput(
            fields={"kind": [_("Use one of: %s.") % ", ".join(str(k) for k in HOLD_KINDS)]}
        )
    if not targets:
        raise InvalidInput(fields={"accounts": [_("Choose at least one account.")]})
    if len(targets) > MAX_TARGETS:
        raise InvalidInput(
            fields={"accounts": [_("At most %(max)d accounts at once.") % {"max": MAX_TARGETS}]}
        )
    reason = _prose(reason, max_length=2000)
    created: list[ControlRequest] = []
    with transaction.atomic():
        incident = _incident_for_update(actor=actor, incident_id=incident_id, action=action)
        check_may_request(
            actor, incident=incident, kind=kind, assisting_unit_ids=_assisting_unit_ids(incident)
        )
        _check_incident_open(incident, action)
        resolved = [
            _resolve_target(incident, target, index, action=action)
            for index, target in enumerate(targets)
        ]
        numbers = [item["number"] for item in resolved]
        if len(set(numbers)) != len(numbers):
            raise InvalidInput(fields={"accounts": [_("The same account is listed twice.")]})
        existing = {
            c.account_number: c
            for c in ControlRequest.objects.filter(
                incident=incident, kind=kind, account_number__in=numbers, state__in=ACTIVE_STATES
            )
        }
        if existing:
            first = next(iter(existing.values()))
            raise Conflict(
                _("%(kind)s on account %(account)s was already requested: %(number)s (%(state)s).")
                % {
                    "kind": ControlKind(kind).label,
                    "account": first.account_number,
                    "number": first.number,
                    "state": first.get_state_display(),
                },
                code="duplicate_request",
                thread=incident.thread,
                action=action,
            )
        now = timezone.now()
        incident_region = incident.unit.region
        threshold = _second_approval_threshold()
        for item in resolved:
            region = item["region"]
            assistance = None
            if region.pk != incident_region.pk:
                assistance = _assistance_for(
                    actor=actor, incident=incident, to_unit=region, now=now
                )
            at_stake = item["amount"] if item["amount"] is not None else incident.amount_lost
            control = _create_control(
                actor=actor,
                incident=incident,
                kind=kind,
                now=now,
                approving_unit=region,
                due_at=now + _minutes("CONTROLS_APPROVAL_MINUTES"),
                account=item["account"],
                account_number=item["number"],
                account_holder=item["holder"],
                opening_unit=item["opening_unit"],
                assistance=assistance,
                amount=item["amount"],
                reason=reason,
                needs_second_approval=at_stake > threshold,
            )
            _start_approval(
                actor=actor, control=control, incident=incident, url=control_url(control)
            )
            audit_record(
                actor=actor,
                action="control.requested",
                thread=incident.thread,
                target=control.number,
                after={
                    **_label(control),
                    "state": control.state,
                    "opening_unit": item["opening_unit"].code,
                    "approving_unit": region.code,
                    "cross_region": assistance is not None,
                    "needs_second_approval": control.needs_second_approval,
                    "due_at": control.due_at,
                    "reason": reason,
                },
            )
            created.append(control)
        if created:
            _record_playbook_step(actor=actor, incident=incident, control=created[0])
    return created


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
    reference = _text(remittance_reference, max_length=64)
    if not reference:
        errors["remittance_reference"] = [_("Give the remittance's reference.")]
    try:
        value = _amount(amount, field="amount", required=True)
    except InvalidInput as exc:
        errors.update(exc.fields)
        value = None
    try:
        payee_number = chinese.normalize_account_number(payee_account_number or "")
    except ValidationError as exc:
        errors["payee_account_number"] = exc.messages
        payee_number = ""
    sent_at = remitted_at
    if not isinstance(sent_at, datetime.datetime):
        sent_at = (
            parse_datetime(chinese.fold(str(remitted_at or "")).strip()) if remitted_at else None
        )
    if sent_at is None:
        errors["remitted_at"] = [
            _("Enter the time the remittance was sent, e.g. 2026-11-22 13:50.")
        ]
    elif timezone.is_naive(sent_at):
        sent_at = timezone.make_aware(sent_at)
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
        incident = _incident_for_update(actor=actor, incident_id=incident_id, action=action)
        check_may_request(actor, incident=incident, kind=ControlKind.REVERSAL, action=action)
        _check_incident_open(incident, action)
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
        control = _create_control(
            actor=actor,
            incident=incident,
            kind=ControlKind.REVERSAL,
            now=now,
            approving_unit=incident.unit.region,
            due_at=now + _minutes("CONTROLS_REVERSAL_MINUTES"),
            account=incident.accounts.filter(number=payee_number).first(),
            account_number=payee_number,
            account_holder=holder,
            amount=value,
            reason=_prose(reason, max_length=2000),
            remittance_reference=reference,
            remitted_at=sent_at,
            payee_bank=_text(payee_bank, max_length=100),
        )
        _start_approval(actor=actor, control=control, incident=incident, url=authorise_url(control))
        audit_record(
            actor=actor,
            action="control.requested",
            thread=incident.thread,
            target=control.number,
            after={
                **_label(control),
                "state": control.state,
                "remittance_reference": reference,
                "remitted_at": sent_at,
                "approving_unit": control.approving_unit.code,
                "due_at": control.due_at,
            },
        )
        _record_playbook_step(actor=actor, incident=incident, control=control)
    return control


@refusals_audited
def control_release_request(
    *, actor: Actor, control_id: int | None = None, number: str | None = None, reason: str
) -> ControlRequest:
    """Ask to lift an executed stop-payment or freeze; the release is approved like the hold
    (same region, same four-eyes) and executed by core banking as its own instruction."""
    action = "control.release_request"
    reason = _prose(reason, max_length=2000)
    lookup = {"pk": control_id} if control_id is not None else {"number": number}
    incident_id = (
        ControlRequest.objects.filter(**lookup).values_list("incident_id", flat=True).first()
    )
    if incident_id is None:
        raise NotFound(_("No such account control request."))
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("unit", "unit__parent")
            .get(pk=incident_id)
        )
        original = _control_for_update(actor=actor, control_id=control_id, number=number)
        check_may_request(
            actor,
            incident=incident,
            kind=ControlKind.RELEASE,
            assisting_unit_ids=_assisting_unit_ids(incident),
            control=original,
            action=action,
        )
        if not original.is_hold or original.state != S.EXECUTED:
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
        control = _create_control(
            actor=actor,
            incident=incident,
            kind=ControlKind.RELEASE,
            now=now,
            approving_unit=original.approving_unit,
            due_at=now + _minutes("CONTROLS_APPROVAL_MINUTES"),
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
        _start_approval(actor=actor, control=control, incident=incident, url=control_url(control))
        audit_record(
            actor=actor,
            action="control.requested",
            thread=incident.thread,
            target=control.number,
            after={**_label(control), "state": control.state, "releases": original.number},
            data={"reason": reason},
        )
    return control


# --- deciding ---------------------------------------------------------------------------------


def _check_expected_state(control: ControlRequest, expected_state: str | None, action: str):
    if expected_state and control.state != expected_state:
        raise Conflict(
            _("Someone else decided this request at the same time: it is now “%(state)s”.")
            % {"state": control.get_state_display()},
            thread=control.incident.thread,
            action=action,
        )


def _not_pending(control: ControlRequest, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("This request is no longer awaiting a decision: it is “%(state)s”.")
        % {"state": control.get_state_display()},
        code="already_decided",
        thread=control.incident.thread,
        action=action,
    )


def _webhook_clients(unit: OrgUnit) -> list[ApiClient]:
    clients = (
        ApiClient.objects.filter(is_active=True)
        .exclude(webhook_url="")
        .exclude(webhook_secret="")
        .select_related("unit")
    )
    return [client for client in clients if webhook_subscribed(client, unit)]


def _issue_instruction(*, actor: Actor, control: ControlRequest) -> FreezeInstruction:
    """Turn an approved control into core banking's instruction, and push it to every
    subscribed client through the outbox."""
    releases = None
    if control.kind == ControlKind.RELEASE:
        releases = FreezeInstruction.objects.filter(control_id=control.releases_id).first()
    instruction = FreezeInstruction.objects.create(
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


def _acknowledge(
    *,
    actor: Actor,
    assistance: AssistanceRequest,
    incident: Incident,
    note: str,
    action: str,
    by_decision: str | None = None,
) -> float:
    """Mark a locked, open assistance request acknowledged: its 15-minute clock stops and
    the acknowledgement is audited on the incident. Returns the seconds it took."""
    assistance.acknowledge(by=actor.user, note=note)
    _save(assistance, thread=incident.thread, action=action)
    clock_stop(subject=assistance)
    elapsed = (assistance.acknowledged_at - assistance.requested_at).total_seconds()
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


def _acknowledged_by_decision(
    *, actor: Actor, control: ControlRequest, incident: Incident, action: str
) -> None:
    """Deciding a request received from another region answers its assistance request
    too: the region acted, so the 15-minute acknowledgement clock stops and nobody is
    escalated for a request already decided (the decision itself tells the requester).
    Locked after the request (the order of `assistance_acknowledge`, which locks only the
    assistance)."""
    if control.assistance_id is None or actor.unit is None:
        return
    assistance = (
        AssistanceRequest.objects.select_for_update(of=("self",))
        .select_related("to_unit")
        .filter(pk=control.assistance_id, state=AssistanceState.OPEN, to_unit=actor.unit)
        .first()
    )
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
        control = _control_for_update(actor=actor, control_id=control_id, number=number)
        incident = control.incident
        check_may_decide(actor, control=control, action=action)
        _check_expected_state(control, expected_state, action)
        before = _snapshot(control)
        if can_proceed(control.approve):
            control.approve(by=actor.user)
        elif can_proceed(control.approve_first):
            control.approve_first(by=actor.user)
        elif can_proceed(control.approve_second):
            control.approve_second(by=actor.user)
        else:
            raise _not_pending(control, action)
        _save(control, thread=incident.thread, action=action)
        _acknowledged_by_decision(actor=actor, control=control, incident=incident, action=action)
        audit_record(
            actor=actor,
            action="control.approved" if control.state == S.APPROVED else "control.first_approved",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state},
            data={
                **_label(control),
                "approval_seconds": control.approval_seconds,
                "second_approval": control.second_approved_by_id is not None,
            },
        )
        if control.state == S.APPROVED:
            clock_stop(subject=control)
            _issue_instruction(actor=actor, control=control)
            notify.notify(
                user_ids=[control.requested_by_id],
                title=gettext_noop("%(kind)s %(number)s approved"),
                body=gettext_noop(
                    "Incident %(incident)s: %(kind)s on account %(account)s was approved in "
                    "%(elapsed)s and sent to core banking."
                ),
                params=_params(
                    control, incident, elapsed=lambda: duration_text(control.approval_seconds)
                ),
                url=control_url(control),
                key=f"controls:{control.pk}:approved",
                thread=incident.thread,
            )
        else:
            notify.notify(
                user_ids=notify.users_with_role(
                    units=[control.approving_unit],
                    role=approver_role(control.kind),
                    exclude=[control.requested_by_id, actor.user.pk],
                ),
                title=gettext_noop("%(kind)s %(number)s needs a second approval"),
                body=gettext_noop(
                    "Incident %(incident)s: %(kind)s on account %(account)s, amount %(amount)s, "
                    "is above the limit for one approver. Give the second approval."
                ),
                params=_params(control, incident),
                url=control_url(control),
                key=f"controls:{control.pk}:first_approved",
                thread=incident.thread,
                tone="danger",
            )
    return control


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    if seconds < 3600:
        return _("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(h)d h %(m)d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}


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
    reason = _prose(reason, max_length=2000)
    with transaction.atomic():
        control = _control_for_update(actor=actor, control_id=control_id, number=number)
        incident = control.incident
        check_may_decide(actor, control=control, action=action)
        _check_expected_state(control, expected_state, action)
        if not can_proceed(control.reject):
            raise _not_pending(control, action)
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the request is rejected.")]})
        before = _snapshot(control)
        control.reject(by=actor.user, reason=reason)
        _save(control, thread=incident.thread, action=action)
        _acknowledged_by_decision(actor=actor, control=control, incident=incident, action=action)
        clock_stop(subject=control)
        notify.notify(
            user_ids=[control.requested_by_id],
            title=gettext_noop("%(kind)s %(number)s rejected"),
            body=gettext_noop("Incident %(incident)s, account %(account)s: %(reason)s"),
            params=_params(control, incident, reason=reason),
            url=control_url(control),
            key=f"controls:{control.pk}:rejected",
            thread=incident.thread,
            tone="warning",
        )
        audit_record(
            actor=actor,
            action="control.rejected",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state, "reason": reason},
            data=_label(control),
        )
    return control


@refusals_audited
def control_request_withdraw(
    *, actor: Actor, control_id: int | None = None, number: str | None = None, reason: str
) -> ControlRequest:
    """The requester withdraws a request that was not decided yet (raised by mistake)."""
    action = "control.withdraw"
    reason = _prose(reason, max_length=2000)
    with transaction.atomic():
        control = _control_for_update(actor=actor, control_id=control_id, number=number)
        incident = control.incident
        check_may_withdraw(actor, control=control)
        if not can_proceed(control.withdraw):
            raise _not_pending(control, action)
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the request is withdrawn.")]})
        before = _snapshot(control)
        control.withdraw(reason=reason)
        _save(control, thread=incident.thread, action=action)
        clock_stop(subject=control)
        audit_record(
            actor=actor,
            action="control.withdrawn",
            thread=incident.thread,
            target=control.number,
            before=before,
            after={"state": control.state, "reason": reason},
            data=_label(control),
        )
    return control


# --- cross-region assistance ------------------------------------------------------------------


@refusals_audited
def assistance_acknowledge(
    *, actor: Actor, assistance_id: int, note: str = ""
) -> AssistanceRequest:
    """A monitor of the region asked acknowledges the assistance request (stopping its
    15-minute clock); they then investigate and may add the accounts that transacted with
    the payee account as further requests."""
    action = "control.assistance_acknowledge"
    note = _prose(note, max_length=2000)
    with transaction.atomic():
        assistance = (
            AssistanceRequest.objects.select_for_update(of=("self",))
            .select_related("incident", "to_unit", "from_unit")
            .filter(pk=assistance_id)
            .first()
        )
        if assistance is None or not (
            actor.sees(assistance.to_unit) or actor.sees(assistance.incident.unit)
        ):
            raise NotFound(_("No such assistance request."))
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

        def params() -> dict:
            return {
                "incident": incident.number,
                "to": assistance.to_unit.name,
                "elapsed": duration_text(elapsed),
                "note": note,
            }

        notify.notify(
            user_ids=[
                assistance.requested_by_id,
                *notify.users_with_role(units=[assistance.from_unit], role=Role.SUB_BRANCH_MONITOR),
            ],
            title=gettext_noop("%(to)s acknowledged the assistance request on %(incident)s"),
            body=gettext_noop("Acknowledged after %(elapsed)s. %(note)s"),
            params=params,
            url=assistance_url(assistance),
            key=f"controls:assistance:{assistance.pk}:acknowledged",
            thread=incident.thread,
        )
    return assistance


# --- core banking -----------------------------------------------------------------------------


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
            control = (
                ControlRequest.objects.select_for_update(of=("self",))
                .select_related("incident")
                .get(pk=control_id)
            )
            instruction = FreezeInstruction.objects.select_for_update().get(pk=instruction_id)
            if instruction.delivered_at is not None:
                continue
            instruction.delivered_at = timezone.now()
            instruction.delivered_via = via
            instruction.save(update_fields=["delivered_at", "delivered_via"])
            if can_proceed(control.mark_sent):
                control.mark_sent()
                _save(control, thread=control.incident.thread, action="control.delivered")
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


CONFIRM_RESULTS = (InstructionStatus.EXECUTED, InstructionStatus.FAILED)


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
    reference = _text(reference, max_length=64)
    detail = _prose(detail, max_length=2000)
    if actor.client is None:
        raise PermissionRefused(
            _("Instructions are confirmed by core banking through the API."), action=action
        )
    if not actor.has_scope(ApiScope.FREEZES_WRITE):
        raise PermissionRefused(_("This API client lacks the freezes:write scope."), action=action)
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
        # Lock order: the incident (only when a reversal may change its amount recovered),
        # the hold a release names, then the request, then its instruction.
        locked_incident = None
        if kind == ControlKind.REVERSAL and result == InstructionStatus.EXECUTED:
            locked_incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident_id)
        original = None
        if original_id is not None:
            original = ControlRequest.objects.select_for_update(of=("self",)).get(pk=original_id)
        control = (
            ControlRequest.objects.select_for_update(of=("self",))
            .select_related("incident", "approving_unit")
            .get(pk=control_id)
        )
        instruction = FreezeInstruction.objects.select_for_update().get(pk=instruction_id)
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
        _save(instruction, thread=incident.thread, action=action)
        _save(control, thread=incident.thread, action=action)
        if original is not None and result == InstructionStatus.EXECUTED:
            before = _snapshot(original)
            original.release()
            _save(original, thread=incident.thread, action=action)
            audit_record(
                actor=actor,
                action="control.released",
                thread=incident.thread,
                target=original.number,
                before=before,
                after={"state": original.state},
                data={"release": control.number},
            )
        if locked_incident is not None and control.amount:
            incident_record_recovery(
                actor=actor, incident=locked_incident, amount=control.amount, source=control.number
            )
        audit_record(
            actor=actor,
            action="control.confirmed",
            thread=incident.thread,
            target=control.number,
            before={"state": before_state},
            after={"state": control.state, "reference": reference, "detail": detail},
            data={
                **_label(control),
                "instruction_id": instruction.pk,
                "seconds_since_approval": control.execution_seconds,
            },
        )
        executed = result == InstructionStatus.EXECUTED
        notify.notify(
            user_ids=[
                control.requested_by_id,
                control.first_approved_by_id,
                control.second_approved_by_id,
            ],
            title=gettext_noop("%(kind)s %(number)s executed by core banking")
            if executed
            else gettext_noop("%(kind)s %(number)s FAILED in core banking"),
            body=gettext_noop(
                "Incident %(incident)s, account %(account)s: core banking reference "
                "%(reference)s. %(detail)s"
            ),
            params=_params(control, incident, reference=reference or "-", detail=detail),
            url=control_url(control),
            key=f"controls:{control.pk}:{result}",
            thread=incident.thread,
            tone="info" if executed else "danger",
        )
    return instruction, True
