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


def sequence_next(*, name: str, year: int) -> int:
    """Next value of a yearly counter; safe under concurrency (row lock, F() increment)."""
    with transaction.atomic():
        updated = Sequence.objects.filter(name=name, year=year).update(value=F("value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Sequence.objects.create(name=name, year=year, value=1)
                    return 1
            except IntegrityError:
                Sequence.objects.filter(name=name, year=year).update(value=F("value") + 1)
        return Sequence.objects.get(name=name, year=year).value


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
