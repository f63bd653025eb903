"""The incident's transitions that people use, one action per transition: who may use it in
which state (`check_may` raises the refusal, `may` derives the page's bool from it) and what
it does to the incident (`apply`, which runs the model's FSM transition and refuses when its
guard does not pass).

`TRANSITIONS` is the one registry: the incident page offers the actions whose check passes
(`offered`), the API accepts their names, and `incidents.services.incident_transition` runs
them (locking, `expected_state`, saving, the audit event and stopping the clocks stay in the
service, the same for every transition). Reporting up is not here: it happens on its own
when a level's reporting step is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.utils.translation import gettext as _
from django_fsm import can_proceed

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_LEAD_ROLE, Level
from fraudops.core.errors import InvalidTransition

from . import permissions
from .choices import IncidentState
from .models import Incident

S = IncidentState


class TransitionAction:
    """One transition of the incident. Subclasses name it, say who may use it in which
    state (`roles_by_state`: the roles that may, at the unit holding the incident) and
    apply it."""

    name: ClassVar[str]
    # Whether the transition needs a reason (checked by the service before who may).
    needs_reason: ClassVar[bool] = False
    roles_by_state: ClassVar[Mapping[str, tuple[str, ...]]]

    @property
    def audit_action(self) -> str:
        """What the audit trail calls an attempt (refusals, conflicts)."""
        return f"incident.{self.name}"

    def not_possible(self, incident: Incident) -> InvalidTransition:
        return InvalidTransition(
            _("“%(action)s” is not possible while the incident is %(state)s.")
            % {"action": self.name, "state": incident.get_state_display()},
            thread=incident.thread,
            action=self.audit_action,
        )

    def check_may(self, actor: Actor, *, incident: Incident) -> None:
        """Raise unless the incident's state allows this transition (InvalidTransition) and
        `actor` holds one of its roles at the unit holding the incident."""
        roles = self.roles_by_state.get(incident.state)
        if roles is None:
            raise self.not_possible(incident)
        permissions.check_role_at(
            actor,
            unit=permissions.holding_unit(incident),
            roles=roles,
            thread=incident.thread,
            action=self.audit_action,
        )

    def may(self, actor: Actor, *, incident: Incident) -> bool:
        return permissions.allowed(self.check_may, actor, incident=incident)

    def apply(self, incident: Incident, *, reason: str) -> None:
        """Change the incident's state (not saved), refusing when the FSM guard fails."""
        raise NotImplementedError


class ReturnAction(TransitionAction):
    """Send the incident back to the level below for more information."""

    name = "return"
    needs_reason = True
    roles_by_state = {
        S.SUB_BRANCH_HANDLING: permissions.SUB_BRANCH_ROLES,
        S.HEAD_OFFICE_HANDLING: permissions.HEAD_OFFICE_ROLES,
    }

    def apply(self, incident: Incident, *, reason: str) -> None:
        if incident.state == S.SUB_BRANCH_HANDLING:
            incident.return_to_branch(reason)
        else:
            incident.return_to_sub_branch(reason)


class ResubmitAction(TransitionAction):
    """Send a returned incident up again, once the level's reporting step is done."""

    name = "resubmit"
    roles_by_state = {
        S.RETURNED_TO_BRANCH: permissions.FILING_ROLES,
        S.RETURNED_TO_SUB_BRANCH: permissions.SUB_BRANCH_ROLES,
    }

    def apply(self, incident: Incident, *, reason: str) -> None:
        if incident.state == S.RETURNED_TO_BRANCH:
            method = incident.report_to_sub_branch
        else:
            method = incident.report_to_head_office
        if not can_proceed(method):
            raise self.not_possible(incident)
        method()


class CloseAction(TransitionAction):
    """The lead of the last level the playbook reaches closes the incident once every
    mandatory step is finished: head office's monitor for the fraud types, the branch
    manager for a branch-only playbook (a customer-safety event never leaves the branch)."""

    name = "close"
    roles_by_state = {
        state: (LEVEL_LEAD_ROLE[level],)
        for state, level in (
            (S.BRANCH_HANDLING, Level.BRANCH),
            (S.SUB_BRANCH_HANDLING, Level.SUB_BRANCH),
            (S.HEAD_OFFICE_HANDLING, Level.HEAD_OFFICE),
        )
    }

    def check_may(self, actor: Actor, *, incident: Incident) -> None:
        if incident.state in self.roles_by_state and not incident.at_playbook_end():
            # Its playbook goes on above this level: the incident is closed up there.
            raise self.not_possible(incident)
        super().check_may(actor, incident=incident)

    def apply(self, incident: Incident, *, reason: str) -> None:
        if not incident.at_playbook_end():
            raise self.not_possible(incident)
        if not can_proceed(incident.close):
            raise InvalidTransition(
                _(
                    "Every mandatory step at every level must be done or marked not "
                    "applicable before the incident can be closed."
                ),
                code="open_tasks",
                thread=incident.thread,
                action=self.audit_action,
            )
        incident.close()


class WithdrawAction(TransitionAction):
    """The lead of the level holding the incident withdraws it, with the reason."""

    name = "withdraw"
    needs_reason = True
    roles_by_state = {
        state: (LEVEL_LEAD_ROLE[level],)
        for state, level in (
            (S.FILED, Level.BRANCH),
            (S.BRANCH_HANDLING, Level.BRANCH),
            (S.RETURNED_TO_BRANCH, Level.BRANCH),
            (S.SUB_BRANCH_HANDLING, Level.SUB_BRANCH),
        )
    }

    def apply(self, incident: Incident, *, reason: str) -> None:
        if not can_proceed(incident.withdraw):
            raise self.not_possible(incident)
        incident.withdraw(reason)


# In this order on the page and in "Use one of: …".
TRANSITIONS: dict[str, TransitionAction] = {
    action.name: action
    for action in (ReturnAction(), ResubmitAction(), CloseAction(), WithdrawAction())
}


def offered(actor: Actor, *, incident: Incident) -> list[str]:
    """The transitions to offer `actor` on the incident's page: those whose check passes."""
    return [name for name, action in TRANSITIONS.items() if action.may(actor, incident=incident)]
