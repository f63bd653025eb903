"""Playbooks as data: incident types, their versioned playbooks and the steps of each level."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fraudops.core.choices import Level, Role
from fraudops.core.models import LocalizedNameMixin

from .choices import ClockStatus, DeadlineFrom, EscalationStage, IncidentGroup
from .errors import PlaybookInUse


def _pick(zh: str, en: str) -> str:
    return (zh or en) if (get_language() or "zh-hans").lower().startswith("zh") else (en or zh)


class IncidentType(LocalizedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=IncidentGroup.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("incident type")
        verbose_name_plural = _("incident types")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def description(self) -> str:
        return _pick(self.description_zh, self.description_en)

    def current_playbook(self) -> "Playbook | None":
        return self.playbooks.filter(is_current=True).first()


class Playbook(models.Model):
    """One version of a type's playbook. Incidents keep the version they started with."""

    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="playbooks"
    )
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=False)
    notes = models.TextField(_("change notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["incident_type__ordering", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident_type", "version"], name="playbook_type_version"
            ),
            models.UniqueConstraint(
                fields=["incident_type"],
                condition=Q(is_current=True),
                name="playbook_one_current_per_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_type.code} v{self.version}"

    def in_use(self) -> bool:
        """Incidents follow this version (`Incident.playbook`): its steps are frozen."""
        return self.pk is not None and self.incidents.exists()

    def delete(self, *args, **kwargs):
        # The incidents' PROTECT foreign key refuses too; this says why in words.
        if self.in_use():
            raise PlaybookInUse()
        return super().delete(*args, **kwargs)


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=60)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    owner_role = models.CharField(_("owner role"), max_length=32, choices=Role.choices)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    conditional = models.BooleanField(
        _("conditional (if any)"),
        default=False,
        help_text=_("May be marked not applicable with a reason when the condition does not hold."),
    )
    awaits_instruction = models.BooleanField(
        _("waits for an instruction from the level above"), default=False
    )
    reports_up = models.BooleanField(
        _("reports to the next level"),
        default=False,
        help_text=_("Completing this step sends the incident to the level above."),
    )
    deadline_minutes = models.PositiveIntegerField(_("deadline (minutes)"), null=True, blank=True)
    deadline_from = models.CharField(
        _("deadline measured from"),
        max_length=20,
        choices=DeadlineFrom.choices,
        default=DeadlineFrom.LEVEL_ENTERED,
    )
    evidence = models.JSONField(_("evidence fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["playbook", "level", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "level", "code"], name="playbookstep_unique_code"
            ),
            models.UniqueConstraint(
                fields=["playbook", "level"],
                condition=Q(reports_up=True),
                name="playbookstep_one_reports_up_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.playbook} {self.level}.{self.code}"

    # A version in use is frozen however the step is written to (services, admin, shell).
    # Queryset update()/delete() bypass these: only the services write steps.
    def save(self, *args, **kwargs) -> None:
        self.refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def refuse_if_frozen(self) -> None:
        """Raise PlaybookInUse when incidents use this step's playbook (or, for a step
        being moved, the playbook it is stored under)."""
        in_use = Q(pk=self.playbook_id)
        if self.pk is not None:
            in_use |= Q(steps__pk=self.pk)
        if Playbook.objects.filter(in_use, incidents__isnull=False).exists():
            raise PlaybookInUse()

    @property
    def title(self) -> str:
        return _pick(self.title_zh, self.title_en)

    @property
    def guidance(self) -> str:
        return _pick(self.guidance_zh, self.guidance_en)

    def evidence_fields(self) -> list[dict]:
        """Evidence field definitions with labels in the active language."""
        return [
            {**field, "label": _pick(field.get("label_zh", ""), field.get("label_en", ""))}
            for field in self.evidence or []
        ]


# --- clocks and their escalations ---------------------------------------------------------------


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
    incident_type = models.ForeignKey(
        IncidentType,
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
        scope = " ".join(
            part for part in (self.kind, self.incident_type_id or "", self.step_code) if part
        )
        return f"{scope}: {self.grace_minutes} min"


class Clock(models.Model):
    """A deadline on any subject (a playbook task, a freeze request, a nomination).

    Started and stopped by the subject's app inside its own transaction (workflows.clocks);
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
        return _pick(self.title_zh, self.title_en)


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
        ordering = ["fired_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "stage"], name="escalation_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.stage}"

    @property
    def lateness(self) -> float:
        return (self.fired_at - self.scheduled_at).total_seconds()
