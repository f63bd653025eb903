"""Services of the shared core: readable numbers, refusal auditing, user set-up, and head
office's audited edits of org units, role assignments and API clients."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.db import IntegrityError, models, transaction
from django.db.models import F

from .actors import Actor
from .audit import audit_record, audit_refusal
from .errors import DomainError, PermissionRefused
from .models import ApiClient, OrgUnit, RoleAssignment, Sequence, User

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)


def refusals_audited(func: Callable[P, R]) -> Callable[P, R]:
    """Record every audited refusal a service raises, after its own changes rolled back.

    The service's work happens inside its own `atomic()`; when it raises a refusal that work
    is gone, and the refusal itself is then written in a transaction of its own.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            actor = kwargs.get("actor")
            if exc.audited and isinstance(actor, Actor):
                if not exc.action:
                    exc.action = f"{func.__name__}.refused"
                with transaction.atomic():
                    audit_refusal(actor=actor, error=exc)
            raise

    return wrapper


def sequence_next(*, name: str, year: int = 0, count: int = 1) -> int:
    """Reserve the next `count` values of a counter and return the first of them.

    The one counter service: readable numbers (``FI-2026-000042``: one counter per `name`
    and `year`) and the watch list's change feed (``year=0``, a block of `count` positions
    per write) both use it. Call it inside the transaction that uses the values:

    - **gap-free**: the increment is an ``UPDATE ... SET value = value + count`` in the
      caller's transaction, so a rollback gives the values back;
    - **monotonic in commit order**: that UPDATE row-locks the counter until the caller
      commits, so a second writer waits, and values become visible in the order they were
      handed out (a reader following the feed never skips a value that committed late);
    - the first use creates the row; two first uses at once both succeed (the loser of the
      INSERT race increments the winner's row, on PostgreSQL as on SQLite).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    counter = Sequence.objects.filter(name=name, year=year)
    with transaction.atomic():
        if not counter.update(value=F("value") + count):
            try:
                with transaction.atomic():
                    Sequence.objects.create(name=name, year=year, value=count)
                return 1
            except IntegrityError:
                counter.update(value=F("value") + count)
        return counter.values_list("value", flat=True).get() - count + 1


def user_set_roles(*, user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    with transaction.atomic():
        user.role_assignments.exclude(role__in=wanted).delete()
        for role in wanted:
            RoleAssignment.objects.get_or_create(user=user, role=role)
    user._role_codes = frozenset(wanted)


def org_unit_upsert(
    *, code: str, name_zh: str, name_en: str, level: str, parent: OrgUnit | None
) -> OrgUnit:
    unit, _created = OrgUnit.objects.update_or_create(
        code=code,
        defaults={"name_zh": name_zh, "name_en": name_en, "level": level, "parent": parent},
    )
    return unit


# --- head office's edits in the admin: audited, before and after, in one transaction ---------

# What the audit trail records of each edited model. The webhook secret is never recorded:
# only whether one is set and whether it changed.
ORG_UNIT_AUDITED: tuple[str, ...] = ("code", "name_zh", "name_en", "level", "parent", "is_active")
ROLE_ASSIGNMENT_AUDITED: tuple[str, ...] = ("user", "role")
API_CLIENT_AUDITED: tuple[str, ...] = (
    "name",
    "unit",
    "scopes",
    "webhook_url",
    "webhook_secret",
    "is_active",
)
_SECRET_FIELDS = frozenset({"webhook_secret"})


def _shown(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if name in _SECRET_FIELDS:
        return "(set)" if value else ""
    if isinstance(value, OrgUnit):
        return value.code
    if isinstance(value, User):
        return value.get_username()
    return value


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _shown(obj, name) for name in names}


def _apply_audited(
    *,
    actor: Actor,
    obj: M,
    changes: Mapping[str, Any],
    audited: tuple[str, ...],
    entity: str,
    thread: str = "",
) -> M:
    """Create `obj` (no pk yet) or apply `changes` to its stored row, locked, and record
    what changed with before and after. Nothing is recorded when nothing changed."""
    model = type(obj)
    with transaction.atomic():
        if obj.pk is None:
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.save()
            audit_record(
                actor=actor,
                action=f"{entity}.created",
                thread=thread or f"{entity}:{obj.pk}",
                target=f"{entity}:{obj.pk}",
                after=_snapshot(obj, audited),
            )
            return obj
        stored = model._default_manager.select_for_update().get(pk=obj.pk)
        changed = [name for name, value in changes.items() if getattr(stored, name) != value]
        if not changed:
            return stored
        before = _snapshot(stored, changed)
        for name in changed:
            setattr(stored, name, changes[name])
        stored.save()
        after = _snapshot(stored, changed)
        for name in _SECRET_FIELDS.intersection(changed):
            after[name] = "(changed)" if getattr(stored, name) else ""
        audit_record(
            actor=actor,
            action=f"{entity}.updated",
            thread=thread or f"{entity}:{stored.pk}",
            target=f"{entity}:{stored.pk}",
            before=before,
            after=after,
        )
        return stored


def _delete_audited(
    *, actor: Actor, obj: models.Model, audited: tuple[str, ...], entity: str, thread: str = ""
) -> None:
    with transaction.atomic():
        stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        before = _snapshot(stored, audited)
        pk = stored.pk
        stored.delete()
        audit_record(
            actor=actor,
            action=f"{entity}.deleted",
            thread=thread or f"{entity}:{pk}",
            target=f"{entity}:{pk}",
            before=before,
        )


def org_unit_save(*, actor: Actor, unit: OrgUnit, changes: Mapping[str, Any]) -> OrgUnit:
    """Create `unit` (when it has no pk) or apply `changes` (field → new value) to the stored
    unit; its subtree's paths follow a move. Records before and after."""
    return _apply_audited(
        actor=actor, obj=unit, changes=changes, audited=ORG_UNIT_AUDITED, entity="org_unit"
    )


def org_unit_delete(*, actor: Actor, unit: OrgUnit) -> None:
    """Delete a unit nothing refers to (people, incidents and child units protect it)."""
    _delete_audited(actor=actor, obj=unit, audited=ORG_UNIT_AUDITED, entity="org_unit")


def role_assignment_save(
    *, actor: Actor, assignment: RoleAssignment, changes: Mapping[str, Any]
) -> RoleAssignment:
    """Give a person a role (`assignment` without a pk) or change an assignment's role.
    Recorded on the person's thread with before and after."""
    user = changes.get("user")
    thread = f"user:{user.pk if user is not None else assignment.user_id}"
    return _apply_audited(
        actor=actor,
        obj=assignment,
        changes=changes,
        audited=ROLE_ASSIGNMENT_AUDITED,
        entity="role_assignment",
        thread=thread,
    )


def role_assignment_delete(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take a role away from a person; recorded on the person's thread."""
    _delete_audited(
        actor=actor,
        obj=assignment,
        audited=ROLE_ASSIGNMENT_AUDITED,
        entity="role_assignment",
        thread=f"user:{assignment.user_id}",
    )


def api_client_create(*, actor: Actor, client: ApiClient, changes: Mapping[str, Any]) -> str:
    """Register a bank system as an API client with a fresh token; returns the token, which
    is shown once and stored only as its hash (never in the audit trail)."""
    raw = client.issue_key()
    _apply_audited(
        actor=actor, obj=client, changes=changes, audited=API_CLIENT_AUDITED, entity="api_client"
    )
    return raw


def api_client_update(*, actor: Actor, client: ApiClient, changes: Mapping[str, Any]) -> ApiClient:
    """Change a client's name, unit, scopes, webhook settings or active flag (`changes`:
    field → new value); records before and after (the webhook secret only as set/changed)."""
    unknown = set(changes) - set(API_CLIENT_AUDITED)
    if unknown:
        raise ValueError(f"not editable on an API client: {sorted(unknown)}")
    return _apply_audited(
        actor=actor, obj=client, changes=changes, audited=API_CLIENT_AUDITED, entity="api_client"
    )


def api_client_rotate_key(*, actor: Actor, client: ApiClient) -> str:
    """Issue a new token (the old one stops working at once); returns it, shown once."""
    with transaction.atomic():
        stored = ApiClient.objects.select_for_update().get(pk=client.pk)
        old_prefix = stored.key_prefix
        raw = stored.issue_key()
        stored.save(update_fields=["key_prefix", "key_hash"])
        audit_record(
            actor=actor,
            action="api_client.key_rotated",
            thread=f"api_client:{stored.pk}",
            target=f"api_client:{stored.pk}",
            before={"key_prefix": old_prefix},
            after={"key_prefix": stored.key_prefix},
        )
    client.key_prefix, client.key_hash = stored.key_prefix, stored.key_hash
    return raw


def api_client_delete(*, actor: Actor, client: ApiClient) -> None:
    """Remove an API client (its token stops working)."""
    _delete_audited(actor=actor, obj=client, audited=API_CLIENT_AUDITED, entity="api_client")


def may_unlock_logins(actor: Actor) -> bool:
    """Lifting a login lockout is an account administrator's act (Django's change_user
    permission: the admin); the system (a management command run on the server) may too."""
    if actor.is_system:
        return True
    return actor.user is not None and actor.user.has_perm("core.change_user")


@refusals_audited
def login_unlock(*, actor: Actor, username: str) -> int:
    """Lift the login lockout of `username` (django-axes' failed attempts for that username,
    from every address) and record who lifted it, when and for whom on the person's thread.
    Returns the number of attempt records cleared (0: nothing was locked; still recorded)."""
    thread = ""
    user = User.objects.filter(username=username).only("pk").first()
    if user is not None:
        thread = f"user:{user.pk}"
    if not may_unlock_logins(actor):
        raise PermissionRefused(action="user.login_unlock.refused", thread=thread)
    with transaction.atomic():
        attempts = list(
            AccessAttempt.objects.select_for_update()
            .filter(username=username)
            .values("ip_address", "failures_since_start", "attempt_time")
        )
        cleared = int(axes_reset(username=username))
        audit_record(
            actor=actor,
            action="user.login_unlocked",
            thread=thread,
            target=f"user:{user.pk}" if user is not None else f"username:{username}",
            before={
                "attempts": [
                    {
                        "ip": row["ip_address"],
                        "failures": row["failures_since_start"],
                        "last_failure_at": row["attempt_time"],
                    }
                    for row in attempts
                ]
            },
            after={"attempts": []},
            data={"username": username, "cleared": cleared},
        )
    return cleared
