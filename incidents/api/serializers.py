"""Shapes of the incident API. Input serializers check structure only; the services do the
domain validation (Chinese IDs, phones, cards) so that the browser and the API agree."""

from drf_spectacular.utils import extend_schema_field
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
    LedgerKind,
    LedgerSource,
    Outcome,
    PartyRole,
    StaffRole,
    TaskStatus,
    VehicleKind,
)
from ..models import (
    Account,
    Evidence,
    Incident,
    LedgerEntry,
    Party,
    SummaryAmendment,
    Task,
    Vehicle,
)


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
    evidence = serializers.DictField(
        required=False,
        default=dict,
        help_text="The step's evidence values by field name; a file field's files are sent "
        "as multipart/form-data (`files[<field>]`).",
    )


class LedgerEntryInputSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The incident's revision you read; sent, a newer one is refused with 409.",
    )
    kind = serializers.ChoiceField(choices=LedgerKind.choices)
    source = serializers.ChoiceField(choices=LedgerSource.choices)
    amount = AmountField(help_text="Yuan, greater than zero, at most two decimals.")
    occurred_at = DateTimeStringField(
        required=False, help_text="When the money moved (default: now)."
    )
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The same kind, source and reference is recorded once (200 with the entry).",
    )
    note = serializers.CharField(required=False, allow_blank=True)


class LedgerVoidInputSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The incident's revision you read; sent, a newer one is refused with 409.",
    )
    reason = serializers.CharField(help_text="Why (required).")


class AmountLostInputSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The incident's revision you read; sent, a newer one is refused with 409.",
    )
    amount_lost = AmountField(help_text="Yuan, zero or more, at most two decimals.")
    reason = serializers.CharField(help_text="Why the amount lost changes (required).")


class OutcomeInputSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The incident's revision you read; sent, a newer one is refused with 409.",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        allow_null=True,
        help_text="The outcome set by hand; null lets it follow the amounts again.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Required when setting the outcome."
    )


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LedgerKind.choices)
    source = serializers.ChoiceField(choices=LedgerSource.choices)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    recorded_by = serializers.CharField(source="recorded_by_label")
    void = serializers.BooleanField(source="is_void")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "source",
            "amount",
            "occurred_at",
            "reference",
            "note",
            "recorded_by",
            "created_at",
            "void",
            "voided_at",
            "void_reason",
        ]


class IncidentAmountsSerializer(serializers.ModelSerializer):
    """The incident's figures and its ledger."""

    outcome = serializers.ChoiceField(choices=Outcome.choices)
    entries = LedgerEntrySerializer(source="ledger_entries", many=True)

    class Meta:
        model = Incident
        fields = [
            "number",
            "amount_lost",
            "amount_recovered",
            "amount_prevented",
            "outcome",
            "outcome_set_by_hand",
            "outcome_reason",
            "entries",
        ]


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


class RemovalFieldsMixin(serializers.Serializer):
    removed_at = serializers.DateTimeField(allow_null=True)
    removed_by = serializers.SerializerMethodField()
    removal_reason = serializers.CharField()

    def get_removed_by(self, row) -> str:
        if row.removed_by is not None:
            return row.removed_by.get_username()
        return f"api:{row.removed_by_client.name}" if row.removed_by_client else ""


class RemovedPartySerializer(RemovalFieldsMixin, PartySerializer):
    class Meta(PartySerializer.Meta):
        fields = [*PartySerializer.Meta.fields, "removed_at", "removed_by", "removal_reason"]


class RemovedAccountSerializer(RemovalFieldsMixin, AccountSerializer):
    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "removed_at", "removed_by", "removal_reason"]


class RemovedVehicleSerializer(RemovalFieldsMixin, VehicleSerializer):
    class Meta(VehicleSerializer.Meta):
        fields = [*VehicleSerializer.Meta.fields, "removed_at", "removed_by", "removal_reason"]


class RemovedRowsSerializer(serializers.Serializer):
    """Rows removed from the case file after filing (kept, with who, when and why)."""

    parties = RemovedPartySerializer(many=True, source="removed_parties")
    accounts = RemovedAccountSerializer(many=True, source="removed_accounts")
    vehicles = RemovedVehicleSerializer(many=True, source="removed_vehicles")


class AmendmentSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = SummaryAmendment
        fields = ["id", "text", "revision", "created_at", "created_by"]

    def get_created_by(self, amendment) -> str:
        if amendment.created_by is not None:
            return amendment.created_by.get_username()
        return f"api:{amendment.created_by_client.name}" if amendment.created_by_client else ""


class TaskRecordSerializer(serializers.Serializer):
    """A record that does (or is part of) a step: a nomination, a control request, ..."""

    label = serializers.CharField()
    url = serializers.CharField()
    state = serializers.CharField()
    done = serializers.BooleanField(help_text="This record has done its part of the step.")


class TaskReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the step applies after all.")


def _expected_assignee() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=(
            "Who you saw holding the step (a person's id; null: nobody). If someone else "
            "changed it meanwhile, the request is refused with 409. Leave it out to skip "
            "the check."
        ),
    )


class TaskClaimInputSerializer(serializers.Serializer):
    expected_assignee = _expected_assignee()


class TaskAssignInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1,
        help_text="The person's id: active, of the step's unit, with a role of its level.",
    )
    expected_assignee = _expected_assignee()


class TaskUnassignInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why it goes back to its owner role."
    )
    expected_assignee = _expected_assignee()


class AssigneeSerializer(serializers.Serializer):
    """The person who holds a step."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


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
    assignee = AssigneeSerializer(
        read_only=True, allow_null=True, help_text="The person who holds the step, or null."
    )

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
            "assignee",
            "assigned_at",
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
        fields = [
            "id",
            "task",
            "field",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]


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
            "outcome_set_by_hand",
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
    revision = serializers.IntegerField(
        help_text="Send it back as `expected_revision` when editing the facts."
    )
    amendments = AmendmentSerializer(
        many=True, help_text="Additions to the summary after filing; the summary never changes."
    )
    removed = RemovedRowsSerializer(source="*")

    class Meta:
        model = Incident
        fields = [
            "number",
            "revision",
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
            "outcome_set_by_hand",
            "outcome_reason",
            "serious",
            "amendments",
            "parties",
            "accounts",
            "vehicles",
            "removed",
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


# --- the facts after filing: typed inputs, so that a generated client validates them ---------

EXPECTED_REVISION_HELP = (
    "The incident's `revision` you read: if it has changed since, the edit is refused with "
    "409 and nothing changes."
)


def _expected_revision() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, help_text=EXPECTED_REVISION_HELP)


class FactsInputSerializer(serializers.Serializer):
    """The facts to change; those left out keep their value."""

    expected_revision = _expected_revision()
    occurred_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    fraud_script = serializers.ChoiceField(
        choices=FraudScript.choices, required=False, allow_blank=True
    )
    fraud_script_detail = serializers.CharField(required=False, allow_blank=True, max_length=200)
    serious = serializers.BooleanField(required=False)
    summary_amendment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Added after the summary as filed, with who and when (the summary never "
        "changes).",
    )


class PartyCorrectSerializer(serializers.Serializer):
    """A party's fields to correct; those left out keep their value."""

    expected_revision = _expected_revision()
    role = serializers.ChoiceField(choices=PartyRole.choices, required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    staff_role = serializers.ChoiceField(
        choices=StaffRole.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PartyAddSerializer(PartyCorrectSerializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)


class AccountCorrectSerializer(serializers.Serializer):
    """An account's fields to correct; those left out keep their value."""

    expected_revision = _expected_revision()
    role = serializers.ChoiceField(choices=AccountRole.choices, required=False)
    kind = serializers.ChoiceField(choices=AccountKind.choices, required=False)
    number = serializers.CharField(required=False, max_length=40)
    holder_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    bank_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    at_this_bank = serializers.BooleanField(required=False)
    opening_unit = CodeField(
        pattern=UNIT_CODE_PATTERN,
        required=False,
        allow_blank=True,
        help_text="Code of the opening branch, e.g. BR-BJ-CY.",
    )
    party = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the holder among the parties."
    )


class AccountAddSerializer(AccountCorrectSerializer):
    role = serializers.ChoiceField(choices=AccountRole.choices)
    number = serializers.CharField(max_length=40)


class VehicleCorrectSerializer(serializers.Serializer):
    """A fraud vehicle's fields to correct; those left out keep their value."""

    expected_revision = _expected_revision()
    kind = serializers.ChoiceField(choices=VehicleKind.choices, required=False)
    value = serializers.CharField(required=False, max_length=500)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=500)


class VehicleAddSerializer(VehicleCorrectSerializer):
    kind = serializers.ChoiceField(choices=VehicleKind.choices)
    value = serializers.CharField(max_length=500)


class RemovalInputSerializer(serializers.Serializer):
    expected_revision = _expected_revision()
    reason = serializers.CharField(help_text="Why it leaves the case file (kept in the audit).")


class PartyChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The incident's revision after the edit.")
    party = RemovedPartySerializer(help_text="The row (removal fields empty unless removed).")


class AccountChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The incident's revision after the edit.")
    account = RemovedAccountSerializer(help_text="The row (removal fields empty unless removed).")


class VehicleChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The incident's revision after the edit.")
    vehicle = RemovedVehicleSerializer(help_text="The row (removal fields empty unless removed).")


class TaskListSerializer(TaskSerializer):
    """A step in a list of steps to work, with its incident's number."""

    incident = serializers.CharField(source="incident.number")

    class Meta(TaskSerializer.Meta):
        fields = ["incident", *[f for f in TaskSerializer.Meta.fields if f != "records"]]
