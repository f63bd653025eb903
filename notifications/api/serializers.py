from rest_framework import serializers

from fraudops.core.api.fields import ChoiceStringField

from ..choices import NonUrgentDelivery
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
            "delivery",
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


class PreferencesSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField(
        help_text="Email notifications (where the person has an address)."
    )
    non_urgent_delivery = serializers.ChoiceField(
        choices=NonUrgentDelivery.choices,
        help_text="Non-urgent ones: emailed at once, or in one daily digest. Urgent ones "
        "(tone danger) are always emailed at once.",
    )
    has_email_address = serializers.BooleanField(read_only=True)


class PreferencesInputSerializer(serializers.Serializer):
    """Either field may be left out to keep its value."""

    email_enabled = serializers.BooleanField(required=False)
    non_urgent_delivery = ChoiceStringField(choices=NonUrgentDelivery, required=False)
