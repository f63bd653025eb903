from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fraudops.core.api.fields import TYPE_CODE_PATTERN, ChoiceStringField, CodeField
from fraudops.core.choices import LEVEL_ORDER

from ..choices import IncidentGroup
from ..models import IncidentType, Playbook, PlaybookStep
from ..playbook_schema import STEP_KEYS
from ..selectors import steps_by_level


class PlaybookStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaybookStep
        # The schema's one step key list; the API leaves out the level (steps come grouped by
        # level) and adds the position within it.
        fields = ["code", "order", *(key for key in STEP_KEYS if key not in ("level", "code"))]


class StepsByLevelSerializer(serializers.Serializer):
    branch = PlaybookStepSerializer(many=True)
    sub_branch = PlaybookStepSerializer(many=True)
    head_office = PlaybookStepSerializer(many=True)


class PlaybookSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="incident_type.code")
    group = serializers.CharField(source="incident_type.group")
    name_zh = serializers.CharField(source="incident_type.name_zh")
    name_en = serializers.CharField(source="incident_type.name_en")
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Playbook
        fields = ["code", "group", "name_zh", "name_en", "version", "steps"]

    @extend_schema_field(StepsByLevelSerializer)
    def get_steps(self, playbook) -> dict:
        grouped = steps_by_level(playbook)
        return {
            level: PlaybookStepSerializer(grouped.get(level, []), many=True).data
            for level in LEVEL_ORDER
        }


class IncidentTypeSerializer(serializers.ModelSerializer):
    """A type with the version of its playbook that new incidents follow."""

    current_version = serializers.SerializerMethodField()
    shipped = serializers.BooleanField(
        help_text="Its playbook is one of the project's files; otherwise head office added it."
    )

    class Meta:
        model = IncidentType
        fields = [
            "code",
            "group",
            "name_zh",
            "name_en",
            "description_zh",
            "description_en",
            "is_active",
            "current_version",
            "shipped",
        ]

    def get_current_version(self, incident_type) -> int | None:
        current = getattr(incident_type, "current", None)
        return current.version if current else None


class PlaybookDefinitionField(serializers.JSONField):
    """The playbook: YAML text (a string), or the same parsed: `{"steps": [...]}` (a whole
    playbook file's mapping is accepted) or the list of steps. Checked by the service, by
    the same schema as the shipped playbook files."""


class PlaybookPublishInputSerializer(serializers.Serializer):
    playbook = PlaybookDefinitionField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class IncidentTypeCreateInputSerializer(PlaybookPublishInputSerializer):
    code = CodeField(pattern=TYPE_CODE_PATTERN, max_length=40)
    name_zh = serializers.CharField(max_length=100, allow_blank=True)
    name_en = serializers.CharField(max_length=100, allow_blank=True)
    group = ChoiceStringField(choices=IncidentGroup)
    description_zh = serializers.CharField(required=False, allow_blank=True, default="")
    description_en = serializers.CharField(required=False, allow_blank=True, default="")
