"""States and stages of clocks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
