from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fraudops.core.api.fields import INCIDENT_NUMBER_PATTERN, CodeField

from ..choices import Decision, EntryKind, MatchRule
from ..models import Entry, Nomination
from ..screening import MAX_FIELD_LENGTH, MAX_PARTIES, SCREEN_FIELDS
from ..subjects import exact_keys


class PartySerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=MAX_FIELD_LENGTH)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    account = serializers.CharField(required=False, allow_blank=True, max_length=64)
    url = serializers.CharField(required=False, allow_blank=True, max_length=MAX_FIELD_LENGTH)
    org_code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    bill_number = serializers.CharField(required=False, allow_blank=True, max_length=64)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(SCREEN_FIELDS))
            if unknown:
                message = _("Unknown field; use: %(fields)s.") % {
                    "fields": ", ".join(SCREEN_FIELDS)
                }
                raise serializers.ValidationError({key: [message] for key in unknown})
        return super().to_internal_value(data)


class ScreeningInputSerializer(serializers.Serializer):
    parties = PartySerializer(many=True, allow_empty=False, max_length=MAX_PARTIES)


class HitSerializer(serializers.Serializer):
    entry_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    field = serializers.ChoiceField(choices=[(f, f) for f in SCREEN_FIELDS])
    score = serializers.FloatField(min_value=0, max_value=1)
    reason = serializers.ChoiceField(choices=MatchRule.choices)


class PartyResultSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    hits = HitSerializer(many=True)
    complete = serializers.BooleanField(
        help_text="False when the time budget ran out: the decision is then `review`."
    )
    invalid_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields whose value is not valid (e.g. a bad ID checksum) and so matched "
        "nothing.",
    )


class ScreeningOutputSerializer(serializers.Serializer):
    results = PartyResultSerializer(many=True)


class EntrySerializer(serializers.ModelSerializer):
    source_incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    nominating_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    keys = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "kind",
            "status",
            "name",
            "id_number",
            "documents",
            "org_code",
            "account_number",
            "holder_name",
            "bank_name",
            "phone",
            "url",
            "domain",
            "match_whole_domain",
            "reference_number",
            "features",
            "reason",
            "source_incident",
            "nominating_unit",
            "published_at",
            "review_on",
            "expires_on",
            "removed_at",
            "removal_reason",
            "keys",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_keys(self, entry: Entry) -> list[dict]:
        if not entry.is_active:
            return []
        return [{"kind": k, "value": v} for k, v in sorted(exact_keys(entry))]


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="This change's position; resume after it.")
    action = serializers.ChoiceField(choices=["publish", "update", "remove", "expire"])
    at = serializers.DateTimeField()
    entry_id = serializers.IntegerField()
    entry = serializers.DictField(source="data")


class ChangeFeedSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()


class NominationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    data = serializers.DictField(help_text="The subject's fields for this kind.")
    reason = serializers.CharField(max_length=2000)
    incident = CodeField(
        pattern=INCIDENT_NUMBER_PATTERN,
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="The incident's number, e.g. FI-2026-000123.",
    )
    review_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class NominationSerializer(serializers.ModelSerializer):
    source_incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    nominating_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    nominated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "kind",
            "status",
            "name",
            "id_number",
            "documents",
            "org_code",
            "account_number",
            "holder_name",
            "bank_name",
            "phone",
            "url",
            "domain",
            "match_whole_domain",
            "reference_number",
            "features",
            "reason",
            "source_incident",
            "nominating_unit",
            "nominated_by",
            "created_at",
            "due_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "entry",
        ]


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=2000)
    review_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
