"""Incidents are read-only here: every change goes through the services (browser or API) so
that scope, four-eyes and the audit trail always apply."""

from django.contrib import admin

from .models import Account, Evidence, Incident, Party, Task, Vehicle


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = Party


class AccountInline(ReadOnlyInline):
    model = Account


class VehicleInline(ReadOnlyInline):
    model = Vehicle


class TaskInline(ReadOnlyInline):
    model = Task
    fields = ["level", "step", "status", "due_at", "completed_at", "completed_by", "note"]


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


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["number", "incident_type", "state", "unit", "serious", "filed_at"]
    list_filter = ["state", "incident_type", "serious"]
    search_fields = ["number", "external_reference", "parties__name", "accounts__number"]
    list_select_related = ["incident_type", "unit"]
    date_hierarchy = "filed_at"
    inlines = [PartyInline, AccountInline, VehicleInline, TaskInline, EvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
