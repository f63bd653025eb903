"""Who may do what with the watch list.

One vocabulary, as in controls: `check_may_<verb>(actor, ...)` raises the refusal
(`fraudops.core.errors`) with the message the user reads; `may_<verb>(actor, ...)` is derived
from it and answers True or False, for pages and buttons. Services call the `check_may_*`
functions; views and templates ask the `may_*` twins what to show, so a button is offered
exactly when the service would accept it.

What the object's state allows (an open nomination, an active entry) is added by the `may_*`
twins for the buttons; the services check the state themselves and refuse with
`InvalidTransition`, which is not a permission.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope, Level, Role
from fraudops.core.errors import FourEyesRefused, PermissionRefused
from fraudops.core.permissions import allowed

# Staff who may read the list itself (entries, nominations, history).
READER_ROLES = (
    Role.HEAD_OFFICE_MONITOR,
    Role.HEAD_OFFICE_SECURITY,
    Role.SUB_BRANCH_MONITOR,
    Role.SUB_BRANCH_SECURITY,
    Role.HEAD_OFFICE_OPERATIONS_HEAD,
    Role.SUB_BRANCH_OPERATIONS_HEAD,
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


def is_nominator(actor: Actor, *, nomination) -> bool:
    """Whether `actor` is the person who nominated it (who never decides it: four-eyes)."""
    return actor.user is not None and actor.user.pk == nomination.nominated_by_id


def sees_all_nominations(actor: Actor) -> bool:
    return actor.is_system or (actor.unit is not None and actor.unit.level == Level.HEAD_OFFICE)


# --- the checks: each raises the refusal, with its message ------------------------------------


def check_may_read(actor: Actor, *, thread: str = "", action: str = "") -> None:
    """The list itself (entries, nominations, history, the change feed): monitors, security
    and auditors; API clients with the watchlist:read scope; the system."""
    if actor.client is not None:
        allowed = actor.has_scope(ApiScope.WATCHLIST_READ)
    elif actor.user is None:
        allowed = actor.is_system
    else:
        allowed = actor.user.is_superuser or actor.has_role(*READER_ROLES)
    if not allowed:
        raise PermissionRefused(
            _("The watch list is open to monitors, security and auditors."),
            thread=thread,
            action=action,
        )


def check_may_screen(actor: Actor, *, thread: str = "", action: str = "") -> None:
    """Anyone on the staff; API clients with the screening scope."""
    if actor.client is not None:
        allowed = actor.has_scope(ApiScope.SCREENING)
    else:
        allowed = actor.user is not None and actor.user.is_authenticated
    if not allowed:
        raise PermissionRefused(thread=thread, action=action)


def check_may_nominate(
    actor: Actor, *, thread: str = "", action: str = "watchlist.nominate"
) -> None:
    """Sub-branch operations monitors (SPEC §3) and head-office monitors."""
    allowed = actor.user is not None and (
        is_head_office_monitor(actor)
        or (actor.has_role(Role.SUB_BRANCH_MONITOR) and _at_level(actor, Level.SUB_BRANCH))
    )
    if not allowed:
        raise PermissionRefused(
            _("Only sub-branch and head-office operations monitors nominate entries."),
            thread=thread,
            action=action,
        )


def check_may_see_nominations(actor: Actor, *, thread: str = "", action: str = "") -> None:
    """The nominations pages: readers of the list, and those who nominate (a sub-branch sees
    its own unit's, head office every one)."""
    if not (may_read(actor) or may_nominate(actor)):
        raise PermissionRefused(thread=thread, action=action)


def check_may_handle_nominations(actor: Actor, *, action: str = "") -> None:
    """Nominations are made, read and decided by staff: an API client may not (the API's
    nomination endpoints ask this first)."""
    if actor.user is None:
        raise PermissionRefused(
            _("Nominations are made and decided by people, not API clients."), action=action
        )


def check_may_decide(
    actor: Actor, *, nomination=None, action: str = "watchlist.nomination_approve"
) -> None:
    """Head office decides nominations (approves or rejects); never the nominator
    (four-eyes). Without `nomination`: whether `actor` decides nominations at all."""
    thread = nomination.thread if nomination is not None else ""
    if not is_head_office_monitor(actor):
        raise PermissionRefused(
            _("Only head-office operations monitors decide nominations."),
            thread=thread,
            action=action,
        )
    if nomination is not None and is_nominator(actor, nomination=nomination):
        raise FourEyesRefused(
            _("You nominated this entry: another head-office monitor must decide it."),
            thread=thread,
            action=action,
        )


def check_may_withdraw(
    actor: Actor, *, nomination, action: str = "watchlist.nomination_withdraw"
) -> None:
    """The nominating unit's monitors (the nominator or a colleague) withdraw it."""
    if not (
        may_nominate(actor)
        and actor.unit is not None
        and actor.unit.pk == nomination.nominating_unit_id
    ):
        raise PermissionRefused(
            _("Only the nominating unit's monitors can withdraw this nomination."),
            thread=nomination.thread,
            action=action,
        )


def check_may_maintain(actor: Actor, *, entry=None, action: str = "watchlist.entry_update") -> None:
    """Head office maintains the list: corrects, reviews and delists entries."""
    if not is_head_office_monitor(actor):
        raise PermissionRefused(
            _("Only head-office operations monitors maintain the watch list."),
            thread=entry.thread if entry is not None else "",
            action=action,
        )


def check_may_import(actor: Actor, *, action: str = "watchlist.import") -> None:
    """Head office imports entries from CSV files (and follows its imports)."""
    if not is_head_office_monitor(actor):
        raise PermissionRefused(
            _("Only head-office operations monitors import entries."), action=action
        )


def check_may_export(actor: Actor, *, action: str = "") -> None:
    """Head-office monitors and head-office auditors."""
    if not (
        is_head_office_monitor(actor)
        or (
            actor.user is not None
            and actor.has_role(Role.AUDITOR)
            and _at_level(actor, Level.HEAD_OFFICE)
        )
    ):
        raise PermissionRefused(
            _("Head-office monitors and auditors export the watch list."), action=action
        )


def check_may_change_settings(actor: Actor, *, action: str = "watchlist.settings_update") -> None:
    """Head-office monitors and administrators (superusers) change the threshold and
    periods."""
    if not (is_head_office_monitor(actor) or (actor.user is not None and actor.user.is_superuser)):
        raise PermissionRefused(action=action)


# --- the may_* twins, for pages and buttons ----------------------------------------------------


def may_read(actor: Actor) -> bool:
    return allowed(check_may_read, actor)


def may_nominate(actor: Actor) -> bool:
    return allowed(check_may_nominate, actor)


def may_decide(actor: Actor, *, nomination=None) -> bool:
    """Without `nomination`: whether `actor` decides nominations at all. With one: whether
    to offer "Approve / Reject" on it (open, and not the actor's own)."""
    if nomination is not None and not nomination.is_open:
        return False
    return allowed(check_may_decide, actor, nomination=nomination)


def may_withdraw(actor: Actor, *, nomination) -> bool:
    return nomination.is_open and allowed(check_may_withdraw, actor, nomination=nomination)


def may_maintain(actor: Actor, *, entry=None) -> bool:
    """Without `entry`: whether `actor` maintains the list at all. With one: whether to offer
    "Correct / Review / Remove" on it (still active)."""
    if entry is not None and not entry.is_active:
        return False
    return allowed(check_may_maintain, actor, entry=entry)


def may_import(actor: Actor) -> bool:
    return allowed(check_may_import, actor)


def may_export(actor: Actor) -> bool:
    return allowed(check_may_export, actor)
