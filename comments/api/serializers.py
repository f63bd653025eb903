from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from ..models import Comment, CommentFile, CommentRevision


class CommentAuthorSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()


class CommentFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentFile
        fields = ["id", "original_name", "content_type", "size", "sha256"]


class CommentRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentRevision
        fields = ["number", "body", "written_at", "replaced_at"]


class CommentSerializer(serializers.ModelSerializer):
    author = CommentAuthorSerializer(read_only=True)
    files = CommentFileSerializer(many=True, read_only=True)
    mentions = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "thread",
            "author",
            "body",
            "created_at",
            "edited",
            "edited_at",
            "revision",
            "retracted_at",
            "files",
            "mentions",
        ]

    def get_mentions(self, comment: Comment) -> list[str]:
        """The usernames mentioned (and told) in the comment."""
        return [mention.user.username for mention in comment.mentions.all()]

    def get_edited(self, comment: Comment) -> bool:
        return comment.revision > 0


class CommentDetailSerializer(CommentSerializer):
    revisions = CommentRevisionSerializer(many=True, read_only=True)
    history_url = serializers.SerializerMethodField()

    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "revisions", "history_url"]

    def get_history_url(self, comment: Comment) -> str:
        context: dict[str, Any] = self.context
        return reverse(
            "comments:history",
            kwargs={
                "key": context["key"],
                "reference": context["reference"],
                "comment_id": comment.pk,
            },
        )


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(
        trim_whitespace=False, help_text="The comment; @username mentions a colleague."
    )


class CommentAddInputSerializer(CommentInputSerializer):
    files = serializers.ListField(child=serializers.FileField(), required=False)
