"""Who may request, decide, release, acknowledge and confirm account control.

One vocabulary: `check_may_<verb>(actor, …)` raises the refusal (with its message, refused as
the service's action) and is what the services call; `may_<verb>(actor, …)` is derived from
it (True when the check would not raise, and the object is in a state where the verb
applies) and is what the pages and their buttons ask. Nothing else decides who may act.

`approver_role` says which role decides a kind; `webhook_subscribed` is not a permission of
an actor but the rule choosing which API clients receive an instruction.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope, Level, Role
from fraudops.core.errors import (
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    OutOfScope,
    PermissionRefused,
)
from fraudops.core.permissions import allowed

from .choices import AssistanceState, ControlKind, ControlState

BRANCH_REQUESTER_ROLES = (Role.TELLER, Role.BRANCH_MANAGER)


def approver_role(kind: str) -> str:
    """Holds and releases are approved by the region's operations monitors; a remittance
    reversal by the region's remote authorisation centre (seed case 1)."""
    return Role.REMOTE_AUTHORISER if kind == ControlKind.REVERSAL else Role.SUB_BRANCH_MONITOR


def _staff_only(actor: Actor, *, thread: str, action: str) -> None:
    if actor.user is None:
        raise PermissionRefused(
            _("Account control is requested and decided by staff, not by API clients."),
            thread=thread,
            action=action,
        )


def check_may_request(
    actor: Actor,
    *,
    incident,
    kind: str,
    assisting_unit_ids: set[int] = frozenset(),
    control=None,
    action: str = "control.request",
) -> None:
    """Raise unless `actor` may raise a request of `kind` on `incident` (refused as
    `action`: the service's own, so the timeline names what was attempted).

    Branch staff of the filing branch request holds and reversals; the monitors of the
    incident's region (the sub-branch's "account control" step) and head-office monitors
    request holds; the monitors of a region asked for assistance add the accounts they find;
    releasing a hold may also be asked by the monitors who approve it.
    """
    thread = incident.thread
    _staff_only(actor, thread=thread, action=action)
    unit = actor.unit
    if unit is None:
        raise OutOfScope(thread=thread, action=action)
    if not incident.incident_type.is_fraud:
        # A customer-safety event (a card left in an ATM) has no fraud account to hold.
        raise PermissionRefused(
            _("Account control is for frauds: this incident is not one."),
            thread=thread,
            action=action,
        )
    branch = incident.unit
    if unit.pk == branch.pk and actor.has_role(*BRANCH_REQUESTER_ROLES):
        return
    if kind == ControlKind.REVERSAL:
        raise PermissionRefused(
            _("A remittance reversal is requested by the branch that sent the remittance."),
            thread=thread,
            action=action,
        )
    if actor.has_role(Role.SUB_BRANCH_MONITOR) and (
        unit.pk == branch.parent_id
        or unit.pk in assisting_unit_ids
        or (control is not None and unit.pk == control.approving_unit_id)
    ):
        return
    if actor.has_role(Role.HEAD_OFFICE_MONITOR) and unit.level == Level.HEAD_OFFICE:
        return
    raise PermissionRefused(
        _(
            "Account control on this incident is requested by its branch's staff or by the "
            "operations monitors of its region or of a region asked for assistance."
        ),
        thread=thread,
        action=action,
    )


def check_may_stop_immediately(
    actor: Actor, *, incident, account=None, action: str = "control.immediate"
) -> None:
    """Raise unless `actor` may put an immediate stop-payment on `account` of `incident`
    (seed 002, branch step 2: 对于诈骗账户开在本网点的,立即进行账户控制并报送分行): branch staff
    of the filing branch, on an account of the incident opened at that same branch. Without
    `account`, only who is acting is checked (whether to offer the button at all).

    An account opened elsewhere is refused as input (field `account`), not audited: it is
    a wrong choice of account, and the ordinary request with approval is the way for it."""
    thread = incident.thread
    _staff_only(actor, thread=thread, action=action)
    unit = actor.unit
    if unit is None or unit.pk != incident.unit_id or not actor.has_role(*BRANCH_REQUESTER_ROLES):
        raise PermissionRefused(
            _(
                "An immediate stop-payment is put on by the staff of the branch that filed "
                "the incident, on an account opened at that branch."
            ),
            thread=thread,
            action=action,
        )
    if account is None:
        return
    if not account.at_this_bank or account.opening_unit_id != incident.unit_id:
        raise InvalidInput(
            fields={
                "account": [
                    _(
                        "This account was not opened at this branch: an immediate "
                        "stop-payment is only for accounts of your own outlet. Request a "
                        "stop-payment for the sub-branch to approve instead."
                    )
                ]
            }
        )


def check_may_review(actor: Actor, *, control, action: str = "control.review") -> None:
    """Raise unless `actor` may review the immediate stop-payment `control`: an operations
    monitor of the sub-branch it was reported to, never its requester (four-eyes), once."""
    thread = control.incident.thread
    _staff_only(actor, thread=thread, action=action)
    if actor.unit is None or actor.unit.pk != control.approving_unit_id:
        raise OutOfScope(
            _("Only the operations monitors of %(unit)s can review this stop-payment.")
            % {"unit": control.approving_unit.name},
            thread=thread,
            action=action,
        )
    if not actor.has_role(Role.SUB_BRANCH_MONITOR):
        raise PermissionRefused(
            _("Reviewing an immediate stop-payment needs the role: %(role)s.")
            % {"role": Role.SUB_BRANCH_MONITOR.label},
            thread=thread,
            action=action,
        )
    if actor.user.pk == control.requested_by_id:
        raise FourEyesRefused(
            _("You put this stop-payment on: another person must review it."),
            thread=thread,
            action=action,
        )
    if not control.immediate:
        raise InvalidTransition(
            _("Only an immediate stop-payment is reviewed afterwards."),
            thread=thread,
            action=action,
        )
    if control.reviewed_at is not None:
        raise InvalidTransition(
            _("This stop-payment was already reviewed: %(outcome)s.")
            % {"outcome": control.get_review_outcome_display()},
            code="already_reviewed",
            thread=thread,
            action=action,
        )


def check_may_decide(actor: Actor, *, control, action: str) -> None:
    """Raise unless `actor` may approve or reject `control`: the approver role at the
    approving sub-branch, and never the requester (four-eyes)."""
    thread = control.incident.thread
    _staff_only(actor, thread=thread, action=action)
    role = approver_role(control.kind)
    if actor.unit is None or actor.unit.pk != control.approving_unit_id:
        raise OutOfScope(
            _("Only %(role)s staff of %(unit)s can decide this request.")
            % {"role": Role(role).label, "unit": control.approving_unit.name},
            thread=thread,
            action=action,
        )
    if not actor.has_role(role):
        raise PermissionRefused(
            _("Deciding this request needs the role: %(role)s.") % {"role": Role(role).label},
            thread=thread,
            action=action,
        )
    if actor.user.pk == control.requested_by_id:
        raise FourEyesRefused(
            _("You raised this request: another person must decide it."),
            thread=thread,
            action=action,
        )
    if (
        control.state == ControlState.FIRST_APPROVED
        and actor.user.pk == control.first_approved_by_id
    ):
        raise FourEyesRefused(
            _("You gave the first approval: the second approval must come from someone else."),
            thread=thread,
            action=action,
        )


def check_may_release(
    actor: Actor,
    *,
    control,
    incident,
    assisting_unit_ids: set[int] = frozenset(),
    action: str = "control.release_request",
) -> None:
    """Raise unless `actor` may ask to release the hold `control`: whoever may request on
    the incident, or the monitors of the region that approved the hold."""
    check_may_request(
        actor,
        incident=incident,
        kind=ControlKind.RELEASE,
        assisting_unit_ids=assisting_unit_ids,
        control=control,
        action=action,
    )


def check_may_withdraw(actor: Actor, *, control) -> None:
    thread = control.incident.thread
    _staff_only(actor, thread=thread, action="control.withdraw")
    if actor.user.pk != control.requested_by_id:
        raise PermissionRefused(
            _("Only the person who raised the request can withdraw it."),
            thread=thread,
            action="control.withdraw",
        )


def check_may_acknowledge(actor: Actor, *, assistance) -> None:
    thread = assistance.incident.thread
    action = "control.assistance_acknowledge"
    _staff_only(actor, thread=thread, action=action)
    if actor.unit is None or actor.unit.pk != assistance.to_unit_id:
        raise OutOfScope(
            _("Only the operations monitors of %(unit)s can acknowledge this request.")
            % {"unit": assistance.to_unit.name},
            thread=thread,
            action=action,
        )
    if not actor.has_role(Role.SUB_BRANCH_MONITOR):
        raise PermissionRefused(
            _("Acknowledging an assistance request needs the operations monitor role."),
            thread=thread,
            action=action,
        )


def check_may_confirm(actor: Actor, *, action: str = "control.confirm") -> None:
    """Raise unless `actor` is core banking: an API client with the freezes:write scope."""
    if actor.client is None:
        raise PermissionRefused(
            _("Instructions are confirmed by core banking through the API."), action=action
        )
    if not actor.has_scope(ApiScope.FREEZES_WRITE):
        raise PermissionRefused(_("This API client lacks the freezes:write scope."), action=action)


# --- the pages' twins -------------------------------------------------------------------------


def may_request(actor: Actor, **kwargs) -> bool:
    return allowed(check_may_request, actor, **kwargs)


def may_stop_immediately(actor: Actor, *, incident, account=None) -> bool:
    return allowed(check_may_stop_immediately, actor, incident=incident, account=account)


def may_review(actor: Actor, *, control) -> bool:
    return control.awaits_review and allowed(check_may_review, actor, control=control)


def may_decide(actor: Actor, *, control) -> bool:
    return control.is_pending and allowed(
        check_may_decide, actor, control=control, action="control.approve"
    )


def may_withdraw(actor: Actor, *, control) -> bool:
    return control.is_pending and allowed(check_may_withdraw, actor, control=control)


def may_release(
    actor: Actor, *, control, incident, assisting_unit_ids, has_open_release: bool
) -> bool:
    """Whether to offer "Release…": an executed hold with no release on its way, to someone
    check_may_release lets through (control_release_request checks the same)."""
    return (
        control.is_hold
        and control.state == ControlState.EXECUTED
        and not has_open_release
        and allowed(
            check_may_release,
            actor,
            control=control,
            incident=incident,
            assisting_unit_ids=assisting_unit_ids,
        )
    )


def may_acknowledge(actor: Actor, *, assistance) -> bool:
    return assistance.state == AssistanceState.OPEN and allowed(
        check_may_acknowledge, actor, assistance=assistance
    )


def webhook_subscribed(client, unit) -> bool:
    """Whether an API client receives instructions for accounts of `unit` by webhook: an
    active client with a URL, a signing secret and the freezes:read scope, whose unit's
    subtree holds the account. Checked when the push is queued and again when it is sent
    (the client may have changed in between)."""
    return bool(
        client.is_active
        and client.webhook_url
        and client.webhook_secret
        and client.has_scope(ApiScope.FREEZES_READ)
        and unit.path.startswith(client.unit.path)
    )
