"""Reads of the shared core, always scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from .actors import Actor
from .choices import Role
from .models import OrgUnit, User


def org_unit_list(*, actor: Actor) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.select_related("parent").order_by("path")
    path = actor.subtree_path()
    if path is not None:
        qs = qs.filter(path__startswith=path)
    return qs


def users_with_role(*, unit: OrgUnit, roles: list[str] | tuple[str, ...]) -> QuerySet[User]:
    """Active people holding one of `roles` at `unit` exactly."""
    return (
        User.objects.filter(unit=unit, is_active=True, role_assignments__role__in=roles)
        .distinct()
        .order_by("pk")
    )


def head_office() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent__isnull=True).first()


__all__ = ["Role", "head_office", "org_unit_list", "users_with_role"]
