"""Services of the shared core: readable numbers, refusal auditing, user set-up."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F

from .actors import Actor
from .audit import audit_refusal
from .errors import DomainError
from .models import OrgUnit, RoleAssignment, Sequence, User

P = ParamSpec("P")
R = TypeVar("R")


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
