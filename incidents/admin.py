"""Incidents are read-only here: every change goes through the services (browser or API) so
that scope, four-eyes and the audit trail always apply."""

from django.contrib import admin

from .models import (
    Account,
    Evidence,
    Incident,
    LedgerEntry,
    Party,
    SummaryAmendment,
    Task,
    Vehicle,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RemovableInline(ReadOnlyInline):
    """Rows removed after filing are listed too (with who removed them, when and why)."""

    def get_queryset(self, request):
        return self.model.all_objects.all()

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "removed_at", "removal_reason"]


class PartyInline(RemovableInline):
    model = Party


class AccountInline(RemovableInline):
    model = Account


class VehicleInline(RemovableInline):
    model = Vehicle


class AmendmentInline(ReadOnlyInline):
    model = SummaryAmendment
    fields = ["text", "revision", "created_at", "created_by", "created_by_client"]
    readonly_fields = fields


class TaskInline(ReadOnlyInline):
    model = Task
    fields = [
        "level",
        "step",
        "status",
        "assignee",
        "due_at",
        "completed_at",
        "completed_by",
        "note",
    ]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = [
        "original_name",
        "task",
        "field",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fk_name = "incident"
    fields = [
        "kind",
        "source",
        "amount",
        "occurred_at",
        "reference",
        "recorded_by",
        "recorded_by_client",
        "voided_at",
        "void_reason",
    ]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["number", "incident_type", "state", "unit", "serious", "filed_at"]
    list_filter = ["state", "incident_type", "serious"]
    search_fields = ["number", "external_reference", "parties__name", "accounts__number"]
    list_select_related = ["incident_type", "unit"]
    date_hierarchy = "filed_at"
    inlines = [
        AmendmentInline,
        PartyInline,
        AccountInline,
        VehicleInline,
        LedgerEntryInline,
        TaskInline,
        EvidenceInline,
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
