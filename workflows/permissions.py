"""Who may change the bank's incident types and playbooks (`check_may_*` raises the refusal,
`may_*` is derived from it for pages and buttons; the services call the check).

Head office configures the procedure: a head-office operations monitor (the people who
maintain the playbooks' content, SPEC §1) or an administrator (who runs the admin, which
calls the same services), both at head office. API clients never do: a bank system files
incidents, it does not change the procedure.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import Level, Role
from fraudops.core.errors import PermissionRefused
from fraudops.core.permissions import allowed

CONFIGURING_ROLES: tuple[str, ...] = (
    Role.HEAD_OFFICE_MONITOR,
    Role.HEAD_OFFICE_OPERATIONS_HEAD,
    Role.ADMINISTRATOR,
)


def check_may_configure_types(
    actor: Actor, *, thread: str = "", action: str = "incident_type.configure"
) -> None:
    """Raise unless `actor` may create incident types and publish playbook versions."""
    if actor.is_system:
        return
    if (
        actor.user is not None
        and actor.unit is not None
        and actor.unit.level == Level.HEAD_OFFICE
        and actor.has_role(*CONFIGURING_ROLES)
    ):
        return
    raise PermissionRefused(
        _(
            "Only head office (an operations monitor or an administrator) adds incident "
            "types and publishes their playbooks."
        ),
        thread=thread,
        action=action,
    )


def may_configure_types(actor: Actor) -> bool:
    return allowed(check_may_configure_types, actor)
