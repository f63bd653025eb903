"""States and stages of clocks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fraudops.core.badges import colours


class ClockStatus(models.TextChoices):
    OPEN = "open", _("Running")
    STOPPED = "stopped", _("Stopped")
    ESCALATED = "escalated", _("Escalated to the top")


class EscalationStage(models.TextChoices):
    """What happens when a clock runs out, in order (SPEC §4)."""

    OVERDUE = "overdue", _("Overdue: owner and manager told")
    LEVEL_ABOVE = "level_above", _("Level above told")
    HEAD_OFFICE = "head_office", _("Head office told")


STAGE_ORDER: list[str] = [
    EscalationStage.OVERDUE,
    EscalationStage.LEVEL_ABOVE,
    EscalationStage.HEAD_OFFICE,
]

# Overdue is a warning; once the level above (or head office) has been told, it is danger.
ESCALATION_STAGE_COLOURS = colours(
    EscalationStage,
    {
        EscalationStage.OVERDUE: "warning",
        EscalationStage.LEVEL_ABOVE: "danger",
        EscalationStage.HEAD_OFFICE: "danger",
    },
)
