"""Playbooks as data: incident types, their versioned playbooks and the steps of each level."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fraudops.core.choices import Level, Role
from fraudops.core.i18n import pick
from fraudops.core.models import LocalizedNameMixin

from .choices import DeadlineFrom, IncidentGroup, StepCondition, is_fraud_group
from .errors import PlaybookInUse
from .playbook_schema import playbook_last_level


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
        return pick(self.description_zh, self.description_en)

    @property
    def is_fraud(self) -> bool:
        """Counted in the fraud figures and given account control, screening and sharing."""
        return is_fraud_group(self.group)

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

    def last_level(self) -> str:
        """The highest level its steps reach, where its incidents are closed: head office
        for the fraud types, the branch for a branch-only playbook (customer safety)."""
        levels = self.steps.order_by().values("level").distinct()
        return playbook_last_level(levels)

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
    # Done by records of another app (a key of `incidents.step_records`), not by a form.
    done_by = models.CharField(
        _("done by its records"),
        max_length=60,
        blank=True,
        help_text=_(
            "The record source that completes this step, e.g. watchlist.nomination; "
            "empty: done by hand with its evidence."
        ),
    )
    not_applicable_unless = models.CharField(
        _("not applicable unless"),
        max_length=32,
        choices=StepCondition.choices,
        blank=True,
        help_text=_(
            "A fact of the incident this step needs: without it the step is marked not "
            "applicable on its own."
        ),
    )

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
        return pick(self.title_zh, self.title_en)

    @property
    def guidance(self) -> str:
        return pick(self.guidance_zh, self.guidance_en)

    def evidence_fields(self) -> list[dict]:
        """Evidence field definitions with labels in the active language."""
        return [
            {**field, "label": pick(field.get("label_zh", ""), field.get("label_en", ""))}
            for field in self.evidence or []
        ]
