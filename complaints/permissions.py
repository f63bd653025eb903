"""Who may do what with complaints, in the vocabulary every app uses: `check_may_<verb>`
raises the refusal with its message (the services call it); `may_<verb>` answers True or
False for pages and buttons, adding what the complaint's state allows, so an action is
offered exactly when the service would accept it.

- **See**: everyone whose subtree holds the responsible unit (a branch its own, a
  sub-branch its region, head office all); out of sight is NotFound, like missing.
- **File**: staff with a working role at their unit (the responsible unit is in their
  subtree); API clients with `complaints:write`.
- **Work** (investigate, documents, draft, send, close, withdraw, link incidents): staff
  with a working role of the responsible unit's level, at that unit; API clients with
  `complaints:write` within their subtree.
- **Review**: staff with a working role at a unit above the responsible unit (the
  sub-branch's compliance review of a branch's complaint).
- **Sign off**: the responsible unit's lead role (a branch manager at a branch), never the
  person who drafted the reply (four-eyes); people only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import LEVEL_ASSIGNER_ROLES, LEVEL_LEAD_ROLE, ApiScope, Role
from fraudops.core.errors import FourEyesRefused, OutOfScope, PermissionRefused
from fraudops.core.models import OrgUnit
from fraudops.core.permissions import allowed
from incidents.permissions import check_role_at, level_roles

from .choices import REPLY_OWED_STATES, ComplaintState

WRITE = ApiScope.COMPLAINTS_WRITE


def lead_role(unit: OrgUnit) -> str:
    """The role that answers for a unit's complaints (and owns the reply clock)."""
    return LEVEL_LEAD_ROLE[unit.level]


def _check_client_write(actor: Actor, *, unit: OrgUnit, thread: str, action: str) -> None:
    if not actor.has_scope(WRITE):
        raise PermissionRefused(
            _("This API client lacks the complaints:write scope."), thread=thread, action=action
        )
    if not actor.sees(unit):
        raise OutOfScope(thread=thread, action=action)


def check_may_file(actor: Actor, *, unit: OrgUnit, action: str = "complaint.file") -> None:
    """File a complaint for `unit`: staff with a working role at their own unit, for a unit
    in their subtree; API clients with complaints:write within theirs."""
    if actor.is_system:
        return
    if actor.client is not None:
        _check_client_write(actor, unit=unit, thread="", action=action)
        return
    if actor.unit is None or not actor.has_role(*level_roles(actor.unit.level)):
        raise PermissionRefused(
            _("Complaints are filed by the staff of a branch, sub-branch or head office."),
            action=action,
        )
    if not actor.sees(unit):
        raise OutOfScope(
            _("The responsible unit must be your own unit or one under it."), action=action
        )


def may_file(actor: Actor) -> bool:
    return (
        actor.user is not None
        and actor.unit is not None
        and allowed(check_may_file, actor, unit=actor.unit)
    )


def check_may_work(actor: Actor, *, complaint, action: str) -> None:
    """Investigate, keep documents, draft and send the reply, close, withdraw, link."""
    unit = complaint.unit
    if actor.client is not None:
        _check_client_write(actor, unit=unit, thread=complaint.thread, action=action)
        return
    check_role_at(
        actor, unit=unit, roles=level_roles(unit.level), thread=complaint.thread, action=action
    )


def may_work(actor: Actor, *, complaint) -> bool:
    return allowed(check_may_work, actor, complaint=complaint, action="")


def check_may_review(actor: Actor, *, complaint, action: str = "complaint.review") -> None:
    """The level above the responsible unit records its compliance review."""
    unit = complaint.unit
    if actor.is_system:
        return
    above = (
        actor.user is not None
        and actor.unit is not None
        and actor.unit.pk != unit.pk
        and actor.unit.contains(unit)
        and actor.has_role(*level_roles(actor.unit.level))
    )
    if not above:
        raise PermissionRefused(
            _("The compliance review is recorded by the level above %(unit)s.")
            % {"unit": unit.name},
            thread=complaint.thread,
            action=action,
        )


def check_may_sign_off(actor: Actor, *, complaint, action: str = "complaint.sign_off") -> None:
    """The responsible unit's manager signs the reply off, or a manager of the level above
    (a branch has one manager: when they drafted the reply themselves, the sub-branch signs
    it off); never its author."""
    unit = complaint.unit
    role = lead_role(unit)
    if actor.unit is not None and unit.parent_id is not None and actor.unit.pk == unit.parent_id:
        unit = actor.unit
    # The unit's managers: its lead and, at a sub-branch or head office, its head of
    # operations too (the roles that assign its work).
    managers = LEVEL_ASSIGNER_ROLES.get(unit.level, (role,))
    if actor.user is None:
        raise PermissionRefused(
            _("A reply is signed off by a person, not an API client."),
            thread=complaint.thread,
            action=action,
        )
    check_role_at(actor, unit=unit, roles=managers, thread=complaint.thread, action=action)
    if complaint.reply_drafted_by_id == actor.user.pk:
        raise FourEyesRefused(
            _(
                "You drafted this reply: another person (%(role)s, or a manager of the level "
                "above) must sign it off."
            )
            % {"role": Role(role).label},
            thread=complaint.thread,
            action=action,
        )


# --- what to offer: permission and state together --------------------------------------------


def may_investigate(actor: Actor, *, complaint) -> bool:
    return complaint.state in (
        ComplaintState.RECEIVED,
        ComplaintState.INVESTIGATING,
    ) and may_work(actor, complaint=complaint)


def may_add_document(actor: Actor, *, complaint) -> bool:
    return complaint.is_open and may_work(actor, complaint=complaint)


def may_review(actor: Actor, *, complaint) -> bool:
    return complaint.reply_owed and allowed(check_may_review, actor, complaint=complaint)


def may_draft(actor: Actor, *, complaint) -> bool:
    return complaint.state in (
        ComplaintState.INVESTIGATING,
        ComplaintState.REPLY_DRAFTED,
    ) and may_work(actor, complaint=complaint)


def may_sign_off(actor: Actor, *, complaint) -> bool:
    return complaint.state == ComplaintState.REPLY_DRAFTED and allowed(
        check_may_sign_off, actor, complaint=complaint
    )


def may_send(actor: Actor, *, complaint) -> bool:
    return complaint.state == ComplaintState.REPLY_SIGNED_OFF and may_work(
        actor, complaint=complaint
    )


def may_close(actor: Actor, *, complaint) -> bool:
    return complaint.state == ComplaintState.SENT and may_work(actor, complaint=complaint)


def may_withdraw(actor: Actor, *, complaint) -> bool:
    return complaint.state in REPLY_OWED_STATES and may_work(actor, complaint=complaint)


def may_link(actor: Actor, *, complaint) -> bool:
    """Linking and unlinking incidents: while the complaint is not finished."""
    return complaint.is_open and may_work(actor, complaint=complaint)
