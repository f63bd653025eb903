"""Shapes of the incident API. Input serializers check structure only; the services do the
domain validation (Chinese IDs, phones, cards) so that the browser and the API agree."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..actions import TRANSITIONS
from ..choices import IncidentState, TaskStatus
from ..models import Account, Evidence, Incident, Party, Task, Vehicle


class PartyInputSerializer(serializers.Serializer):
    role = serializers.CharField()
    name = serializers.CharField(required=False, allow_blank=True)
    id_type = serializers.CharField(required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    staff_role = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class AccountInputSerializer(serializers.Serializer):
    role = serializers.CharField()
    kind = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField()
    holder_name = serializers.CharField(required=False, allow_blank=True)
    bank_name = serializers.CharField(required=False, allow_blank=True)
    at_this_bank = serializers.BooleanField(required=False, default=False)
    opening_unit = serializers.CharField(required=False, allow_blank=True)
    party = serializers.IntegerField(
        required=False, allow_null=True, help_text="Index of the holder in `parties`."
    )


class VehicleInputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    notes = serializers.CharField(required=False, allow_blank=True)


class IncidentFileSerializer(serializers.Serializer):
    incident_type = serializers.CharField(help_text="A stable type code, e.g. telecom_fraud.")
    unit = serializers.CharField(
        required=False, help_text="Code of the filing branch (API clients must give it)."
    )
    occurred_at = serializers.CharField()
    summary = serializers.CharField()
    channel = serializers.CharField(required=False, allow_blank=True)
    fraud_script = serializers.CharField(required=False, allow_blank=True)
    fraud_script_detail = serializers.CharField(required=False, allow_blank=True)
    amount_lost = serializers.CharField(required=False, allow_blank=True)
    amount_recovered = serializers.CharField(required=False, allow_blank=True)
    amount_prevented = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True)
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


class TaskRecordSerializer(serializers.Serializer):
    """A record that does (or is part of) a step: a nomination, a control request, ..."""

    label = serializers.CharField()
    url = serializers.CharField()
    state = serializers.CharField()
    done = serializers.BooleanField(help_text="This record has done its part of the step.")


class TaskReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the step applies after all.")


class TaskSerializer(serializers.ModelSerializer):
    step = serializers.CharField(source="step.code")
    title_zh = serializers.CharField(source="step.title_zh")
    title_en = serializers.CharField(source="step.title_en")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reports_up = serializers.BooleanField(source="step.reports_up")
    conditional = serializers.BooleanField(source="step.conditional")
    overdue = serializers.BooleanField(source="is_overdue")
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    done_by = serializers.CharField(
        source="step.done_by",
        help_text="The record source that does this step (empty: done by hand).",
    )
    not_applicable_by = serializers.CharField(
        source="na_rule",
        help_text="The fact whose absence marked it not applicable on its own (or empty).",
    )
    records = serializers.SerializerMethodField()

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
            "done_by",
            "not_applicable_by",
            "records",
        ]

    @extend_schema_field(TaskRecordSerializer(many=True))
    def get_records(self, task: Task) -> list[dict]:
        # Set for the whole incident at once by the views (`records_attach`).
        step_records = getattr(task, "step_records", None)
        if step_records is None:
            return []
        return [
            {"label": ref.label, "url": ref.url, "state": ref.state, "done": ref.done}
            for ref in step_records.records
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
