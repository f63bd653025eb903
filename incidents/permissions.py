"""Who may act on incidents: the role-and-unit rules shared by the services (which enforce
them) and the browser pages (which use them only to show or hide buttons).

The services remain the only authority: a page that shows a button wrongly still gets a
refusal from the service. These helpers read what is already loaded (the actor's roles and
unit, the incident's unit chain, the task's unit) and never query.
"""

from __future__ import annotations

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_LEAD_ROLE, ROLE_LEVEL, Role, level_above
from fraudops.core.models import OrgUnit

from .choices import IncidentState, TaskStatus

S = IncidentState

FILING_ROLES: tuple[str, ...] = (Role.TELLER, Role.BRANCH_MANAGER)

# Why a role-at-unit check fails (None: it passes).
OUT_OF_SCOPE = "out_of_scope"
MISSING_ROLE = "missing_role"


def role_refusal(actor: Actor, *, unit: OrgUnit, roles: tuple[str, ...]) -> str | None:
    """The rule of every write on an incident: staff must hold one of `roles` at exactly
    `unit`; API clients act anywhere within their scope; the system always may."""
    if actor.is_system:
        return None
    if actor.client is not None:
        return None if actor.sees(unit) else OUT_OF_SCOPE
    if actor.unit is None or actor.unit.pk != unit.pk:
        return OUT_OF_SCOPE
    if not actor.has_role(*roles):
        return MISSING_ROLE
    return None


def holds_role_at(actor: Actor, *, unit: OrgUnit | None, roles: tuple[str, ...]) -> bool:
    return unit is not None and role_refusal(actor, unit=unit, roles=roles) is None


def level_roles(level: str | None) -> tuple[str, ...]:
    """The working roles of a level (who works that level's tasks)."""
    return tuple(role for role, role_level in ROLE_LEVEL.items() if role_level == level)


def instructing_unit(task) -> OrgUnit:
    """The unit above the task's owner, which instructs its waiting steps."""
    return task.unit.parent if task.unit.parent_id else task.unit


def instructing_roles(task) -> tuple[str, ...]:
    return level_roles(level_above(task.level))


# --- what the pages ask ------------------------------------------------------------------


def can_file(actor: Actor) -> bool:
    """Staff of a branch with a filing role (tellers, branch managers)."""
    return (
        actor.user is not None
        and actor.unit is not None
        and actor.unit.level == "branch"
        and actor.has_role(*FILING_ROLES)
    )


def can_work_task(actor: Actor, task, incident) -> bool:
    """Record an open task as done (or not applicable): its level's roles at its unit."""
    return (
        incident.is_open
        and task.status == TaskStatus.OPEN
        and holds_role_at(actor, unit=task.unit, roles=level_roles(task.level))
    )


def task_may_be_not_applicable(task) -> bool:
    step = task.step
    return not step.mandatory or step.conditional or step.awaits_instruction


def can_instruct_task(actor: Actor, task, incident) -> bool:
    """Instruct a waiting task (or decide it is not needed): the level above."""
    return (
        incident.is_open
        and task.status == TaskStatus.WAITING
        and holds_role_at(actor, unit=instructing_unit(task), roles=instructing_roles(task))
    )


def can_mark_not_applicable(actor: Actor, task, incident) -> bool:
    if not task_may_be_not_applicable(task):
        return False
    if task.status == TaskStatus.WAITING:
        return can_instruct_task(actor, task, incident)
    return can_work_task(actor, task, incident)


SUB_BRANCH_ROLES = (Role.SUB_BRANCH_MONITOR, Role.SUB_BRANCH_SECURITY)
HEAD_OFFICE_ROLES = (Role.HEAD_OFFICE_MONITOR, Role.HEAD_OFFICE_SECURITY)

# (transition, state) -> roles that may use it at the unit holding the incident.
TRANSITION_ROLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("return", S.SUB_BRANCH_HANDLING): SUB_BRANCH_ROLES,
    ("return", S.HEAD_OFFICE_HANDLING): HEAD_OFFICE_ROLES,
    ("resubmit", S.RETURNED_TO_BRANCH): FILING_ROLES,
    ("resubmit", S.RETURNED_TO_SUB_BRANCH): SUB_BRANCH_ROLES,
    ("close", S.HEAD_OFFICE_HANDLING): (Role.HEAD_OFFICE_MONITOR,),
    **{
        ("withdraw", state): (LEVEL_LEAD_ROLE[level],)
        for state, level in (
            (S.FILED, "branch"),
            (S.BRANCH_HANDLING, "branch"),
            (S.RETURNED_TO_BRANCH, "branch"),
            (S.SUB_BRANCH_HANDLING, "sub_branch"),
        )
    },
}


def holding_unit(incident) -> OrgUnit:
    level = incident.level
    return incident.unit.ancestor_at(level) if level else incident.unit


def can_transition(actor: Actor, incident, transition: str) -> bool:
    roles = TRANSITION_ROLES.get((transition, incident.state))
    if roles is None:
        return False
    return holds_role_at(actor, unit=holding_unit(incident), roles=roles)


def available_transitions(actor: Actor, incident) -> list[str]:
    return [
        transition
        for transition in ("resubmit", "return", "close", "withdraw")
        if can_transition(actor, incident, transition)
    ]
