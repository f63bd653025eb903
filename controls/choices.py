"""Kinds and states of account control (止付 / 冻结 / 解除 / 冲正)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fraudops.core.badges import colours


class ControlKind(models.TextChoices):
    STOP_PAYMENT = "stop_payment", _("Stop-payment")
    FREEZE = "freeze", _("Freeze")
    RELEASE = "release", _("Release")
    REVERSAL = "reversal", _("Remittance reversal")


class ImmediateReview(models.TextChoices):
    """The sub-branch's review of a branch's immediate stop-payment (立即止付, taken without
    waiting for approval on an account opened at the branch): keep it, or lift it through
    the release flow."""

    CONFIRMED = "confirmed", _("Confirmed")
    RELEASED = "released", _("Release requested")


# A hold on an account: approved by the monitors of the region that holds the account.
HOLD_KINDS = [ControlKind.STOP_PAYMENT, ControlKind.FREEZE]


class ControlState(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    FIRST_APPROVED = "first_approved", _("Awaiting second approval")
    APPROVED = "approved", _("Approved, instruction issued")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SENT = "sent", _("Received by core banking")
    EXECUTED = "executed", _("Executed")
    FAILED = "failed", _("Failed in core banking")
    RELEASED = "released", _("Released")


# Badge colours (`{% state_badge control.state "controls.ControlState" %}`): waiting on a
# person amber, with core banking blue, done green, refused or failed red; withdrawn and
# released grey.
CONTROL_STATE_COLOURS = colours(
    ControlState,
    {
        ControlState.REQUESTED: "warning",
        ControlState.FIRST_APPROVED: "warning",
        ControlState.APPROVED: "info",
        ControlState.SENT: "info",
        ControlState.EXECUTED: "ok",
        ControlState.REJECTED: "danger",
        ControlState.FAILED: "danger",
    },
)

# Waiting for a decision.
PENDING_STATES = [ControlState.REQUESTED, ControlState.FIRST_APPROVED]
# Approved and not yet confirmed by core banking.
IN_FLIGHT_STATES = [ControlState.APPROVED, ControlState.SENT]
# On its way: waiting for a decision or for core banking (an open release blocks another).
UNFINISHED_STATES = [*PENDING_STATES, *IN_FLIGHT_STATES]
# A control that still counts: a second request for the same account and kind is a duplicate.
ACTIVE_STATES = [*UNFINISHED_STATES, ControlState.EXECUTED]
# Decided for good.
APPROVED_STATES = [
    *IN_FLIGHT_STATES,
    ControlState.EXECUTED,
    ControlState.FAILED,
    ControlState.RELEASED,
]


class AssistanceState(models.TextChoices):
    OPEN = "open", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


ASSISTANCE_STATE_COLOURS = colours(
    AssistanceState,
    {AssistanceState.OPEN: "warning", AssistanceState.ACKNOWLEDGED: "ok"},
)


class InstructionStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    EXECUTED = "executed", _("Executed")
    FAILED = "failed", _("Failed")


class DeliveryChannel(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    PULL = "pull", _("Pulled through the API")
    CONFIRMATION = "confirmation", _("Confirmed without a recorded delivery")


class ClockKind(models.TextChoices):
    """The clocks this app starts (clocks.services)."""

    APPROVAL = "controls.freeze_approval", _("Account control approval")
    REVIEW = "controls.immediate_review", _("Review of a branch's immediate stop-payment")
    AUTHORISATION = "controls.reversal_authorisation", _("Remittance reversal authorisation")
    ACKNOWLEDGEMENT = "controls.assistance_ack", _("Cross-region assistance acknowledgement")


class WebhookEvent(models.TextChoices):
    INSTRUCTION_ISSUED = "freeze_instruction.issued", _("Instruction issued")


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


# The kinds a stop-payment or freeze request may take (the API's create endpoint).
HOLD_KIND_CHOICES = [(kind.value, kind.label) for kind in HOLD_KINDS]
