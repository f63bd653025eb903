"""Named owners (docs/owners.md): a step held by a person, not only by its owner role.

- `task_claim`: a worker of the step (a role of its level at its unit) takes an unheld step;
- `task_assign`: the level's lead role or head of operations at the step's unit gives it to
  a named person who may hold it (active, of its unit, with a role of its level), or moves
  it from one person to another (a reassignment);
- `task_unassign`: the holder, or one who may assign, gives it back to its owner role.

Each locks the incident and then the task (`locks.task_lock`), checks who may
(`permissions.check_may_claim_task` / `check_may_assign_task` / `check_may_unassign_task`),
refuses a change made against an assignee the caller no longer sees (`expected_assignee`,
a Conflict naming who holds it now), saves, audits on `incident.thread` with the assignee
before and after, keeps the step's clock in step (`task_clock_assign`: its escalation tells
the assignee first), and tells the person assigned (and the one it was taken from) through
the outbox. Finished steps keep the owner they had.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import Conflict, InvalidInput
from fraudops.core.i18n import bilingual_fields, pick
from fraudops.core.models import User
from fraudops.core.parsing import parse_prose
from fraudops.core.services import refusals_audited
from notifications.choices import Tone
from notifications.services import Message, notification_send

from .. import permissions
from ..choices import MAX_NOTE
from ..models import Incident, Task
from ..task_clocks import task_clock_assign
from .locks import task_lock


class _Unset:
    """No `expected_assignee` given: the row lock alone orders the writes."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _pk(value: Task | User | int | str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, Task | User):
        return value.pk
    return int(value)


def parse_expected_assignee(value: Any) -> int | _Unset | None:
    """The assignee the caller saw: a person's id, blank or None for nobody, UNSET for no
    check. A malformed one is refused naming the field."""
    if value is UNSET:
        return UNSET
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            fields={"expected_assignee": [_("Give the id of the person you saw holding it.")]}
        ) from None
    if pk < 1:
        raise InvalidInput(
            fields={"expected_assignee": [_("Give the id of the person you saw holding it.")]}
        )
    return pk


def _name(user: User | None) -> str:
    return (user.display_name or user.get_username()) if user is not None else ""


def _load_assignee(task: Task) -> None:
    """The locked task's assignee (the lock took the task row alone: PostgreSQL refuses
    FOR UPDATE on the nullable side of an outer join)."""
    task.assignee = (
        User.objects.filter(pk=task.assignee_id).first() if task.assignee_id is not None else None
    )


def _check_expected(task: Task, incident: Incident, expected: Any, *, action: str) -> None:
    if expected is UNSET or expected == task.assignee_id:
        return
    if task.assignee_id is None:
        now = _("nobody holds it now")
    else:
        now = _("%(person)s holds it now") % {"person": _name(task.assignee)}
    raise Conflict(
        _(
            "Someone else changed who holds this step while you were looking at it (%(now)s). "
            "Reload the page and try again."
        )
        % {"now": now},
        thread=incident.thread,
        action=action,
    )


def _eligible(user_id: int | None, *, task: Task, incident: Incident, action: str) -> User:
    """The person `user_id` if they may hold `task`; else a refusal naming the field
    `user` (the same for a person who does not exist: nothing is revealed)."""
    user = (
        User.objects.filter(pk=user_id).select_related("unit").first()
        if user_id is not None
        else None
    )
    if user is None or not permissions.may_hold_task(user, task=task):
        raise InvalidInput(
            fields={
                "user": [
                    _(
                        "This person cannot hold this step: choose an active member of "
                        "%(unit)s with a role of its level."
                    )
                    % {"unit": task.unit.name}
                ]
            },
            thread=incident.thread,
            action=action,
        )
    return user


def _state(task: Task) -> dict[str, Any]:
    return {"assignee": _name(task.assignee), "assignee_id": task.assignee_id}


ASSIGNED_TITLE = gettext_noop("Assigned to you: %(title)s")
ASSIGNED_BODY = gettext_noop(
    "%(by)s assigned you this step of %(number)s (%(unit)s). It is due %(due)s."
)
ASSIGNED_BODY_NO_DUE = gettext_noop(
    "%(by)s assigned you this step of %(number)s (%(unit)s). It waits for an instruction "
    "from the level above."
)
TAKEN_TITLE = gettext_noop("Reassigned: %(title)s")
RELEASED_TITLE = gettext_noop("Given back to its role: %(title)s")
TAKEN_BODY = gettext_noop("%(by)s gave this step of %(number)s, which you held, to %(person)s.")
RELEASED_BODY = gettext_noop(
    "%(by)s gave this step of %(number)s, which you held, back to its owner role."
)


def _tell(
    *,
    task: Task,
    incident: Incident,
    actor: Actor,
    user: User,
    key: str,
    title: str,
    body: str,
    person: str = "",
) -> None:
    """Tell `user` about a change of the step's owner, once (`key` is the change's own)."""
    due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") if task.due_at else ""
    step = task.step

    def params() -> dict[str, Any]:
        return {
            "title": f"{incident.number} {pick(step.title_zh, step.title_en)}",
            "number": incident.number,
            "unit": task.unit.name,
            "due": due,
            "by": actor.label if actor.user is None else _name(actor.user),
            "person": person,
        }

    notification_send(
        message=Message(
            key=key,
            kind="incidents.assigned",
            tone=Tone.INFO,
            user_ids=(user.pk,),
            url=f"{incident.get_absolute_url()}#task-{task.pk}",
            thread=incident.thread,
            **bilingual_fields(params, title=title, body=body),
        )
    )


def _apply(
    *,
    actor: Actor,
    incident: Incident,
    task: Task,
    user: User | None,
    audit_action: str,
    reason: str = "",
) -> Task:
    """Set the task's assignee, audit, move its clock, tell who gained and who lost it."""
    before = _state(task)
    previous = task.assignee
    now = timezone.now()
    task.assignee = user
    task.assigned_at = now if user is not None else None
    task.assigned_by = actor.user if user is not None else None
    task.assigned_by_client = actor.client if user is not None else None
    task.save(update_fields=["assignee", "assigned_at", "assigned_by", "assigned_by_client"])
    event = audit_record(
        actor=actor,
        action=audit_action,
        thread=incident.thread,
        target=f"task:{task.pk}",
        before=before,
        after=_state(task),
        data={
            "step": task.step.code,
            "level": task.level,
            "reassigned": previous is not None and user is not None,
            **({"reason": reason} if reason else {}),
        },
    )
    task_clock_assign(task=task)
    me = actor.user.pk if actor.user is not None else None
    if user is not None and user.pk != me:
        _tell(
            task=task,
            incident=incident,
            actor=actor,
            user=user,
            key=f"task:{task.pk}:assigned:{event.pk}",
            title=ASSIGNED_TITLE,
            body=ASSIGNED_BODY if task.due_at else ASSIGNED_BODY_NO_DUE,
        )
    if previous is not None and previous.pk != me and (user is None or previous.pk != user.pk):
        _tell(
            task=task,
            incident=incident,
            actor=actor,
            user=previous,
            key=f"task:{task.pk}:unassigned:{event.pk}",
            title=TAKEN_TITLE if user is not None else RELEASED_TITLE,
            body=TAKEN_BODY if user is not None else RELEASED_BODY,
            person=_name(user),
        )
    return task


@refusals_audited
def task_claim(*, actor: Actor, task: Task | int, expected_assignee: Any = UNSET) -> Task:
    """The acting person takes the step as their own (it must be held by nobody; someone
    else's step is reassigned by whoever assigns the level's steps)."""
    action = "task.claim"
    expected = parse_expected_assignee(expected_assignee)
    with transaction.atomic():
        incident, locked = task_lock(actor=actor, pk=_pk(task) or 0, action=action)
        _load_assignee(locked)
        permissions.check_may_claim_task(actor, task=locked, incident=incident, action=action)
        _check_expected(locked, incident, expected, action=action)
        assert actor.user is not None  # the check refuses API clients and the system
        return _apply(
            actor=actor,
            incident=incident,
            task=locked,
            user=actor.user,
            audit_action="task.claimed",
        )


@refusals_audited
def task_assign(
    *,
    actor: Actor,
    task: Task | int,
    user: User | int | str | None,
    expected_assignee: Any = UNSET,
) -> Task:
    """Give the step to `user` (a person or their id), who must be able to hold it: active,
    of the step's unit, with a role of its level. By the level's lead role or head of
    operations at that unit (or an API client within its scope). Assigning it to whoever
    holds it already changes nothing."""
    action = "task.assign"
    expected = parse_expected_assignee(expected_assignee)
    try:
        user_id = _pk(user)
    except (TypeError, ValueError):
        raise InvalidInput(fields={"user": [_("Choose a person.")]}) from None
    if user_id is None:
        raise InvalidInput(fields={"user": [_("Choose a person.")]})
    with transaction.atomic():
        incident, locked = task_lock(actor=actor, pk=_pk(task) or 0, action=action)
        _load_assignee(locked)
        permissions.check_may_assign_task(actor, task=locked, incident=incident, action=action)
        _check_expected(locked, incident, expected, action=action)
        person = _eligible(user_id, task=locked, incident=incident, action=action)
        if locked.assignee_id == person.pk:
            return locked
        return _apply(
            actor=actor,
            incident=incident,
            task=locked,
            user=person,
            audit_action="task.assigned",
        )


@refusals_audited
def task_unassign(
    *, actor: Actor, task: Task | int, reason: str = "", expected_assignee: Any = UNSET
) -> Task:
    """Give the step back to its owner role: by its holder (releasing it) or by whoever
    may assign it, with an optional reason."""
    action = "task.unassign"
    expected = parse_expected_assignee(expected_assignee)
    reason = parse_prose(reason, field="reason", max_length=MAX_NOTE)
    with transaction.atomic():
        incident, locked = task_lock(actor=actor, pk=_pk(task) or 0, action=action)
        _load_assignee(locked)
        permissions.check_may_unassign_task(actor, task=locked, incident=incident, action=action)
        _check_expected(locked, incident, expected, action=action)
        return _apply(
            actor=actor,
            incident=incident,
            task=locked,
            user=None,
            audit_action="task.unassigned",
            reason=reason,
        )
