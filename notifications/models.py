"""The in-app inbox: one row per recipient of each notification."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fraudops.core.i18n import pick

from .choices import Tone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What caused it (e.g. "clock:12:overdue"): the same cause reaches a person once.
    key = models.CharField(_("key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.INFO)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body_zh = models.TextField(_("text (Chinese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    thread = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title_en or self.title_zh}"

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)

    @property
    def body(self) -> str:
        return pick(self.body_zh, self.body_en)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
