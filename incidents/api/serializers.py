"""Shapes of the incident API. Input serializers check structure only; the services do the
domain validation (Chinese IDs, phones, cards) so that the browser and the API agree."""

from rest_framework import serializers

from fraudops.core.api.fields import (
    TYPE_CODE_PATTERN,
    UNIT_CODE_PATTERN,
    AmountField,
    ChoiceStringField,
    CodeField,
    DateTimeStringField,
)

from ..actions import TRANSITIONS
from ..choices import (
    AccountKind,
    AccountRole,
    Channel,
    FraudScript,
    IdType,
    IncidentState,
    Outcome,
    PartyRole,
    StaffRole,
    TaskStatus,
    VehicleKind,
)
from ..models import Account, Evidence, Incident, Party, Task, Vehicle


class PartyInputSerializer(serializers.Serializer):
    role = ChoiceStringField(choices=PartyRole)
    name = serializers.CharField(required=False, allow_blank=True)
    id_type = ChoiceStringField(choices=IdType, required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    staff_role = ChoiceStringField(choices=StaffRole, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class AccountInputSerializer(serializers.Serializer):
    role = ChoiceStringField(choices=AccountRole)
    kind = ChoiceStringField(choices=AccountKind, required=False, allow_blank=True)
    number = serializers.CharField()
    holder_name = serializers.CharField(required=False, allow_blank=True)
    bank_name = serializers.CharField(required=False, allow_blank=True)
    at_this_bank = serializers.BooleanField(required=False, default=False)
    opening_unit = CodeField(
        pattern=UNIT_CODE_PATTERN,
        required=False,
        allow_blank=True,
        help_text="Code of the branch where it was opened, e.g. BR-BJ-CY.",
    )
    party = serializers.IntegerField(
        required=False, allow_null=True, help_text="Index of the holder in `parties`."
    )


class VehicleInputSerializer(serializers.Serializer):
    kind = ChoiceStringField(choices=VehicleKind)
    value = serializers.CharField()
    notes = serializers.CharField(required=False, allow_blank=True)


class IncidentFileSerializer(serializers.Serializer):
    incident_type = CodeField(
        pattern=TYPE_CODE_PATTERN, help_text="A stable type code, e.g. telecom_fraud."
    )
    unit = CodeField(
        pattern=UNIT_CODE_PATTERN,
        required=False,
        help_text="Code of the filing branch (API clients must give it).",
    )
    occurred_at = DateTimeStringField(
        help_text="ISO 8601; without an offset, the user's time zone (Asia/Shanghai)."
    )
    summary = serializers.CharField()
    channel = ChoiceStringField(choices=Channel, required=False, allow_blank=True)
    fraud_script = ChoiceStringField(choices=FraudScript, required=False, allow_blank=True)
    fraud_script_detail = serializers.CharField(required=False, allow_blank=True)
    amount_lost = AmountField(required=False, allow_blank=True, help_text="Yuan.")
    amount_recovered = AmountField(required=False, allow_blank=True, help_text="Yuan.")
    amount_prevented = AmountField(required=False, allow_blank=True, help_text="Yuan.")
    outcome = ChoiceStringField(choices=Outcome, required=False, allow_blank=True)
    serious = serializers.BooleanField(required=False, default=False)
    external_reference = serializers.CharField(required=False, allow_blank=True)
    parties = PartyInputSerializer(many=True, required=False)
    accounts = AccountInputSerializer(many=True, required=False)
    vehicles = VehicleInputSerializer(many=True, required=False)


class TransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True)
    expected_state = serializers.ChoiceField(
        choices=IncidentState.choices,
        required=False,
        help_text="Refuse with 409 if the incident is no longer in this state.",
    )


class TaskResultInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["done", "not_applicable", "instructed"])
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Note; the reason for not_applicable."
    )
    evidence = serializers.DictField(required=False, default=dict)


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "role", "name", "id_type", "id_number", "phone", "staff_role", "notes"]


class AccountSerializer(serializers.ModelSerializer):
    opening_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    party = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "role",
            "kind",
            "number",
            "holder_name",
            "bank_name",
            "at_this_bank",
            "opening_unit",
            "party",
        ]


class VehicleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vehicle
        fields = ["id", "kind", "value", "normalized", "notes"]


class TaskSerializer(serializers.ModelSerializer):
    step = serializers.CharField(source="step.code")
    title_zh = serializers.CharField(source="step.title_zh")
    title_en = serializers.CharField(source="step.title_en")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reports_up = serializers.BooleanField(source="step.reports_up")
    conditional = serializers.BooleanField(source="step.conditional")
    overdue = serializers.BooleanField(source="is_overdue")
    status = serializers.ChoiceField(choices=TaskStatus.choices)

    class Meta:
        model = Task
        fields = [
            "id",
            "level",
            "step",
            "title_zh",
            "title_en",
            "unit",
            "owner_role",
            "status",
            "conditional",
            "reports_up",
            "opened_at",
            "due_at",
            "overdue",
            "completed_at",
            "note",
            "instruction",
            "evidence",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "task", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class IncidentListSerializer(serializers.ModelSerializer):
    incident_type = serializers.CharField(source="incident_type_id")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.CharField(allow_null=True)
    open_tasks = serializers.IntegerField(source="open_task_count", read_only=True)
    overdue_tasks = serializers.IntegerField(source="overdue_task_count", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "number",
            "incident_type",
            "state",
            "level",
            "unit",
            "serious",
            "outcome",
            "amount_lost",
            "amount_recovered",
            "amount_prevented",
            "occurred_at",
            "filed_at",
            "open_tasks",
            "overdue_tasks",
        ]


class IncidentDetailSerializer(serializers.ModelSerializer):
    incident_type = serializers.CharField(source="incident_type_id")
    playbook_version = serializers.IntegerField(source="playbook.version")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.CharField(allow_null=True)
    parties = PartySerializer(many=True)
    accounts = AccountSerializer(many=True)
    vehicles = VehicleSerializer(many=True)
    tasks = TaskSerializer(many=True)
    evidence_files = EvidenceSerializer(many=True)

    class Meta:
        model = Incident
        fields = [
            "number",
            "incident_type",
            "playbook_version",
            "state",
            "level",
            "state_reason",
            "unit",
            "external_reference",
            "occurred_at",
            "filed_at",
            "reported_to_sub_branch_at",
            "reported_to_head_office_at",
            "closed_at",
            "summary",
            "channel",
            "fraud_script",
            "fraud_script_detail",
            "amount_lost",
            "amount_recovered",
            "amount_prevented",
            "outcome",
            "serious",
            "parties",
            "accounts",
            "vehicles",
            "tasks",
            "evidence_files",
        ]


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    outcome = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    unit = serializers.CharField(source="actor_unit.code", allow_null=True, default=None)
    ip = serializers.CharField(allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    data = serializers.JSONField()
