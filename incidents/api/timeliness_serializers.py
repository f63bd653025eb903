"""The timeliness API's shapes (moved from workflows.api.serializers, unchanged)."""

from rest_framework import serializers

from ..choices import TimelinessResult


class StepTimingSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    level = serializers.CharField()
    step_code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit_code")
    owner_role = serializers.CharField()
    status = serializers.CharField()
    opened_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    minutes_from_filing = serializers.FloatField(allow_null=True)
    minutes_allowed = serializers.FloatField(allow_null=True)
    minutes_taken = serializers.FloatField(allow_null=True)
    result = serializers.ChoiceField(choices=TimelinessResult.choices)


class MilestoneSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    minutes_from_filing = serializers.FloatField(allow_null=True)


class EscalationSerializer(serializers.Serializer):
    stage = serializers.CharField()
    kind = serializers.CharField(source="clock.kind")
    title = serializers.CharField(source="clock.title")
    due_at = serializers.DateTimeField(source="clock.due_at")
    scheduled_at = serializers.DateTimeField()
    fired_at = serializers.DateTimeField()
    unit = serializers.CharField(source="unit.code")
    roles = serializers.ListField(child=serializers.CharField())


class IncidentTimelinessSerializer(serializers.Serializer):
    number = serializers.CharField()
    filed_at = serializers.DateTimeField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    pending = serializers.IntegerField()
    on_time_share = serializers.FloatField(allow_null=True)
    milestones = MilestoneSerializer(many=True)
    steps = StepTimingSerializer(many=True)
    escalations = EscalationSerializer(many=True)


class TimelinessFiguresSerializer(serializers.Serializer):
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    pending = serializers.IntegerField()
    judged = serializers.IntegerField()
    on_time_share = serializers.FloatField(allow_null=True)


class UnitFiguresSerializer(TimelinessFiguresSerializer):
    unit = serializers.CharField()
    unit_name_zh = serializers.CharField()
    unit_name_en = serializers.CharField()
    level = serializers.CharField()


class StepFiguresSerializer(TimelinessFiguresSerializer):
    level = serializers.CharField()
    step = serializers.CharField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField()


class UnitTimelinessSerializer(serializers.Serializer):
    unit = serializers.CharField()
    total = TimelinessFiguresSerializer()
    by_unit = UnitFiguresSerializer(many=True)
    by_step = StepFiguresSerializer(many=True)
    # Not fraud figures: the steps of customer-safety events, counted apart from the above.
    customer_safety = TimelinessFiguresSerializer()


# "from" and "to" are Python keywords: declare them by name.
UnitTimelinessSerializer._declared_fields["from"] = serializers.DateField()
UnitTimelinessSerializer._declared_fields["to"] = serializers.DateField()
