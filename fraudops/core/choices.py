"""Levels of the bank and the roles people hold there (SPEC §1, §7: stable names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    BRANCH = "branch", _("Branch")
    SUB_BRANCH = "sub_branch", _("Sub-branch")
    HEAD_OFFICE = "head_office", _("Head office")


LEVEL_ORDER = [Level.BRANCH, Level.SUB_BRANCH, Level.HEAD_OFFICE]


def level_above(level: str) -> str | None:
    index = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class Role(models.TextChoices):
    TELLER = "teller", _("Teller")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    SUB_BRANCH_MONITOR = "sub_branch_monitor", _("Sub-branch operations monitor")
    SUB_BRANCH_SECURITY = "sub_branch_security", _("Sub-branch security officer")
    HEAD_OFFICE_MONITOR = "head_office_monitor", _("Head-office operations monitor")
    HEAD_OFFICE_SECURITY = "head_office_security", _("Head-office security officer")
    # The managers of the sub-branch's and head office's operations staff (运营主管): told
    # when their staff's steps run late, they assign steps and may step in.
    SUB_BRANCH_OPERATIONS_HEAD = "sub_branch_operations_head", _("Sub-branch head of operations")
    HEAD_OFFICE_OPERATIONS_HEAD = (
        "head_office_operations_head",
        _("Head-office head of operations"),
    )
    REMOTE_AUTHORISER = "remote_authoriser", _("Remote authorisation centre")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ADMINISTRATOR = "administrator", _("Administrator")


# The level at which each working role acts; auditors and administrators act at any level
# (auditors only read).
ROLE_LEVEL: dict[str, str] = {
    Role.TELLER: Level.BRANCH,
    Role.BRANCH_MANAGER: Level.BRANCH,
    Role.SUB_BRANCH_MONITOR: Level.SUB_BRANCH,
    Role.SUB_BRANCH_SECURITY: Level.SUB_BRANCH,
    Role.HEAD_OFFICE_MONITOR: Level.HEAD_OFFICE,
    Role.HEAD_OFFICE_SECURITY: Level.HEAD_OFFICE,
    Role.SUB_BRANCH_OPERATIONS_HEAD: Level.SUB_BRANCH,
    Role.HEAD_OFFICE_OPERATIONS_HEAD: Level.HEAD_OFFICE,
}

# Who manages whom: told when a task owned by the first role runs late (SPEC §4). Never the
# role itself. The manager acts at its own level (ROLE_LEVEL), so a branch manager's manager,
# the sub-branch's head of operations, is found at the branch's sub-branch (`manager_unit`).
ROLE_MANAGER: dict[str, str] = {
    Role.TELLER: Role.BRANCH_MANAGER,
    Role.BRANCH_MANAGER: Role.SUB_BRANCH_OPERATIONS_HEAD,
    Role.SUB_BRANCH_MONITOR: Role.SUB_BRANCH_OPERATIONS_HEAD,
    Role.SUB_BRANCH_SECURITY: Role.SUB_BRANCH_OPERATIONS_HEAD,
    Role.SUB_BRANCH_OPERATIONS_HEAD: Role.HEAD_OFFICE_OPERATIONS_HEAD,
    Role.HEAD_OFFICE_MONITOR: Role.HEAD_OFFICE_OPERATIONS_HEAD,
    Role.HEAD_OFFICE_SECURITY: Role.HEAD_OFFICE_OPERATIONS_HEAD,
}

# Who dispatches a level's steps to named people (assigns and reassigns them, at the
# step's own unit): the level's lead role and its head of operations.
LEVEL_ASSIGNER_ROLES: dict[str, tuple[str, ...]] = {
    Level.BRANCH: (Role.BRANCH_MANAGER,),
    Level.SUB_BRANCH: (Role.SUB_BRANCH_OPERATIONS_HEAD, Role.SUB_BRANCH_MONITOR),
    Level.HEAD_OFFICE: (Role.HEAD_OFFICE_OPERATIONS_HEAD, Role.HEAD_OFFICE_MONITOR),
}

# The role that leads each level: receives what arrives at that level.
LEVEL_LEAD_ROLE: dict[str, str] = {
    Level.BRANCH: Role.BRANCH_MANAGER,
    Level.SUB_BRANCH: Role.SUB_BRANCH_MONITOR,
    Level.HEAD_OFFICE: Role.HEAD_OFFICE_MONITOR,
}


class ApiScope(models.TextChoices):
    PLAYBOOKS_READ = "playbooks:read", _("Read playbooks")
    ORG_READ = "org:read", _("Read org units")
    INCIDENTS_READ = "incidents:read", _("Read incidents")
    INCIDENTS_WRITE = "incidents:write", _("File and work incidents")
    SCREENING = "screening", _("Screen parties against the watch list")
    WATCHLIST_READ = "watchlist:read", _("Follow watch-list changes")
    FREEZES_READ = "freezes:read", _("Pull freeze instructions")
    FREEZES_WRITE = "freezes:write", _("Confirm freeze instructions")
    TRANSACTIONS_WRITE = "transactions:write", _("Push transaction records")
    COMPLAINTS_READ = "complaints:read", _("Read complaints")
    COMPLAINTS_WRITE = "complaints:write", _("File and work complaints")
