"""Comments in the admin: read only. A comment is posted, edited and retracted only through
the services (the pages and the API), which check, audit and notify."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Comment, CommentFile, CommentMention, CommentRevision


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(ReadOnlyInline):
    model = CommentRevision
    fields = readonly_fields = ("number", "body", "written_at", "replaced_at")


class FileInline(ReadOnlyInline):
    model = CommentFile
    fields = readonly_fields = ("original_name", "content_type", "size", "sha256")


class MentionInline(ReadOnlyInline):
    model = CommentMention
    fields = readonly_fields = ("user", "created_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "thread", "author", "created_at", "edited_at", "retracted_at"]
    list_filter = ["subject_type"]
    search_fields = ["thread", "author__username", "body"]
    list_select_related = ["author"]
    readonly_fields = [
        "subject_type",
        "subject_id",
        "thread",
        "author",
        "body",
        "created_at",
        "edited_at",
        "revision",
        "retracted_at",
    ]
    inlines = [RevisionInline, FileInline, MentionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing only; the services make every change.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
