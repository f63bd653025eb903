"""Shapes of the account-control API. Input serializers check structure only; the services
do the domain validation so that the browser and the API agree. The instruction's shape is
also the webhook's body: it is built by the domain (`controls.payloads`), which the
serializer returns."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fraudops.core.api.fields import (
    INCIDENT_NUMBER_PATTERN,
    UNIT_CODE_PATTERN,
    AmountField,
    CodeField,
    DateTimeStringField,
)

from ..choices import (
    HOLD_KIND_CHOICES,
    ControlKind,
    ControlState,
    ImmediateReview,
    InstructionStatus,
)
from ..models import AssistanceRequest, ControlRequest, FreezeInstruction
from ..payloads import instruction_payload

# --- input -----------------------------------------------------------------------------------


class ControlTargetInputSerializer(serializers.Serializer):
    account = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of one of the incident's accounts.",
    )
    number = serializers.CharField(
        required=False, allow_blank=True, help_text="A linked account typed in."
    )
    opening_unit = CodeField(
        pattern=UNIT_CODE_PATTERN,
        required=False,
        allow_blank=True,
        help_text="Code of the branch where it was opened.",
    )
    holder_name = serializers.CharField(required=False, allow_blank=True)
    amount = AmountField(
        required=False, allow_blank=True, help_text="Amount to hold (yuan); empty: whole account."
    )

    def validate(self, attrs):
        if not attrs.get("account") and not attrs.get("number"):
            raise serializers.ValidationError("Give an incident account id or a number.")
        return attrs


class ControlRequestCreateSerializer(serializers.Serializer):
    incident = CodeField(
        pattern=INCIDENT_NUMBER_PATTERN, help_text="The incident's number, e.g. FI-2026-000123."
    )
    kind = serializers.ChoiceField(choices=HOLD_KIND_CHOICES)
    reason = serializers.CharField(required=False, allow_blank=True)
    accounts = ControlTargetInputSerializer(many=True)


class ReversalCreateSerializer(serializers.Serializer):
    incident = CodeField(
        pattern=INCIDENT_NUMBER_PATTERN, help_text="The incident's number, e.g. FI-2026-000123."
    )
    # Blank values reach the service, which names every field at fault in one answer.
    remittance_reference = serializers.CharField(allow_blank=True)
    amount = AmountField(allow_blank=True, help_text="Yuan.")
    payee_account_number = serializers.CharField(allow_blank=True)
    payee_name = serializers.CharField(required=False, allow_blank=True)
    payee_bank = serializers.CharField(required=False, allow_blank=True)
    remitted_at = DateTimeStringField(
        allow_blank=True, help_text="ISO 8601, e.g. 2026-11-22T13:50:00+08:00."
    )
    reason = serializers.CharField(required=False, allow_blank=True)


class ImmediateStopInputSerializer(serializers.Serializer):
    incident = CodeField(
        pattern=INCIDENT_NUMBER_PATTERN, help_text="The incident's number, e.g. FI-2026-000123."
    )
    account = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of one of the incident's accounts, opened at the incident's own branch.",
    )
    amount = AmountField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Amount to hold (yuan); absent, empty or null: the whole account.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=ImmediateReview.choices,
        help_text="confirmed keeps the stop-payment; released asks to lift it (approved by "
        "another monitor).",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required to release."
    )
    expected_state = serializers.ChoiceField(choices=ControlState.choices, required=False)


class ApproveInputSerializer(serializers.Serializer):
    expected_state = serializers.ChoiceField(
        choices=ControlState.choices,
        required=False,
        help_text="Refuse with 409 if the request is no longer in this state.",
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    expected_state = serializers.ChoiceField(choices=ControlState.choices, required=False)


class AcknowledgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ConfirmInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=[InstructionStatus.EXECUTED.value, InstructionStatus.FAILED.value]
    )
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="Core banking's reference."
    )
    detail = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# --- output ----------------------------------------------------------------------------------


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class InstructionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = FreezeInstruction
        fields = ["id", "status", "bank_reference", "delivered_at", "confirmed_at"]


class ControlRequestSerializer(serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.number")
    opening_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    approving_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requesting_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    releases = serializers.SlugRelatedField(slug_field="number", read_only=True)
    requested_by = serializers.SerializerMethodField()
    first_approved_by = serializers.SerializerMethodField()
    second_approved_by = serializers.SerializerMethodField()
    rejected_by = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()
    cross_region = serializers.SerializerMethodField()
    approval_seconds = serializers.FloatField(read_only=True, allow_null=True)
    execution_seconds = serializers.FloatField(read_only=True, allow_null=True)
    instruction = serializers.SerializerMethodField()

    class Meta:
        model = ControlRequest
        fields = [
            "number",
            "kind",
            "state",
            "incident",
            "account",
            "account_number",
            "account_holder",
            "opening_unit",
            "approving_unit",
            "cross_region",
            "assistance",
            "releases",
            "amount",
            "reason",
            "remittance_reference",
            "remitted_at",
            "payee_bank",
            "needs_second_approval",
            "requested_by",
            "requesting_unit",
            "requested_at",
            "due_at",
            "first_approved_by",
            "first_approved_at",
            "second_approved_by",
            "second_approved_at",
            "approved_at",
            "rejected_by",
            "rejected_at",
            "decision_reason",
            "withdrawn_at",
            "sent_at",
            "executed_at",
            "failed_at",
            "released_at",
            "approval_seconds",
            "execution_seconds",
            "instruction",
            "immediate",
            "reviewed_by",
            "reviewed_at",
            "review_outcome",
            "review_note",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewed_by(self, obj) -> str | None:
        return _username(obj.reviewed_by) if obj.reviewed_by_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, obj) -> str | None:
        return _username(obj.requested_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_approved_by(self, obj) -> str | None:
        return _username(obj.first_approved_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_second_approved_by(self, obj) -> str | None:
        return _username(obj.second_approved_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejected_by(self, obj) -> str | None:
        return _username(obj.rejected_by)

    def get_cross_region(self, obj) -> bool:
        return obj.assistance_id is not None

    @extend_schema_field(InstructionSummarySerializer(allow_null=True))
    def get_instruction(self, obj):
        # A reverse one-to-one that does not exist raises an AttributeError subclass.
        instruction = getattr(obj, "instruction", None)
        return InstructionSummarySerializer(instruction).data if instruction else None

    def to_representation(self, obj):
        """Built by hand: approvals answer with this on the hot path, and building the
        ModelSerializer's fields costs more than the approval's own queries. A test keeps it
        identical to what the declared fields produce (`declared_representation`)."""
        return control_document(obj)

    def declared_representation(self, obj):
        return super().to_representation(obj)


_datetime = serializers.DateTimeField()
_decimal = serializers.DecimalField(max_digits=16, decimal_places=2)


def _when(value):
    return _datetime.to_representation(value) if value is not None else None


def _code(unit):
    return unit.code if unit is not None else None


def control_document(obj: ControlRequest) -> dict:
    instruction = getattr(obj, "instruction", None)
    return {
        "number": obj.number,
        "kind": obj.kind,
        "state": obj.state,
        "incident": obj.incident.number,
        "account": obj.account_id,
        "account_number": obj.account_number,
        "account_holder": obj.account_holder,
        "opening_unit": _code(obj.opening_unit) if obj.opening_unit_id else None,
        "approving_unit": obj.approving_unit.code,
        "cross_region": obj.assistance_id is not None,
        "assistance": obj.assistance_id,
        "releases": obj.releases.number if obj.releases_id else None,
        "amount": _decimal.to_representation(obj.amount) if obj.amount is not None else None,
        "reason": obj.reason,
        "remittance_reference": obj.remittance_reference,
        "remitted_at": _when(obj.remitted_at),
        "payee_bank": obj.payee_bank,
        "needs_second_approval": obj.needs_second_approval,
        "requested_by": _username(obj.requested_by),
        "requesting_unit": obj.requesting_unit.code,
        "requested_at": _when(obj.requested_at),
        "due_at": _when(obj.due_at),
        "first_approved_by": _username(obj.first_approved_by) if obj.first_approved_by_id else None,
        "first_approved_at": _when(obj.first_approved_at),
        "second_approved_by": _username(obj.second_approved_by)
        if obj.second_approved_by_id
        else None,
        "second_approved_at": _when(obj.second_approved_at),
        "approved_at": _when(obj.approved_at),
        "rejected_by": _username(obj.rejected_by) if obj.rejected_by_id else None,
        "rejected_at": _when(obj.rejected_at),
        "decision_reason": obj.decision_reason,
        "withdrawn_at": _when(obj.withdrawn_at),
        "sent_at": _when(obj.sent_at),
        "executed_at": _when(obj.executed_at),
        "failed_at": _when(obj.failed_at),
        "released_at": _when(obj.released_at),
        "approval_seconds": obj.approval_seconds,
        "execution_seconds": obj.execution_seconds,
        "instruction": {
            "id": instruction.pk,
            "status": instruction.status,
            "bank_reference": instruction.bank_reference,
            "delivered_at": _when(instruction.delivered_at),
            "confirmed_at": _when(instruction.confirmed_at),
        }
        if instruction is not None
        else None,
        "immediate": obj.immediate,
        "reviewed_by": _username(obj.reviewed_by) if obj.reviewed_by_id else None,
        "reviewed_at": _when(obj.reviewed_at),
        "review_outcome": obj.review_outcome,
        "review_note": obj.review_note,
    }


class RemittanceSerializer(serializers.Serializer):
    reference = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    payee_bank = serializers.CharField()
    payee_name = serializers.CharField()


class ReleasedInstructionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    bank_reference = serializers.CharField()


class FreezeInstructionSerializer(serializers.ModelSerializer):
    """One instruction to core banking (also the body of the webhook, under "instruction").
    The declared fields document it; the answer is `controls.payloads.instruction_payload`."""

    currency = serializers.SerializerMethodField()
    incident = serializers.CharField(source="control.incident.number")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    holder_name = serializers.CharField(source="control.account_holder")
    releases = serializers.SerializerMethodField()
    remittance = serializers.SerializerMethodField()

    class Meta:
        model = FreezeInstruction
        fields = [
            "id",
            "kind",
            "status",
            "account_number",
            "holder_name",
            "amount",
            "currency",
            "reference",
            "incident",
            "unit",
            "releases",
            "remittance",
            "issued_at",
            "delivered_at",
            "delivered_via",
            "confirmed_at",
            "bank_reference",
            "detail",
        ]

    def get_currency(self, obj) -> str:
        return "CNY"

    @extend_schema_field(ReleasedInstructionSerializer(allow_null=True))
    def get_releases(self, obj):
        if obj.releases is None:
            return None
        return {
            "id": obj.releases.pk,
            "reference": obj.releases.reference,
            "bank_reference": obj.releases.bank_reference,
        }

    @extend_schema_field(RemittanceSerializer(allow_null=True))
    def get_remittance(self, obj):
        if obj.kind != ControlKind.REVERSAL:
            return None
        control = obj.control
        return {
            "reference": control.remittance_reference,
            "sent_at": serializers.DateTimeField().to_representation(control.remitted_at)
            if control.remitted_at
            else None,
            "payee_bank": control.payee_bank,
            "payee_name": control.account_holder,
        }

    def to_representation(self, obj):
        """The domain's document (`controls.payloads.instruction_payload`), which the webhook
        sends too. A test keeps it identical to what the declared fields produce
        (`declared_representation`), so the OpenAPI document stays true."""
        return instruction_payload(obj)

    def declared_representation(self, obj):
        return super().to_representation(obj)


class AssistanceRequestSerializer(serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.number")
    from_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.SerializerMethodField()
    acknowledged_by = serializers.SerializerMethodField()
    control_requests = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = AssistanceRequest
        fields = [
            "id",
            "incident",
            "from_unit",
            "to_unit",
            "state",
            "requested_by",
            "requested_at",
            "due_at",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_note",
            "control_requests",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, obj) -> str | None:
        return _username(obj.requested_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_acknowledged_by(self, obj) -> str | None:
        return _username(obj.acknowledged_by)


class DistributionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    min = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)


class TimelinessRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    period_start = serializers.DateField()
    incidents = serializers.IntegerField()
    filing_to_request = DistributionSerializer()
    request_to_approval = DistributionSerializer()
    approval_to_execution = DistributionSerializer()
    filing_to_execution = DistributionSerializer()
