"""Requesting a stop-payment or freeze (holds) on one or more accounts of an incident, and
what every new request shares (its number, its approval clock and notification, the
playbook steps it does: `controls.step_records`). Reversals and releases are requests too
(`reversals.py`, `releases.py`).

Locks: the incident first (a request never lands on an incident being closed); see
`controls.lock_objects`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clocks.services import clock_start
from fraudops.core import chinese
from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import Level
from fraudops.core.errors import Conflict, InvalidInput, InvalidTransition
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import parse_amount, parse_prose, parse_text, parse_with
from fraudops.core.services import refusals_audited, sequence_next
from incidents.models import Account, Incident
from incidents.services import incident_lock

from .. import notify
from ..choices import ACTIVE_STATES, HOLD_KINDS, ClockKind, ControlKind
from ..lock_objects import INCIDENT_RELATED, scope_subtree_or_assisting
from ..models import ControlRequest
from ..permissions import approver_role, check_may_request
from ..presentation import approval_clock_titles, decision_url
from ..selectors import assisting_unit_ids
from ..step_records import request_link
from .assistance import assistance_for
from .common import audit_label, minutes_setting

MAX_TARGETS = 20


class AccountNotControllable(InvalidInput):
    """The account is not held at this bank: this bank cannot stop or freeze it."""

    default_code = "account_not_at_this_bank"
    default_message = gettext_lazy(
        "This account is not held at this bank, so it cannot be stopped or frozen here. "
        "Ask the account's bank through the police or the payment network."
    )
    audited = True


# --- what every new request shares ------------------------------------------------------------


def _next_number(kind: str, now: datetime.datetime) -> str:
    if kind == ControlKind.REVERSAL:
        return f"RV-{now.year}-{sequence_next(name='reversal', year=now.year):06d}"
    return f"AC-{now.year}-{sequence_next(name='control', year=now.year):06d}"


def control_create(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    now: datetime.datetime,
    approving_unit: OrgUnit,
    due_at: datetime.datetime,
    **fields: Any,
) -> ControlRequest:
    """Save a new request of `kind` (numbered) and start its approval: the clock and the
    approvers' notification, linked to where they decide."""
    control: ControlRequest = ControlRequest(
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
    url = decision_url(control)
    title_zh, title_en = approval_clock_titles(control=control, incident=incident)
    clock_start(
        subject=control,
        kind=ClockKind.AUTHORISATION
        if control.kind == ControlKind.REVERSAL
        else ClockKind.APPROVAL,
        due_at=control.due_at,
        unit=control.approving_unit,
        owner_role=approver_role(control.kind),
        thread=incident.thread,
        title_zh=title_zh,
        title_en=title_en,
        url=url,
    )
    notify.control_requested(control=control, incident=incident, url=url)
    return control


def check_incident_open(incident: Incident, action: str) -> None:
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: no new account control can be requested on it.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )


# --- holds ------------------------------------------------------------------------------------


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


def _resolve_target(
    incident: Incident, target: dict[str, Any], index: int, *, action: str
) -> dict[str, Any]:
    """One account to control: an incident account by id, or a linked account typed in
    with its opening unit's code."""
    prefix = f"accounts[{index}]"
    amount = parse_amount(target.get("amount"), field=f"{prefix}.amount", required=False)
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
    number = parse_with(
        chinese.normalize_account_number, target.get("number") or "", field=f"{prefix}.number"
    )
    code = parse_text(
        target.get("opening_unit"), field=f"{prefix}.opening_unit", max_length=32
    ).upper()
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
        holder = parse_with(chinese.normalize_person_name, holder, field=f"{prefix}.holder_name")
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


def _second_approval_threshold() -> Decimal:
    return Decimal(str(settings.CONTROLS_SECOND_APPROVAL_ABOVE))


@refusals_audited
def control_requests_create(
    *,
    actor: Actor,
    incident_id: int,
    kind: str,
    targets: list[dict[str, Any]],
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
    reason = parse_prose(reason, field="reason", max_length=2000)
    created: list[ControlRequest] = []
    with transaction.atomic():
        incident = incident_lock(
            actor=actor,
            pk=incident_id,
            action=action,
            scope=scope_subtree_or_assisting,
            related=INCIDENT_RELATED,
        )
        check_may_request(
            actor,
            incident=incident,
            kind=kind,
            assisting_unit_ids=assisting_unit_ids(incident=incident),
        )
        check_incident_open(incident, action)
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
        incident_region = cast(OrgUnit, incident.unit.region)  # a branch's: in a region
        threshold = _second_approval_threshold()
        for item in resolved:
            region = item["region"]
            assistance = None
            if region.pk != incident_region.pk:
                assistance = assistance_for(actor=actor, incident=incident, to_unit=region, now=now)
            at_stake = item["amount"] if item["amount"] is not None else incident.amount_lost
            control = control_create(
                actor=actor,
                incident=incident,
                kind=kind,
                now=now,
                approving_unit=region,
                due_at=now + minutes_setting("CONTROLS_APPROVAL_MINUTES"),
                account=item["account"],
                account_number=item["number"],
                account_holder=item["holder"],
                opening_unit=item["opening_unit"],
                assistance=assistance,
                amount=item["amount"],
                reason=reason,
                needs_second_approval=at_stake > threshold,
            )
            audit_record(
                actor=actor,
                action="control.requested",
                thread=incident.thread,
                target=control.number,
                after={
                    **audit_label(control),
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
        # The incident's playbook steps done by these requests (the branch's stop-payment
        # step, the sub-branch's control step): the incident is locked already.
        for control in created:
            request_link(actor=actor, incident=incident, control=control)
    return created
