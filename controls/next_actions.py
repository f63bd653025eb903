"""Account control in the incident page's "what to do now" block (registered from
ControlsConfig.ready() with `incidents.panels.register_next_actions`).

For the customer frauds where money went to a fraud account (T1 telecom fraud, T2 phishing
site, T3 skimmed card), seed 002's first branch steps: "if the fraud account was opened at
this bank, control it at once" and, while the remittance may still be caught, reverse it
(seed 000, case 1: recovered within minutes by a remote-authorised reversal). Offered only
to those the services would accept it from (`may_request`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from incidents.choices import AccountRole, TaskStatus
from incidents.panels import NextAction
from workflows.choices import MONEY_TO_A_FRAUD_ACCOUNT

from . import selectors
from .choices import ACTIVE_STATES, HOLD_KINDS, ControlKind, ControlState
from .models import ControlRequest
from .permissions import may_request

# A hold asked for, in force, or released on purpose: nothing more to ask "now".
HELD_STATES = [*ACTIVE_STATES, ControlState.RELEASED]
# The branch step whose clock the stop-payment runs against (SPEC §4: 15 min from filing).
STOP_PAYMENT_STEP = "stop_payment"


def reversal_window_closes(incident: Any) -> datetime.datetime:
    """Until when a remittance counts as recent (settings.FRAUDOPS_REVERSAL_RECENT_MINUTES
    after the incident occurred)."""
    minutes = int(settings.FRAUDOPS_REVERSAL_RECENT_MINUTES)
    occurred: datetime.datetime = incident.occurred_at
    return occurred + datetime.timedelta(minutes=minutes)


def incident_next_actions(incident: Any, actor: Actor) -> list[NextAction]:
    if (
        actor.user is None
        or not incident.is_open
        or incident.incident_type.code not in MONEY_TO_A_FRAUD_ACCOUNT
    ):
        return []
    payees = [
        account
        for account in incident.accounts.all()
        if account.role == AccountRole.PAYEE and account.at_this_bank and account.opening_unit_id
    ]
    lost = bool(incident.amount_lost and incident.amount_lost > 0)
    recent = timezone.now() <= reversal_window_closes(incident)
    if not payees and not (lost and recent):
        return []
    controls = list(
        ControlRequest.objects.filter(incident=incident, state__in=HELD_STATES).values_list(
            "kind", "account_id", "account_number"
        )
    )
    actions: list[NextAction] = []
    held = {
        key
        for kind, account_id, number in controls
        if kind in HOLD_KINDS
        for key in (account_id, number)
        if key
    }
    unheld = [a for a in payees if a.pk not in held and a.number not in held]
    if unheld and may_request(
        actor,
        incident=incident,
        kind=ControlKind.STOP_PAYMENT,
        assisting_unit_ids=selectors.assisting_unit_ids(incident=incident),
    ):
        step = next((t for t in incident.tasks.all() if t.step.code == STOP_PAYMENT_STEP), None)
        actions.append(
            NextAction(
                label=_("Request a stop-payment now"),
                url="#control-request-form",
                urgency=NextAction.NOW,
                countdown=step.due_at
                if step is not None and step.status == TaskStatus.OPEN
                else None,
                hint=", ".join(a.number for a in unheld),
                testid="next-stop-payment",
            )
        )
    reversed_already = any(kind == ControlKind.REVERSAL for kind, _a, _n in controls)
    if (
        lost
        and recent
        and not reversed_already
        and may_request(actor, incident=incident, kind=ControlKind.REVERSAL)
    ):
        actions.append(
            NextAction(
                label=_("Request a reversal of the remittance now"),
                url="#reversal-form",
                urgency=NextAction.NOW,
                countdown=reversal_window_closes(incident),
                hint=_("while the money may not have moved on"),
                testid="next-reversal",
            )
        )
    return actions
