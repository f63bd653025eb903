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
    LedgerKind,
    LedgerSource,
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
    # The amounts recovered and prevented are the totals of the incident's ledger (its
    # entries not voided), kept here so that lists need no aggregate; the outcome follows
    # the figures (`choices.outcome_for`) unless someone set it by hand, with a reason.
    # Written only by `services/ledger.py`, in the transaction of the entry.
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    outcome_set_by_hand = models.BooleanField(_("outcome set by hand"), default=False)
    outcome_reason = models.TextField(_("why the outcome was set by hand"), blank=True)
    serious = models.BooleanField(_("serious"), default=False)
    # When the incident reached each level: the start of that level's clocks.
    reported_to_sub_branch_at = models.DateTimeField(null=True, blank=True, editable=False)
    reported_to_head_office_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_reason = models.TextField(_("reason"), blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit of the facts after filing (services/facts.py): an edit made
    # against an older revision is refused as a conflict (optimistic concurrency).
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)

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
            models.CheckConstraint(
                condition=Q(outcome_set_by_hand=False) | ~Q(outcome_reason=""),
                name="incident_outcome_by_hand_has_reason",
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

    def at_playbook_end(self) -> bool:
        """The level holding the incident is the last its playbook reaches (head office,
        or the branch for a branch-only playbook): there it is closed."""
        if self.level is None:
            return False
        # Nothing is above head office: no need to read the playbook's levels.
        return self.level == Level.HEAD_OFFICE or self.level == self.playbook.last_level()

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
        source=[S.BRANCH_HANDLING, S.SUB_BRANCH_HANDLING, S.HEAD_OFFICE_HANDLING],
        target=S.CLOSED,
        conditions=[at_playbook_end, all_mandatory_tasks_finished],
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


class LedgerEntry(models.Model):
    """One movement of the incident's amounts: money brought back to the victim (a
    recovery) or stopped before it left (a prevention). Never edited: a wrong entry is
    voided, with a reason, and the totals leave it out. An entry with a reference is unique
    per incident, kind and source, so that core banking confirming the same reversal twice
    writes one entry."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    source = models.CharField(_("source"), max_length=30, choices=LedgerSource.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    occurred_at = models.DateTimeField(_("when"))
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(_("why it was voided"), blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="ledger_void_has_reason",
            ),
            # One live entry per reference from a source: a confirmation arriving twice
            # writes once. A voided entry frees its reference for the corrected one.
            models.UniqueConstraint(
                fields=["incident", "kind", "source", "reference"],
                condition=~Q(reference="") & Q(voided_at__isnull=True),
                name="ledger_one_entry_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.amount}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def recorded_by_label(self) -> str:
        if self.recorded_by is not None:
            return self.recorded_by.display_name or self.recorded_by.username
        if self.recorded_by_client is not None:
            return f"api:{self.recorded_by_client.name}"
        return "FraudOps"


class CurrentRowsManager(models.Manager):
    """Only the rows still part of the case file: a removed party, account or vehicle is
    kept (for the audit trail and the page's struck-through list) but no longer counts.
    It is the default manager, so `incident.accounts.all()` and `Account.objects` skip
    removed rows everywhere; `all_objects` reaches them too."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed_at__isnull=True)


class RemovableRow(models.Model):
    """A row of the case file that can be removed after filing, with a reason (soft)."""

    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    removed_by_client = models.ForeignKey(
        "core.ApiClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True, editable=False)

    objects = CurrentRowsManager()
    all_objects = models.Manager()  # noqa: DJ012 - the second manager, not a field: ruff reads it as one

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


def _removal_needs_reason(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""), name=name
    )


class Party(RemovableRow):
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
        constraints = [_removal_needs_reason("party_removal_needs_reason")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Account(RemovableRow):
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
        constraints = [_removal_needs_reason("account_removal_needs_reason")]

    def __str__(self) -> str:
        return self.number


class Vehicle(RemovableRow):
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
        constraints = [_removal_needs_reason("vehicle_removal_needs_reason")]

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
    # Marked not applicable on its own by its step's `not_applicable_unless`: the fact it
    # lacked (reopened on its own when the fact holds again). Empty otherwise.
    na_rule = models.CharField(_("not applicable by the fact"), max_length=32, blank=True)
    # A person marked it not applicable or reopened it: the incident's facts no longer
    # change it (`task_applicability_refresh` leaves it alone).
    applicability_fixed = models.BooleanField(default=False)
    # The named owner (docs/owners.md): a person holding a role of the task's level at its
    # unit, who claimed it or was assigned it; empty while the whole owner role holds it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

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
            # "Mine": a person's open steps.
            models.Index(
                fields=["assignee", "status"],
                condition=Q(assignee__isnull=False),
                name="task_assignee_status",
            ),
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


class TaskRecord(models.Model):
    """A record of another app that does (or is part of) a playbook step: a watch-list
    nomination, a decision on it, an account-control request and its result.

    Linked per incident and record source (`incidents.step_records`); `task` is the
    incident's step whose `done_by` names the source, once that step exists (a record made
    before its level received the incident is linked when the level's steps open). `done`:
    this record has done its part of the step (the source's rule says whether one such
    record or all of them complete it)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="task_records")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="records"
    )
    source = models.CharField(_("record source"), max_length=60)
    record_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("label"), max_length=100)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "source", "record_id"], name="taskrecord_one_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id} {self.label}"


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
    # The step's evidence field this file is for (`PlaybookStep.evidence[].name`); blank for
    # a file attached to the incident generally.
    field = models.CharField(_("evidence field"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
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
        indexes = [
            # The orphan sweep asks "which of these stored names have a row?".
            models.Index(fields=["file"], name="evidence_file_name"),
        ]

    def __str__(self) -> str:
        return self.original_name


class SummaryAmendment(models.Model):
    """An addition to the incident's account of what happened, made after filing. The
    summary as filed is never changed: the page shows it followed by its amendments."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("amendment"))
    revision = models.PositiveIntegerField(_("revision"), editable=False)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by_client = models.ForeignKey(
        "core.ApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("summary amendment")
        verbose_name_plural = _("summary amendments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="amendment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.text[:40]}"
