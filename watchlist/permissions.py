"""Who may do what with the watch list. Services enforce these; views use them to decide
what to show."""

from __future__ import annotations

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope, Level, Role

# Staff who may read the list itself (entries, nominations, history).
READER_ROLES = (
    Role.HEAD_OFFICE_MONITOR,
    Role.HEAD_OFFICE_SECURITY,
    Role.SUB_BRANCH_MONITOR,
    Role.SUB_BRANCH_SECURITY,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)


def _at_level(actor: Actor, level: str) -> bool:
    return actor.unit is not None and actor.unit.level == level


def is_head_office_monitor(actor: Actor) -> bool:
    return (
        actor.user is not None
        and actor.has_role(Role.HEAD_OFFICE_MONITOR)
        and _at_level(actor, Level.HEAD_OFFICE)
    )


def can_nominate(actor: Actor) -> bool:
    """Sub-branch operations monitors (SPEC §3) and head-office monitors."""
    if actor.user is None:
        return False
    return is_head_office_monitor(actor) or (
        actor.has_role(Role.SUB_BRANCH_MONITOR) and _at_level(actor, Level.SUB_BRANCH)
    )


def can_decide(actor: Actor) -> bool:
    """Head office maintains the list: approves, rejects, edits, delists, imports."""
    return is_head_office_monitor(actor)


def can_read(actor: Actor) -> bool:
    if actor.client is not None:
        return actor.has_scope(ApiScope.WATCHLIST_READ)
    if actor.user is None:
        return actor.is_system
    return actor.user.is_superuser or actor.has_role(*READER_ROLES)


def can_screen(actor: Actor) -> bool:
    """Anyone on the staff; API clients with the screening scope."""
    if actor.client is not None:
        return actor.has_scope(ApiScope.SCREENING)
    return actor.user is not None and actor.user.is_authenticated


def can_export(actor: Actor) -> bool:
    return can_decide(actor) or (
        actor.user is not None
        and actor.has_role(Role.AUDITOR)
        and _at_level(actor, Level.HEAD_OFFICE)
    )


def sees_all_nominations(actor: Actor) -> bool:
    return actor.is_system or (actor.unit is not None and actor.unit.level == Level.HEAD_OFFICE)
