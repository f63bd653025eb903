"""Incidents: the case, its parties, accounts and fraud vehicles, its tasks and evidence.

The incident's FSM transitions hold only state changes and guards; services check who may
act, save inside `atomic()`, audit, and instantiate each level's tasks.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from fraudops.core.choices import Level, Role
from fraudops.core.models import OrgUnit

from .choices import (
    FINISHED_TASK_STATUSES,
    STATE_LEVEL,
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    IncidentState,
    Outcome,
    PartyRole,
    SearchKeyKind,
    StaffRole,
    TaskStatus,
    VehicleKind,
)

S = IncidentState


class Incident(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    incident_type = models.ForeignKey(
        "workflows.IncidentType",
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        to_field="code",
        related_name="incidents",
    )
    playbook = models.ForeignKey(
        "workflows.Playbook", on_delete=models.PROTECT, related_name="incidents", editable=False
    )
    state = FSMField(_("state"), default=S.FILED, choices=S.choices, protected=True, db_index=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text=_("The branch that filed the incident."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_reference = models.CharField(_("external reference"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    summary = models.TextField(_("what happened"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    fraud_script = models.CharField(
        _("fraud script"), max_length=40, choices=FraudScript.choices, blank=True
    )
    fraud_script_detail = models.CharField(_("fraud script details"), max_length=200, blank=True)
    amount_lost = models.DecimalField(
        _("amount lost"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    amount_recovered = models.DecimalField(
        _("amount recovered"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    amount_prevented = models.DecimalField(
        _("amount prevented"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    serious = models.BooleanField(_("serious"), default=False)
    # When the incident reached each level: the start of that level's clocks.
    reported_to_sub_branch_at = models.DateTimeField(null=True, blank=True, editable=False)
    reported_to_head_office_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_reason = models.TextField(_("reason"), blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-filed_at"], name="incident_unit_filed"),
            models.Index(fields=["state", "-filed_at"], name="incident_state_filed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_lost__gte=0)
                & Q(amount_recovered__gte=0)
                & Q(amount_prevented__gte=0),
                name="incident_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("incident_detail", kwargs={"number": self.number})

    @property
    def thread(self) -> str:
        return f"incident:{self.pk}"

    @property
    def level(self) -> str | None:
        return STATE_LEVEL[self.state]

    @property
    def is_open(self) -> bool:
        return self.level is not None

    # --- guards -------------------------------------------------------------------------

    def _level_reported(self, level: str) -> bool:
        return self.tasks.filter(
            level=level, step__reports_up=True, status=TaskStatus.DONE
        ).exists()

    def branch_reported(self) -> bool:
        return self._level_reported(Level.BRANCH)

    def sub_branch_reported(self) -> bool:
        return self._level_reported(Level.SUB_BRANCH)

    def all_mandatory_tasks_finished(self) -> bool:
        return (
            not self.tasks.filter(step__mandatory=True)
            .exclude(status__in=FINISHED_TASK_STATUSES)
            .exists()
        )

    # --- transitions (state only; services do the rest) -----------------------------------

    @transition(field=state, source=S.FILED, target=S.BRANCH_HANDLING)
    def start(self) -> None:
        pass

    @transition(
        field=state,
        source=[S.BRANCH_HANDLING, S.RETURNED_TO_BRANCH],
        target=S.SUB_BRANCH_HANDLING,
        conditions=[branch_reported],
    )
    def report_to_sub_branch(self) -> None:
        if self.reported_to_sub_branch_at is None:
            self.reported_to_sub_branch_at = timezone.now()

    @transition(
        field=state,
        source=[S.SUB_BRANCH_HANDLING, S.RETURNED_TO_SUB_BRANCH],
        target=S.HEAD_OFFICE_HANDLING,
        conditions=[sub_branch_reported],
    )
    def report_to_head_office(self) -> None:
        if self.reported_to_head_office_at is None:
            self.reported_to_head_office_at = timezone.now()

    @transition(field=state, source=S.SUB_BRANCH_HANDLING, target=S.RETURNED_TO_BRANCH)
    def return_to_branch(self, reason: str) -> None:
        self.state_reason = reason

    @transition(field=state, source=S.HEAD_OFFICE_HANDLING, target=S.RETURNED_TO_SUB_BRANCH)
    def return_to_sub_branch(self, reason: str) -> None:
        self.state_reason = reason

    @transition(
        field=state,
        source=S.HEAD_OFFICE_HANDLING,
        target=S.CLOSED,
        conditions=[all_mandatory_tasks_finished],
    )
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[S.FILED, S.BRANCH_HANDLING, S.RETURNED_TO_BRANCH, S.SUB_BRANCH_HANDLING],
        target=S.WITHDRAWN,
    )
    def withdraw(self, reason: str) -> None:
        self.state_reason = reason
        self.closed_at = timezone.now()


class Party(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)
    id_type = models.CharField(
        _("document type"), max_length=20, choices=IdType.choices, blank=True
    )
    id_number = models.CharField(_("document number"), max_length=32, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    staff_role = models.CharField(
        _("staff role"), max_length=20, choices=StaffRole.choices, blank=True
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Account(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="accounts")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    role = models.CharField(_("role"), max_length=20, choices=AccountRole.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.ACCOUNT
    )
    number = models.CharField(_("account or card number"), max_length=32, db_index=True)
    holder_name = models.CharField(_("holder name"), max_length=64, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    at_this_bank = models.BooleanField(_("at this bank"), default=False)
    opening_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("opening unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class Vehicle(models.Model):
    """A fraud vehicle: phishing site, fraud phone number, advertisement, forged item."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="vehicles")
    kind = models.CharField(_("kind"), max_length=20, choices=VehicleKind.choices)
    value = models.CharField(_("value"), max_length=500)
    normalized = models.CharField(max_length=500, blank=True, db_index=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fraud vehicle")
        verbose_name_plural = _("fraud vehicles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.value


class Task(models.Model):
    """One playbook step instantiated on an incident, at its level and owning unit."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey("workflows.PlaybookStep", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="tasks")
    owner_role = models.CharField(_("owner role"), max_length=32, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instruction = models.TextField(_("instruction"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note or reason"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["incident", "order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "step"], name="task_one_per_step"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.NOT_APPLICABLE) | ~Q(note=""),
                name="task_not_applicable_needs_reason",
            ),
        ]
        indexes = [
            # The clocks' sweep: open tasks by due time.
            models.Index(
                fields=["due_at"],
                condition=Q(status="open"),
                name="task_open_due",
            ),
            models.Index(fields=["unit", "status"], name="task_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.step.code}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == TaskStatus.OPEN
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    @property
    def finished_late_by(self) -> datetime.timedelta | None:
        """How long after its deadline a finished task was finished (None: on time, not
        finished, or no deadline)."""
        if self.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
            return None
        if self.due_at is None or self.completed_at is None or self.completed_at <= self.due_at:
            return None
        return self.completed_at - self.due_at


class SearchKey(models.Model):
    """One normalised key an incident is found under by the search box: its number, its
    external reference, and each identifier and name of its parties, accounts and fraud
    vehicles (built by `incidents.search.incident_keys`, rebuilt by
    `services.search_keys_refresh`). Looked up by exact key (a btree on (key, kind)),
    never by a `LIKE` scan."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="search_keys")
    kind = models.CharField(max_length=16, choices=SearchKeyKind.choices)
    key = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        indexes = [
            # PostgreSQL answers a lookup from the index alone (incident_id included).
            models.Index(fields=["key", "kind"], include=["incident"], name="searchkey_key_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.incident_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Evidence(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence_files")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence_files"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
