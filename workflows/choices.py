from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentGroup(models.TextChoices):
    AGAINST_CUSTOMER = "against_customer", _("Against the customer")
    AGAINST_BANK = "against_bank", _("Against the bank")


class IncidentTypeCode(models.TextChoices):
    """The seven stable type codes (SPEC §7). More types can be added as data."""

    TELECOM_FRAUD = "telecom_fraud", _("Telecom fraud")
    PHISHING_SITE = "phishing_site", _("Phishing site")
    CARD_SKIMMING = "card_skimming", _("Card skimmed / PIN captured")
    FAKE_CREDIT_CARD = "fake_credit_card", _("Fake credit card")
    IMPOSTOR_CUSTOMER = "impostor_customer", _("Impostor customer intercepted")
    FORGED_DOCUMENTS = "forged_documents", _("Forged ID or account-opening documents intercepted")
    FORGED_BILLS = "forged_bills", _("Forged bills intercepted")


class DeadlineFrom(models.TextChoices):
    FILED = "filed", _("From filing")
    LEVEL_ENTERED = "level_entered", _("From the level receiving the incident")
    INSTRUCTED = "instructed", _("From the instruction of the level above")


class EvidenceType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    DATETIME = "datetime", _("Date and time")
    URL = "url", _("Web address")
    BOOL = "bool", _("Yes / no")
    AMOUNT = "amount", _("Amount")
    FILE = "file", _("File")
    CHOICE = "choice", _("Choice")


class ClockStatus(models.TextChoices):
    OPEN = "open", _("Running")
    STOPPED = "stopped", _("Stopped")
    ESCALATED = "escalated", _("Escalated to the top")


class EscalationStage(models.TextChoices):
    """What happens when a clock runs out, in order (SPEC §4)."""

    OVERDUE = "overdue", _("Overdue: owner and manager told")
    LEVEL_ABOVE = "level_above", _("Level above told")
    HEAD_OFFICE = "head_office", _("Head office told")


STAGE_ORDER = [EscalationStage.OVERDUE, EscalationStage.LEVEL_ABOVE, EscalationStage.HEAD_OFFICE]


class ClockKind(models.TextChoices):
    """Kinds of clock this app starts itself; other apps use their own dotted names
    (e.g. "controls.freeze_approval")."""

    TASK = "task", _("Playbook step")


class TimelinessResult(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    OVERDUE = "overdue", _("Overdue")
    PENDING = "pending", _("Not yet due")
    NO_DEADLINE = "no_deadline", _("No deadline")
