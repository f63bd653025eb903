"""Account control: stop-payment, freeze, release and remittance-reversal requests, the
cross-region assistance they may need, the instructions core banking executes, and the log
of every webhook delivery.

The FSM transitions hold only state changes, guards and their timestamps; the services in
`controls.services` check who may act and in which unit, save inside `atomic()`, audit and
enqueue side effects. Four-eyes and the other invariants are also database constraints.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from fraudops.core.models import ApiClient, OrgUnit

from .choices import (
    ACTIVE_STATES,
    APPROVED_STATES,
    HOLD_KINDS,
    IN_FLIGHT_STATES,
    PENDING_STATES,
    AssistanceState,
    ControlKind,
    ControlState,
    DeliveryChannel,
    ImmediateReview,
    InstructionStatus,
    WebhookEvent,
)

S = ControlState


class AssistanceRequest(ConcurrentTransitionMixin, models.Model):
    """One region asking another to control accounts it holds (跨分行协助止付), copied to
    head office. One per incident and receiving region."""

    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        related_name="assistance_requests",
    )
    from_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("requesting region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region asked"),
        on_delete=models.PROTECT,
        related_name="assistance_received",
    )
    state = FSMField(
        _("state"),
        default=AssistanceState.OPEN,
        choices=AssistanceState.choices,
        protected=True,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("cross-region assistance request")
        verbose_name_plural = _("cross-region assistance requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "to_unit"], name="assistance_one_per_incident_region"
            ),
            models.CheckConstraint(
                condition=~Q(from_unit=F("to_unit")), name="assistance_other_region"
            ),
            models.CheckConstraint(
                condition=Q(state=AssistanceState.OPEN)
                | Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="assistance_acknowledged_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["to_unit", "state", "due_at"], name="assistance_queue")]

    def __str__(self) -> str:
        return f"{self.incident} → {self.to_unit.code}"

    @transition(field=state, source=AssistanceState.OPEN, target=AssistanceState.ACKNOWLEDGED)
    def acknowledge(self, *, by, note: str) -> None:
        self.acknowledged_by = by
        self.acknowledged_at = timezone.now()
        self.acknowledgement_note = note

    @property
    def is_overdue(self) -> bool:
        return self.state == AssistanceState.OPEN and self.due_at < timezone.now()


class ControlRequest(ConcurrentTransitionMixin, models.Model):
    """A request to control an account (stop-payment, freeze, release) or to reverse a
    remittance, raised from an incident and approved by someone else (four-eyes)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ControlKind.choices)
    state = FSMField(
        _("state"), default=S.REQUESTED, choices=S.choices, protected=True, db_index=True
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        related_name="control_requests",
    )
    account = models.ForeignKey(
        "incidents.Account",
        verbose_name=_("incident account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="control_requests",
        help_text=_("Empty for a linked account typed in rather than filed on the incident."),
    )
    account_number = models.CharField(_("account or card number"), max_length=32, db_index=True)
    account_holder = models.CharField(_("holder name"), max_length=64, blank=True)
    opening_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("opening unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approving_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("approving sub-branch"),
        on_delete=models.PROTECT,
        related_name="control_approvals",
        help_text=_(
            "The sub-branch over the account's opening unit; for a reversal, over the "
            "branch that sent the remittance."
        ),
    )
    assistance = models.ForeignKey(
        AssistanceRequest,
        verbose_name=_("cross-region assistance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="control_requests",
    )
    releases = models.ForeignKey(
        "self",
        verbose_name=_("releases"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="release_requests",
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Amount to hold for a partial stop-payment; empty holds the whole account."),
    )
    reason = models.TextField(_("reason"), blank=True)
    # Remittance reversal (冲正): the remittance the branch sent and wants back.
    remittance_reference = models.CharField(_("remittance reference"), max_length=64, blank=True)
    remitted_at = models.DateTimeField(_("remittance sent at"), null=True, blank=True)
    payee_bank = models.CharField(_("payee bank"), max_length=100, blank=True)

    needs_second_approval = models.BooleanField(_("needs a second approver"), default=False)
    # The branch's immediate stop-payment on an account opened at its own outlet (seed 002:
    # 对于诈骗账户开在本网点的,立即进行账户控制并报送分行): issued to core banking at once,
    # without approval, and reviewed afterwards by the sub-branch (four-eyes on the review).
    immediate = models.BooleanField(
        _("immediate stop-payment"),
        default=False,
        help_text=_(
            "Put on at once by the branch where the account was opened, without waiting for "
            "approval; the sub-branch reviews it afterwards."
        ),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_outcome = models.CharField(
        _("review"), max_length=16, choices=ImmediateReview.choices, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requesting_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("requesting unit"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("decide by"))
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_approved_at = models.DateTimeField(_("first approval at"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_approved_at = models.DateTimeField(_("second approval at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for rejection or withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("received by core banking at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account control request")
        verbose_name_plural = _("account control requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Four-eyes: nobody decides their own request, and two approvers are two people.
            models.CheckConstraint(
                condition=Q(first_approved_by__isnull=True)
                | ~Q(first_approved_by=F("requested_by")),
                name="control_four_eyes_first_approver",
            ),
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True)
                | (
                    ~Q(second_approved_by=F("requested_by"))
                    & ~Q(second_approved_by=F("first_approved_by"))
                ),
                name="control_four_eyes_second_approver",
            ),
            models.CheckConstraint(
                condition=Q(rejected_by__isnull=True) | ~Q(rejected_by=F("requested_by")),
                name="control_four_eyes_rejection",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[S.FIRST_APPROVED, *APPROVED_STATES])
                | Q(first_approved_by__isnull=False)
                | Q(immediate=True),
                name="control_approved_has_approver",
            ),
            # An immediate stop-payment is the opening branch's own, on one of its accounts.
            models.CheckConstraint(
                condition=Q(immediate=False)
                | Q(
                    kind=ControlKind.STOP_PAYMENT,
                    opening_unit=F("requesting_unit"),
                    first_approved_by__isnull=True,
                    needs_second_approval=False,
                ),
                name="control_immediate_own_branch_stop_payment",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("requested_by")),
                name="control_four_eyes_review",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True)
                | Q(immediate=True, reviewed_by__isnull=False) & ~Q(review_outcome=""),
                name="control_review_of_immediate",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=APPROVED_STATES)
                | Q(needs_second_approval=False)
                | Q(second_approved_by__isnull=False),
                name="control_second_approval_when_needed",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="control_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind=ControlKind.REVERSAL)
                | Q(opening_unit__isnull=False, remittance_reference=""),
                name="control_hold_has_opening_unit",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ControlKind.REVERSAL)
                | (~Q(remittance_reference="") & Q(amount__isnull=False)),
                name="control_reversal_has_remittance",
            ),
            models.CheckConstraint(
                condition=(Q(kind=ControlKind.RELEASE) & Q(releases__isnull=False))
                | (~Q(kind=ControlKind.RELEASE) & Q(releases__isnull=True)),
                name="control_release_names_its_control",
            ),
            # One live control per account and kind on an incident: a double click or a
            # second teller does not raise a duplicate.
            models.UniqueConstraint(
                fields=["incident", "account_number", "kind"],
                condition=Q(kind__in=HOLD_KINDS, state__in=ACTIVE_STATES),
                name="control_one_active_hold",
            ),
            models.UniqueConstraint(
                fields=["incident", "remittance_reference"],
                condition=Q(kind=ControlKind.REVERSAL, state__in=ACTIVE_STATES),
                name="control_one_active_reversal",
            ),
            models.UniqueConstraint(
                fields=["releases"],
                condition=Q(state__in=[*PENDING_STATES, *IN_FLIGHT_STATES]),
                name="control_one_open_release",
            ),
        ]
        indexes = [
            # The approvers' queue: pending requests of a sub-branch by deadline.
            models.Index(
                fields=["approving_unit", "due_at"],
                condition=Q(state__in=PENDING_STATES),
                name="control_pending_queue",
            ),
            models.Index(fields=["incident", "requested_at"], name="control_incident"),
            # The sub-branch's review queue: immediate stop-payments not reviewed yet.
            models.Index(
                fields=["approving_unit", "requested_at"],
                condition=Q(immediate=True, reviewed_at__isnull=True),
                name="control_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_hold(self) -> bool:
        return self.kind in HOLD_KINDS

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_at < timezone.now()

    @property
    def approval_seconds(self) -> float | None:
        if self.approved_at is None:
            return None
        return (self.approved_at - self.requested_at).total_seconds()

    @property
    def execution_seconds(self) -> float | None:
        if self.approved_at is None or self.executed_at is None:
            return None
        return (self.executed_at - self.approved_at).total_seconds()

    # --- guards ---------------------------------------------------------------------------

    def single_approval(self) -> bool:
        return not self.needs_second_approval

    def double_approval(self) -> bool:
        return self.needs_second_approval

    def releasable(self) -> bool:
        return self.kind in HOLD_KINDS

    def is_immediate(self) -> bool:
        return self.immediate

    @property
    def awaits_review(self) -> bool:
        return self.immediate and self.reviewed_at is None

    # --- transitions (state, guards and timestamps; services do the rest) -------------------

    @transition(field=state, source=S.REQUESTED, target=S.APPROVED, conditions=[is_immediate])
    def apply_immediately(self) -> None:
        """No approval: the instruction goes to core banking at once (reviewed afterwards)."""
        self.approved_at = timezone.now()

    def record_review(self, *, by, outcome: str, note: str) -> None:
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self.review_outcome = outcome
        self.review_note = note

    @transition(field=state, source=S.REQUESTED, target=S.APPROVED, conditions=[single_approval])
    def approve(self, *, by) -> None:
        self.first_approved_by = by
        self.first_approved_at = self.approved_at = timezone.now()

    @transition(
        field=state, source=S.REQUESTED, target=S.FIRST_APPROVED, conditions=[double_approval]
    )
    def approve_first(self, *, by) -> None:
        self.first_approved_by = by
        self.first_approved_at = timezone.now()

    @transition(field=state, source=S.FIRST_APPROVED, target=S.APPROVED)
    def approve_second(self, *, by) -> None:
        self.second_approved_by = by
        self.second_approved_at = self.approved_at = timezone.now()

    @transition(field=state, source=PENDING_STATES, target=S.REJECTED)
    def reject(self, *, by, reason: str) -> None:
        self.rejected_by = by
        self.rejected_at = timezone.now()
        self.decision_reason = reason

    @transition(field=state, source=PENDING_STATES, target=S.WITHDRAWN)
    def withdraw(self, *, reason: str) -> None:
        self.withdrawn_at = timezone.now()
        self.decision_reason = reason

    @transition(field=state, source=S.APPROVED, target=S.SENT)
    def mark_sent(self) -> None:
        self.sent_at = timezone.now()

    @transition(field=state, source=IN_FLIGHT_STATES, target=S.EXECUTED)
    def execute(self) -> None:
        self.executed_at = timezone.now()
        self.sent_at = self.sent_at or self.executed_at

    @transition(field=state, source=IN_FLIGHT_STATES, target=S.FAILED)
    def fail(self) -> None:
        self.failed_at = timezone.now()
        self.sent_at = self.sent_at or self.failed_at

    @transition(field=state, source=S.EXECUTED, target=S.RELEASED, conditions=[releasable])
    def release(self) -> None:
        self.released_at = timezone.now()


class FreezeInstruction(ConcurrentTransitionMixin, models.Model):
    """What core banking executes for an approved control, pulled through the API or pushed
    by signed webhook, and confirmed as executed or failed with core banking's reference."""

    control = models.OneToOneField(
        ControlRequest,
        verbose_name=_("control request"),
        on_delete=models.PROTECT,
        related_name="instruction",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ControlKind.choices)
    status = FSMField(
        _("status"),
        default=InstructionStatus.PENDING,
        choices=InstructionStatus.choices,
        protected=True,
    )
    account_number = models.CharField(_("account or card number"), max_length=32)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    reference = models.CharField(_("our reference"), max_length=20, unique=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The account's opening unit; for a reversal, the sending branch."),
    )
    releases = models.ForeignKey(
        "self",
        verbose_name=_("releases"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_via = models.CharField(
        _("delivered by"), max_length=16, choices=DeliveryChannel.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        ApiClient,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bank_reference = models.CharField(_("core-banking reference"), max_length=64, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("core-banking instruction")
        verbose_name_plural = _("core-banking instructions")
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=InstructionStatus.PENDING)
                | Q(confirmed_at__isnull=False, delivered_at__isnull=False),
                name="instruction_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=InstructionStatus.EXECUTED) | ~Q(bank_reference=""),
                name="instruction_executed_has_reference",
            ),
        ]
        indexes = [
            models.Index(
                fields=["issued_at"], condition=Q(status="pending"), name="instruction_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()} {self.account_number}"

    @transition(field=status, source=InstructionStatus.PENDING, target=InstructionStatus.EXECUTED)
    def confirm_executed(self) -> None:
        self.confirmed_at = timezone.now()

    @transition(field=status, source=InstructionStatus.PENDING, target=InstructionStatus.FAILED)
    def confirm_failed(self) -> None:
        self.confirmed_at = timezone.now()


class WebhookDelivery(models.Model):
    """One attempt to push an instruction to a client's webhook, successful or not."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    instruction = models.ForeignKey(
        FreezeInstruction,
        verbose_name=_("core-banking instruction"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    url = models.URLField(_("URL"))
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    ok = models.BooleanField(_("delivered"), default=False)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client} {self.event} {self.status_code or self.error[:40]}"
