from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fraudops.core.choices import LEVEL_ORDER

from ..models import Playbook, PlaybookStep
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
