"""Shapes of the complaints API. Input serializers check structure only; the services do
the domain validation, so the browser and the API agree."""

from __future__ import annotations

from rest_framework import serializers

from fraudops.core.api.fields import (
    INCIDENT_NUMBER_PATTERN,
    UNIT_CODE_PATTERN,
    ChoiceStringField,
    CodeField,
    DateTimeStringField,
)
from incidents.choices import IdType

from ..choices import (
    ComplaintOutcome,
    ComplaintSource,
    ComplaintState,
    ReplyChannel,
    ReviewConclusion,
)
from ..models import Complaint

# --- input -------------------------------------------------------------------------------------


class ComplainantInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    id_type = ChoiceStringField(choices=IdType, required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)


class ComplaintCreateSerializer(serializers.Serializer):
    source = ChoiceStringField(choices=ComplaintSource)
    reference = serializers.CharField(
        required=False, allow_blank=True, help_text="The transferring office's file number."
    )
    received_at = DateTimeStringField()
    complainant = ComplainantInputSerializer()
    request = serializers.CharField(help_text="What the complainant asks for.")
    unit = CodeField(
        pattern=UNIT_CODE_PATTERN,
        required=False,
        allow_blank=True,
        help_text="The responsible unit's code (default: the caller's unit).",
    )


class ComplaintIncidentLinkInputSerializer(serializers.Serializer):
    incident = CodeField(pattern=INCIDENT_NUMBER_PATTERN)
    note = serializers.CharField(required=False, allow_blank=True)


class ComplaintIncidentUnlinkInputSerializer(serializers.Serializer):
    incident = CodeField(pattern=INCIDENT_NUMBER_PATTERN)
    reason = serializers.CharField()


class ComplaintInvestigationInputSerializer(serializers.Serializer):
    findings = serializers.CharField()


class ComplaintReviewInputSerializer(serializers.Serializer):
    conclusion = ChoiceStringField(choices=ReviewConclusion)
    finding = serializers.CharField()


class ComplaintReplyDraftInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The reply's text.")


class ComplaintSendInputSerializer(serializers.Serializer):
    channel = ChoiceStringField(choices=ReplyChannel)


class ComplaintOutcomeInputSerializer(serializers.Serializer):
    outcome = ChoiceStringField(choices=ComplaintOutcome)
    note = serializers.CharField(required=False, allow_blank=True)


class ComplaintWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- output ------------------------------------------------------------------------------------


class ComplainantSerializer(serializers.Serializer):
    name = serializers.CharField(source="complainant_name")
    id_type = serializers.CharField(source="complainant_id_type")
    id_number = serializers.CharField(source="complainant_id_number")
    phone = serializers.CharField(source="complainant_phone")


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class ComplaintReviewSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    conclusion = serializers.ChoiceField(choices=ReviewConclusion.choices)
    finding = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    reviewed_by = serializers.SerializerMethodField()

    def get_reviewed_by(self, obj) -> str | None:
        return _username(obj.reviewed_by)


class ComplaintDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ComplaintReplySerializer(serializers.Serializer):
    text = serializers.CharField(source="reply_text")
    drafted_at = serializers.DateTimeField(source="reply_drafted_at", allow_null=True)
    drafted_by = serializers.SerializerMethodField()
    signed_off_at = serializers.DateTimeField(source="reply_signed_off_at", allow_null=True)
    signed_off_by = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField(source="reply_sent_at", allow_null=True)
    channel = serializers.CharField(source="reply_channel")

    def get_drafted_by(self, obj) -> str | None:
        return _username(obj.reply_drafted_by)

    def get_signed_off_by(self, obj) -> str | None:
        return _username(obj.reply_signed_off_by)


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint in lists: what it is, where it stands, its linked incidents."""

    unit = serializers.CharField(source="unit.code")
    state = serializers.ChoiceField(choices=ComplaintState.choices)
    source = serializers.ChoiceField(choices=ComplaintSource.choices)
    overdue = serializers.BooleanField(source="is_overdue")
    complainant = ComplainantSerializer(source="*")
    incidents = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "number",
            "source",
            "reference",
            "received_at",
            "unit",
            "complainant",
            "request",
            "due_at",
            "overdue",
            "state",
            "outcome",
            "incidents",
        ]

    def get_incidents(self, obj) -> list[str]:
        links = getattr(obj, "live_links", None)
        if links is None:
            links = [link for link in obj.incident_links.all() if link.unlinked_at is None]
        return [link.incident.number for link in links]


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint with its investigation, reviews, documents, reply and outcome."""

    findings = serializers.CharField()
    investigated_at = serializers.DateTimeField(allow_null=True)
    reviews = ComplaintReviewSerializer(many=True)
    documents = ComplaintDocumentSerializer(many=True)
    reply = ComplaintReplySerializer(source="*")
    outcome_note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "findings",
            "investigated_at",
            "reviews",
            "documents",
            "reply",
            "outcome_note",
            "closed_at",
        ]
