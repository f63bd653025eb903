"""Admin: reply deadlines are edited through the audited service; complaints are shown
read-only (they are worked on their pages and through the API, by the same services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError

from .models import Complaint, ComplaintDocument, ComplaintIncident, ComplaintReview, ReplyDeadline
from .services import REPLY_DEADLINE_FIELDS, reply_deadline_delete, reply_deadline_save


@admin.register(ReplyDeadline)
class ReplyDeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Head office sets how long each source's reply may take; saves and deletes go through
    the audited services, never a bare save."""

    list_display = ["source", "days", "hours", "basis"]

    def save_model(self, request: HttpRequest, obj: ReplyDeadline, form: Any, change: Any) -> None:
        changes = {name: getattr(obj, name) for name in REPLY_DEADLINE_FIELDS}
        target = ReplyDeadline.objects.get(pk=obj.pk) if obj.pk else ReplyDeadline()
        try:
            reply_deadline_save(actor=Actor.from_request(request), deadline=target, changes=changes)
        except DomainError as exc:
            messages.error(request, str(exc.message) + " " + str(exc.fields or ""))

    def delete_model(self, request: HttpRequest, obj: ReplyDeadline) -> None:
        reply_deadline_delete(actor=Actor.from_request(request), deadline=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ReplyDeadline]) -> None:
        actor = Actor.from_request(request)
        for deadline in queryset:
            reply_deadline_delete(actor=actor, deadline=deadline)


class _ReadOnly(admin.TabularInline):  # type: ignore[type-arg]  # not subscriptable at runtime
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LinkInline(_ReadOnly):
    model = ComplaintIncident
    fields = ["incident", "linked_at", "linked_by", "unlinked_at", "unlink_reason"]


class ReviewInline(_ReadOnly):
    model = ComplaintReview
    fields = ["unit", "conclusion", "finding", "reviewed_by", "reviewed_at"]


class DocumentInline(_ReadOnly):
    model = ComplaintDocument
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Complaints change only through their services (pages, API): read-only here."""

    list_display = ["number", "source", "state", "unit", "received_at", "due_at", "outcome"]
    list_filter = ["state", "source", "outcome"]
    list_select_related = ["unit"]
    search_fields = ["number", "reference", "complainant_name", "complainant_id_number"]
    inlines = [LinkInline, ReviewInline, DocumentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
