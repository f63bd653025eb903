from django.db import models
from django.utils.translation import gettext_lazy as _

from fraudops.core.badges import colours


class Tone(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Urgent")


# What is never held for a digest: an escalation (overdue: warning; the level above: danger),
# an urgent filing, a return for more information. Timeliness first.
URGENT_TONES = frozenset({Tone.WARNING, Tone.DANGER})

# A tone is its own badge colour.
TONE_COLOURS = colours(Tone, {tone: str(tone) for tone in Tone})


class OutboxKind(models.TextChoices):
    """The outbox kinds this app handles (fraudops.core.outbox). Other apps may enqueue a
    "notification" row themselves with the payload of `services.Message.payload()`; only
    `title_zh`, `title_en` and recipients (`user_ids` or `unit_id` + `roles`) are required."""

    DELIVER = "notification", _("Deliver a notification to its recipients")
    EMAIL = "notification.email", _("Email one notification")
    DIGEST = "notification.digest", _("Email one person's daily digest")


class Delivery(models.TextChoices):
    """How a notification leaves the inbox by email, decided once when it is delivered
    (from the recipient's preference, their address and the notification's tone)."""

    IN_APP = "in_app", _("In the inbox only")
    IMMEDIATE = "immediate", _("Emailed at once")
    DIGEST = "digest", _("In the daily digest")


class NonUrgentDelivery(models.TextChoices):
    """A person's choice for non-urgent notifications (urgent ones are always emailed at
    once)."""

    IMMEDIATE = "immediate", _("Email each one at once")
    DAILY_DIGEST = "daily_digest", _("One email a day listing them (daily digest)")
