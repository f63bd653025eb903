"""Who may act on incidents and their tasks, in the vocabulary every app uses:

- `check_may_<verb>(actor, ...)` raises the refusal (`fraudops.core.errors`) with its
  message, naming the audit `action` that was attempted; the services call it.
- `may_<verb>(actor, ...)` is derived from it (the check passes) for pages and buttons.

The services remain the only authority: a page that shows a button wrongly still gets a
refusal from the service. These helpers read what is already loaded (the actor's roles and
unit, the incident's unit chain, the task's unit) and never query.

Which transitions of the incident this actor may use is asked of each transition's action
(`incidents.actions`), which builds on `check_role_at` here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import (
    LEVEL_ASSIGNER_ROLES,
    ROLE_LEVEL,
    ApiScope,
    Level,
    Role,
    level_above,
)
from fraudops.core.errors import (
    Conflict,
    InvalidTransition,
    OutOfScope,
    PermissionRefused,
)
from fraudops.core.models import OrgUnit
from fraudops.core.permissions import allowed

from .choices import TaskStatus

FILING_ROLES: tuple[str, ...] = (Role.TELLER, Role.BRANCH_MANAGER)
SUB_BRANCH_ROLES: tuple[str, ...] = (Role.SUB_BRANCH_MONITOR, Role.SUB_BRANCH_SECURITY)
HEAD_OFFICE_ROLES: tuple[str, ...] = (Role.HEAD_OFFICE_MONITOR, Role.HEAD_OFFICE_SECURITY)


# --- the rule every write builds on --------------------------------------------------------


def check_role_at(
    actor: Actor, *, unit: OrgUnit, roles: tuple[str, ...], thread: str, action: str
) -> None:
    """The rule of every write on an incident: staff must hold one of `roles` at exactly
    `unit` (else OutOfScope, or PermissionRefused naming the roles); API clients act
    anywhere within their scope; the system always may."""
    if actor.is_system:
        return
    if actor.client is not None:
        if not actor.sees(unit):
            raise OutOfScope(thread=thread, action=action)
        return
    if actor.unit is None or actor.unit.pk != unit.pk:
        raise OutOfScope(
            _("Only staff of %(unit)s can do this.") % {"unit": unit.name},
            thread=thread,
            action=action,
        )
    if not actor.has_role(*roles):
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionRefused(
            _("This needs one of these roles: %(roles)s.") % {"roles": names},
            thread=thread,
            action=action,
        )


def level_roles(level: str | None) -> tuple[str, ...]:
    """The working roles of a level (who works that level's tasks)."""
    return tuple(role for role, role_level in ROLE_LEVEL.items() if role_level == level)


def holding_unit(incident) -> OrgUnit:
    """The unit of the level that holds the incident now (its branch once it is over)."""
    level = incident.level
    return incident.unit.ancestor_at(level) if level else incident.unit


def instructing_unit(task) -> OrgUnit:
    """The unit above the task's owner, which instructs its waiting steps."""
    return task.unit.parent if task.unit.parent_id else task.unit


def instructing_roles(task) -> tuple[str, ...]:
    return level_roles(level_above(task.level))


# --- filing ----------------------------------------------------------------------------------


def check_may_file(actor: Actor, *, unit: OrgUnit, action: str = "incident.file") -> None:
    """Raise unless `actor` may file an incident at the branch `unit`: an API client with
    the incidents:write scope within its subtree, or staff of that branch with a filing
    role (tellers, branch managers)."""
    if actor.client is not None:
        if not actor.has_scope(ApiScope.INCIDENTS_WRITE):
            raise PermissionRefused(_("This API client lacks the incidents:write scope."))
        if not actor.sees(unit):
            raise OutOfScope()
        return
    check_role_at(actor, unit=unit, roles=FILING_ROLES, thread="", action=action)


def may_file(actor: Actor) -> bool:
    """Whether to offer filing: staff of a branch with a filing role."""
    return (
        actor.user is not None
        and actor.unit is not None
        and actor.unit.level == Level.BRANCH
        and allowed(check_may_file, actor, unit=actor.unit)
    )


# --- tasks -----------------------------------------------------------------------------------


def _check_task_worker(actor: Actor, *, task, incident, action: str) -> None:
    """A task is worked by its level's roles at its unit."""
    check_role_at(
        actor,
        unit=task.unit,
        roles=level_roles(task.level),
        thread=incident.thread,
        action=action,
    )


def _check_instructing_level(actor: Actor, *, task, incident, action: str) -> None:
    """The level above the task's owner instructs (or dismisses) its waiting steps."""
    check_role_at(
        actor,
        unit=instructing_unit(task),
        roles=instructing_roles(task),
        thread=incident.thread,
        action=action,
    )


def _check_task_open(task, incident, action: str) -> None:
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: its tasks can no longer change.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
    if task.status == TaskStatus.WAITING:
        raise InvalidTransition(
            _("This step waits for an instruction from the level above."),
            thread=incident.thread,
            action=action,
        )
    if task.is_finished:
        raise Conflict(
            _("This step was already recorded as %(status)s by someone else.")
            % {"status": task.get_status_display()},
            thread=incident.thread,
            action=action,
        )


def check_may_work_task(actor: Actor, *, task, incident, action: str = "task.complete") -> None:
    """Raise unless `actor` may record the open `task` as done: its level's roles at its
    unit (refused first), while the incident is open and the task open (InvalidTransition,
    or Conflict when someone else already finished it)."""
    _check_task_worker(actor, task=task, incident=incident, action=action)
    _check_task_open(task, incident, action)


def may_work_task(actor: Actor, *, task, incident) -> bool:
    return allowed(check_may_work_task, actor, task=task, incident=incident)


def check_may_instruct_task(actor: Actor, *, task, incident, action: str = "task.instruct") -> None:
    """Raise unless `actor` may instruct the waiting `task`: the level above its owner, while
    the incident is open and the task still waits."""
    _check_instructing_level(actor, task=task, incident=incident, action=action)
    if not incident.is_open:
        raise InvalidTransition(thread=incident.thread, action=action)
    if task.status != TaskStatus.WAITING:
        raise Conflict(
            _("This step is not waiting for an instruction any more."),
            thread=incident.thread,
            action=action,
        )


def may_instruct_task(actor: Actor, *, task, incident) -> bool:
    return allowed(check_may_instruct_task, actor, task=task, incident=incident)


def task_may_be_not_applicable(task) -> bool:
    """The step's own rule (whoever asks): only optional, conditional or instruction-waiting
    steps may be marked not applicable."""
    step = task.step
    return not step.mandatory or step.conditional or step.awaits_instruction


def check_not_applicable_allowed(task, incident, action: str) -> None:
    """Raise unless the task's step may be marked not applicable at all."""
    if not task_may_be_not_applicable(task):
        raise InvalidTransition(
            _("This step is required for every incident of this type: record it as done."),
            thread=incident.thread,
            action=action,
        )


def check_may_mark_not_applicable(
    actor: Actor, *, task, incident, action: str = "task.not_applicable"
) -> None:
    """Raise unless `actor` may decide on this task now: a waiting step is dismissed by the
    level above (while the incident is open), an open one by its workers. The step's own
    rule (`check_not_applicable_allowed`) is checked by the service after the reason."""
    if task.status == TaskStatus.WAITING:
        _check_instructing_level(actor, task=task, incident=incident, action=action)
        if not incident.is_open:
            raise InvalidTransition(thread=incident.thread, action=action)
    else:
        _check_task_worker(actor, task=task, incident=incident, action=action)
        _check_task_open(task, incident, action)


def may_mark_not_applicable(actor: Actor, *, task, incident) -> bool:
    return task_may_be_not_applicable(task) and allowed(
        check_may_mark_not_applicable, actor, task=task, incident=incident
    )


# --- evidence --------------------------------------------------------------------------------


def check_may_attach(actor: Actor, *, incident, action: str = "evidence.attach") -> None:
    """Raise unless `actor` may attach files to `incident`: staff who work at some level
    and see it (API clients: their write scope was checked when the incident was locked)."""
    if actor.user is not None and not (actor.working_levels() and actor.sees(incident.unit)):
        raise PermissionRefused(thread=incident.thread, action=action)


def may_attach(actor: Actor, *, incident) -> bool:
    return allowed(check_may_attach, actor, incident=incident)


def check_may_attach_to_task(
    actor: Actor, *, task, incident, action: str = "evidence.attach"
) -> None:
    """Raise unless `actor` may attach a file to `task`: its level's roles at its unit."""
    _check_task_worker(actor, task=task, incident=incident, action=action)


# --- the facts after filing ------------------------------------------------------------------


def check_may_edit_facts(actor: Actor, *, incident, action: str = "incident.edit_facts") -> None:
    """Raise unless `actor` may edit the incident's facts (summary amendments, occurred-at,
    channel, fraud script, serious; parties, accounts and fraud vehicles): while the
    incident is open (InvalidTransition otherwise), staff of the unit holding it or of a
    unit above it in its chain, with a role that works their own unit's level; API clients
    with the incidents:write scope within their subtree; the system always."""
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: its facts can no longer be changed.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
    if actor.is_system:
        return
    if actor.client is not None:
        if not actor.has_scope(ApiScope.INCIDENTS_WRITE):
            raise PermissionRefused(
                _("This API client lacks the incidents:write scope."),
                thread=incident.thread,
                action=action,
            )
        if not actor.sees(incident.unit):
            raise OutOfScope(thread=incident.thread, action=action)
        return
    holding = holding_unit(incident)
    unit = actor.unit
    if unit is None or not actor.sees(incident.unit):
        raise OutOfScope(thread=incident.thread, action=action)
    if not holding.path.startswith(unit.path):
        raise PermissionRefused(
            _(
                "The incident is with %(unit)s now: only it and the levels above it may "
                "change its facts."
            )
            % {"unit": holding.name},
            thread=incident.thread,
            action=action,
        )
    roles = level_roles(unit.level)
    if not actor.has_role(*roles):
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionRefused(
            _("Changing the facts needs one of these roles: %(roles)s.") % {"roles": names}
            if names
            else None,
            thread=incident.thread,
            action=action,
        )


def may_edit_facts(actor: Actor, *, incident) -> bool:
    return allowed(check_may_edit_facts, actor, incident=incident)


# --- amounts: the ledger, the amount lost, the outcome -------------------------------------


def amount_units(incident) -> list[OrgUnit]:
    """The units whose staff keep the incident's amounts: the level that holds it and the
    levels above it; once it is over, its whole chain (money can come back after closing).
    Reads the incident's loaded unit chain."""
    unit: OrgUnit | None = holding_unit(incident) if incident.is_open else incident.unit
    units = []
    while unit is not None:
        units.append(unit)
        unit = unit.parent if unit.parent_id else None
    return units


def check_may_edit_amounts(
    actor: Actor, *, incident, action: str = "incident.ledger_record"
) -> None:
    """Raise unless `actor` may record or void ledger entries, or set the amount lost or
    the outcome: staff of the holding level's unit or a unit above it, with a working role
    of their own level (API clients: their write scope was checked when the incident was
    locked; the system always may)."""
    if actor.is_system or actor.client is not None:
        return
    unit = actor.unit
    units = amount_units(incident)
    if unit is None or unit.pk not in {u.pk for u in units}:
        if unit is not None and actor.working_levels():
            raise OutOfScope(
                _(
                    "Amounts are kept by the level that holds the incident (%(unit)s) and "
                    "the levels above it."
                )
                % {"unit": units[0].name},
                thread=incident.thread,
                action=action,
            )
        raise PermissionRefused(thread=incident.thread, action=action)
    roles = level_roles(unit.level)
    if not actor.has_role(*roles):
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionRefused(
            _("This needs one of these roles: %(roles)s.") % {"roles": names},
            thread=incident.thread,
            action=action,
        )


def may_edit_amounts(actor: Actor, *, incident) -> bool:
    return allowed(check_may_edit_amounts, actor, incident=incident)


# --- reopening a step that was not applicable -------------------------------------------------


def check_may_reopen_task(actor: Actor, *, task, incident, action: str = "task.reopen") -> None:
    """Raise unless `actor` may reopen `task`: the roles of the level holding the incident,
    at its holding unit (API clients: within their scope), while the incident is open and
    the step is marked not applicable (by the facts or by a person)."""
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: its tasks can no longer change.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
    check_role_at(
        actor,
        unit=holding_unit(incident),
        roles=level_roles(incident.level),
        thread=incident.thread,
        action=action,
    )
    if task.status != TaskStatus.NOT_APPLICABLE:
        raise Conflict(
            _("This step is not marked not applicable: it is %(status)s.")
            % {"status": task.get_status_display()},
            thread=incident.thread,
            action=action,
        )


def may_reopen_task(actor: Actor, *, task, incident) -> bool:
    return task.status == TaskStatus.NOT_APPLICABLE and allowed(
        check_may_reopen_task, actor, task=task, incident=incident
    )


# --- named owners (docs/owners.md) -----------------------------------------------------------


def assigner_roles(task) -> tuple[str, ...]:
    """Who dispatches the task's level's steps to named people at its unit: the level's lead
    role and its head of operations (`LEVEL_ASSIGNER_ROLES`)."""
    return LEVEL_ASSIGNER_ROLES.get(task.level, ())


def may_hold_task(user, *, task, roles: frozenset[str] | None = None) -> bool:
    """Whether `user` may be the named owner of `task`: active, a member of its unit, and
    holding a role of its level there (`roles`: the person's roles when already read;
    otherwise read from the person, one query)."""
    if user is None or not user.is_active or user.unit_id != task.unit_id:
        return False
    held = roles if roles is not None else user.role_codes
    return bool(set(level_roles(task.level)) & set(held))


def _check_task_assignable(task, incident, action: str) -> None:
    """Open and waiting steps of an open incident take a named owner; finished ones keep
    the one they had."""
    if not incident.is_open:
        raise InvalidTransition(
            _("The incident is %(state)s: its tasks can no longer change.")
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )
    if task.is_finished:
        raise Conflict(
            _("This step is already %(status)s: its owner can no longer change.")
            % {"status": task.get_status_display()},
            thread=incident.thread,
            action=action,
        )


def _assignee_name(task) -> str:
    assignee = task.assignee
    return (assignee.display_name or assignee.get_username()) if assignee else ""


def check_may_claim_task(actor: Actor, *, task, incident, action: str = "task.claim") -> None:
    """Raise unless `actor` may take `task` as their own: a person (not an API client)
    holding a role of its level at its unit, while the step is open or waiting on an open
    incident and nobody holds it (someone else's step is reassigned by an assigner)."""
    if actor.user is None:
        raise PermissionRefused(
            _("Only a person can take a step as their own."),
            thread=incident.thread,
            action=action,
        )
    _check_task_worker(actor, task=task, incident=incident, action=action)
    _check_task_assignable(task, incident, action)
    if task.assignee_id == actor.user.pk:
        raise Conflict(_("This step is already yours."), thread=incident.thread, action=action)
    if task.assignee_id is not None:
        raise Conflict(
            _(
                "%(person)s already holds this step: ask whoever assigns this level's steps "
                "to reassign it."
            )
            % {"person": _assignee_name(task)},
            thread=incident.thread,
            action=action,
        )


def may_claim_task(actor: Actor, *, task, incident) -> bool:
    return allowed(check_may_claim_task, actor, task=task, incident=incident)


def check_may_assign_task(actor: Actor, *, task, incident, action: str = "task.assign") -> None:
    """Raise unless `actor` may assign (or reassign) `task` to a named person: the lead role
    or the head of operations of its level at its unit (`assigner_roles`; API clients within
    their scope; the system), while the step is open or waiting on an open incident. Who it
    goes to is checked by the service (`may_hold_task`)."""
    check_role_at(
        actor,
        unit=task.unit,
        roles=assigner_roles(task),
        thread=incident.thread,
        action=action,
    )
    _check_task_assignable(task, incident, action)


def may_assign_task(actor: Actor, *, task, incident) -> bool:
    return allowed(check_may_assign_task, actor, task=task, incident=incident)


def check_may_unassign_task(actor: Actor, *, task, incident, action: str = "task.unassign") -> None:
    """Raise unless `actor` may give `task` back to its owner role: its assignee (who
    releases it) or one who may assign it, while it has an assignee and is open or
    waiting on an open incident."""
    if actor.user is None or task.assignee_id != actor.user.pk:
        check_role_at(
            actor,
            unit=task.unit,
            roles=assigner_roles(task),
            thread=incident.thread,
            action=action,
        )
    _check_task_assignable(task, incident, action)
    if task.assignee_id is None:
        raise Conflict(
            _("Nobody holds this step: it is already with its owner role."),
            thread=incident.thread,
            action=action,
        )


def may_unassign_task(actor: Actor, *, task, incident) -> bool:
    return allowed(check_may_unassign_task, actor, task=task, incident=incident)
