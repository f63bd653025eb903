"""Clocks: deadlines on any subject, head office's escalation policies, and each escalation
stage fired. The tables keep the names they had in `workflows` (moved with
SeparateDatabaseAndState: no table was rebuilt)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fraudops.core.choices import Role
from fraudops.core.i18n import pick

from .choices import ClockStatus, EscalationStage


class EscalationPolicy(models.Model):
    """Head office's grace period before a late clock goes to the level above (and again
    before it goes to head office). The most specific policy wins: type and step, then
    type, then step code, then the kind alone; without one, settings.CLOCK_GRACE_MINUTES."""

    kind = models.CharField(
        _("clock kind"),
        max_length=64,
        default="task",
        help_text=_(
            '"task" for playbook steps, or another app\'s kind such as "controls.freeze_approval".'
        ),
    )
    # A lazy reference (no import): a policy may be scoped to one incident type.
    incident_type = models.ForeignKey(
        "workflows.IncidentType",
        verbose_name=_("incident type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escalation_policies",
    )
    step_code = models.SlugField(_("step code"), max_length=60, blank=True)
    grace_minutes = models.PositiveIntegerField(_("grace period (minutes)"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        db_table = "workflows_escalationpolicy"
        ordering = ["kind", "incident_type", "step_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "incident_type", "step_code"],
                condition=Q(incident_type__isnull=False),
                name="escalationpolicy_unique_typed",
            ),
            models.UniqueConstraint(
                fields=["kind", "step_code"],
                condition=Q(incident_type__isnull=True),
                name="escalationpolicy_unique_untyped",
            ),
        ]

    def __str__(self) -> str:
        # The type by its id (an int: a typed policy's name used to raise TypeError).
        parts = (self.kind, str(self.incident_type_id or ""), self.step_code)
        scope = " ".join(part for part in parts if part)
        return f"{scope}: {self.grace_minutes} min"


class Clock(models.Model):
    """A deadline on any subject (a playbook task, a freeze request, a nomination).

    Started and stopped by the subject's app inside its own transaction (clocks.services);
    the beat sweep claims open clocks whose `next_at` has passed and fires their next
    escalation stage. One clock per (subject, kind).
    """

    # No separate indexes on the foreign keys of clocks and escalations: the unique
    # constraints lead with them, and every index costs the sweep a write per stage fired.
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    subject_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=ClockStatus.choices, default=ClockStatus.OPEN
    )
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    owner_role = models.CharField(_("owner role"), max_length=32, choices=Role.choices)
    # The person the subject is assigned to, if any (kept in step by the subject's app):
    # told first when the clock runs out, named in the notice. No index: nothing looks
    # clocks up by it, and every index costs the sweep a write.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    thread = models.CharField(max_length=64, db_index=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due"))
    grace_minutes = models.PositiveIntegerField(_("grace period (minutes)"))
    # The sweep's work list: the next stage to fire and when (open clocks only).
    next_stage = models.CharField(
        max_length=16, choices=EscalationStage.choices, default=EscalationStage.OVERDUE
    )
    next_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(
        _("escalated to"), max_length=16, choices=EscalationStage.choices, blank=True
    )
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        db_table = "workflows_clock"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"], name="clock_one_per_subject_kind"
            ),
            models.CheckConstraint(
                condition=~Q(status=ClockStatus.OPEN) | Q(next_at__isnull=False),
                name="clock_open_has_next_at",
            ),
        ]
        indexes = [
            # The sweep: open clocks by the time their next stage falls due.
            models.Index(fields=["next_at"], condition=Q(status="open"), name="clock_open_next_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.subject_type_id}:{self.subject_id} due {self.due_at:%Y-%m-%d %H:%M}"
        )

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)


class Escalation(models.Model):
    """One stage fired for one clock. The unique constraint makes each happen exactly once,
    however many sweeps, workers or beat processes race for it."""

    clock = models.ForeignKey(
        Clock, on_delete=models.CASCADE, related_name="escalations", db_index=False
    )
    stage = models.CharField(_("stage"), max_length=16, choices=EscalationStage.choices)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    fired_at = models.DateTimeField(_("fired at"))
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit told"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    roles = models.JSONField(_("roles told"), default=list)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        db_table = "workflows_escalation"
        ordering = ["fired_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "stage"], name="escalation_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.stage}"

    @property
    def lateness(self) -> float:
        return (self.fired_at - self.scheduled_at).total_seconds()
