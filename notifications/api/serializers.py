from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "tone",
            "title",
            "title_zh",
            "title_en",
            "body",
            "body_zh",
            "body_en",
            "url",
            "thread",
            "created_at",
            "read_at",
            "unread",
        ]


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError("Give `ids` or `all: true`.")
        return attrs


class MarkReadOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()
