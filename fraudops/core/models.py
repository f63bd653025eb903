"""The shared core: the bank's org units, people and their roles, API clients, audit."""

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ApiScope, Level, Role
from .i18n import pick


class LocalizedNameMixin:
    """Picks `name_zh` or `name_en` by the active language."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


class OrgUnit(LocalizedNameMixin, models.Model):
    """Head office, a sub-branch (regional office) or a branch (outlet).

    `path` is a materialised path ("/HO/SB-BJ/BR-BJ-01/") so that "everything in my subtree"
    is one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level=Level.HEAD_OFFICE, parent__isnull=True))
                | (~Q(level=Level.HEAD_OFFICE) & Q(parent__isnull=False)),
                name="orgunit_only_head_office_is_root",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent is not None else "/") + f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved or renamed: carry the subtree along.
            for child in OrgUnit.objects.filter(parent=self):
                child.save()

    def contains(self, other: "OrgUnit") -> bool:
        return other.path.startswith(self.path)

    @property
    def region(self) -> "OrgUnit | None":
        """The sub-branch whose region this unit belongs to (itself, for a sub-branch)."""
        unit: OrgUnit | None = self
        while unit is not None and unit.level != Level.SUB_BRANCH:
            unit = unit.parent
        return unit

    def ancestor_at(self, level: str) -> "OrgUnit | None":
        unit: OrgUnit | None = self
        while unit is not None and unit.level != level:
            unit = unit.parent
        return unit


class User(AbstractUser):
    """A member of staff. Belongs to one org unit and holds one or more roles there."""

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_codes = cached
        return cached


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="roleassignment_unique"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiClient(models.Model):
    """A bank system (core banking, ...) calling the REST API with its own token and scopes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("acts for unit"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("The client sees and acts within this unit's subtree."),
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    key_prefix = models.CharField(max_length=12, editable=False, db_index=True, default="")
    key_hash = models.CharField(max_length=64, editable=False, default="")
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    def issue_key(self) -> str:
        """Set a fresh token, store only its hash, and return the token once."""
        raw = "fo_" + secrets.token_urlsafe(32)
        self.key_prefix = raw[:12]
        self.key_hash = _hash_key(raw)
        return raw

    def key_matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.key_hash, _hash_key(raw))

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @staticmethod
    def all_scopes() -> list[str]:
        return [value for value, _label in ApiScope.choices]


class AuditEvent(models.Model):
    """Append-only record of who did what, when, from where, with before and after.

    `thread` groups the events of one subject (e.g. "incident:42") so an incident's timeline
    is one indexed query.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16, default="ok")  # ok | refused
    actor_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    actor_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    thread = models.CharField(max_length=64, blank=True, db_index=True)
    target = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["thread", "at"], name="audit_thread_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only.")


class IdempotencyRecord(models.Model):
    """The response to a write, kept under its client's `Idempotency-Key` for replays."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"

    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class Sequence(models.Model):
    """Gap-tolerant counters for readable numbers such as FI-2026-000123."""

    name = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="sequence_name_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.value}"


class OutboxMessage(models.Model):
    """A side effect (notification, email, webhook) written in the same transaction as the
    change that caused it, and relayed by Celery after commit (see fraudops.core.outbox)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Dead letter")

    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"
