"""Writes to account control, one module per aggregate:

- `requests`: `control_requests_create` (stop-payment / freeze on accounts), and what
  every new request shares (number, approval clock, approvers told); the playbook
  steps the requests and their results do are linked through `controls.step_records`;
- `reversals`: `reversal_request_create` (冲正, authorised by the remote authorisation centre);
- `releases`: `control_release_request` (lifting an executed hold);
- `decisions`: `control_request_approve`, `control_request_reject`, `control_request_withdraw`;
- `immediate`: `immediate_stop_payment_create` (the opening branch stops its own account at
  once, no approval) and `immediate_stop_payment_review` (the sub-branch confirms or
  releases it afterwards);
- `assistance`: `assistance_acknowledge` (cross-region assistance, raised by `requests`);
- `instructions`: `instructions_mark_delivered`, `instruction_confirm` (core banking; the
  instruction is issued by `decisions`).

Each one checks who is acting and in which unit (`controls.permissions`), runs inside
`atomic()`, takes its row locks through `controls.lock_objects` in that module's one order
(incident, the hold a release names, the request, its assistance request, its instruction),
audits on the incident's thread in the same transaction, and leaves every side effect
(notifications: `controls.notify`; webhooks: the outbox) to after commit.

The browser, the API, the admin and the demo builder all call these functions; import them
from `controls.services`.
"""

from .assistance import assistance_acknowledge
from .decisions import control_request_approve, control_request_reject, control_request_withdraw
from .immediate import immediate_stop_payment_create, immediate_stop_payment_review
from .instructions import CONFIRM_RESULTS, instruction_confirm, instructions_mark_delivered
from .releases import control_release_request
from .requests import (
    MAX_TARGETS,
    AccountNotControllable,
    control_requests_create,
)
from .reversals import reversal_request_create

__all__ = [
    "CONFIRM_RESULTS",
    "MAX_TARGETS",
    "AccountNotControllable",
    "assistance_acknowledge",
    "control_release_request",
    "control_request_approve",
    "control_request_reject",
    "control_request_withdraw",
    "control_requests_create",
    "immediate_stop_payment_create",
    "immediate_stop_payment_review",
    "instruction_confirm",
    "instructions_mark_delivered",
    "reversal_request_create",
]
