"""The in-app inbox: one row per recipient of each notification."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fraudops.core.i18n import pick

from .choices import Delivery, NonUrgentDelivery, Tone


class NotificationDigest(models.Model):
    """One daily-digest email to one person, listing the non-urgent notifications it holds
    (`Notification.digest`). A notification is in at most one digest: it is taken into a
    digest by setting that column under the row lock, in the transaction that creates the
    digest and queues its email."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notification_digests",
    )
    created_at = models.DateTimeField(_("made at"))
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.created_at:%Y-%m-%d}"


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
    # How it is emailed, decided once at delivery (notifications.services.delivery_for).
    delivery = models.CharField(
        _("email"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest = models.ForeignKey(
        NotificationDigest,
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

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
            # The daily digest: what waits for one, by person.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(delivery="digest", digest__isnull=True),
                name="notification_undigested",
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


class NotificationPreference(models.Model):
    """A person's own choices: whether to be emailed at all, and whether non-urgent
    notifications are emailed one by one or gathered in a daily digest. Urgent ones (tone
    danger) are always emailed at once; the inbox always gets everything. No row means the
    defaults (email on, immediate)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(_("email me"), default=True)
    non_urgent_delivery = models.CharField(
        _("non-urgent notifications"),
        max_length=20,
        choices=NonUrgentDelivery.choices,
        default=NonUrgentDelivery.IMMEDIATE,
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.non_urgent_delivery}"
