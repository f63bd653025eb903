"""Account control in the admin: read-only records (every change goes through the services,
so that four-eyes, scope and the audit trail always apply), and the webhook delivery log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AssistanceRequest, ControlRequest, FreezeInstruction, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReleaseInline(admin.TabularInline):
    model = ControlRequest
    fk_name = "releases"
    fields = ["number", "state", "requested_by", "requested_at", "approved_at", "executed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("releases")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ControlRequest)
class ControlRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "state",
        "incident",
        "account_number",
        "amount",
        "approving_unit",
        "requested_by",
        "requested_at",
        "due_at",
        "approved_at",
        "executed_at",
    ]
    list_filter = ["kind", "state", "approving_unit", "needs_second_approval"]
    search_fields = ["number", "account_number", "incident__number", "remittance_reference"]
    list_select_related = ["incident", "approving_unit", "requested_by"]
    date_hierarchy = "requested_at"
    inlines = [ReleaseInline]


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "incident",
        "from_unit",
        "to_unit",
        "state",
        "requested_by",
        "requested_at",
        "due_at",
        "acknowledged_by",
        "acknowledged_at",
    ]
    list_filter = ["state", "to_unit", "from_unit"]
    search_fields = ["incident__number"]
    list_select_related = ["incident", "from_unit", "to_unit", "requested_by", "acknowledged_by"]


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["attempted_at", "client", "status_code", "ok", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FreezeInstruction)
class FreezeInstructionAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "kind",
        "status",
        "account_number",
        "amount",
        "unit",
        "issued_at",
        "delivered_at",
        "delivered_via",
        "confirmed_at",
        "bank_reference",
    ]
    list_filter = ["status", "kind", "delivered_via"]
    search_fields = ["reference", "account_number", "bank_reference"]
    list_select_related = ["unit"]
    date_hierarchy = "issued_at"
    inlines = [WebhookDeliveryInline]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "attempted_at",
        "client",
        "event",
        "instruction",
        "status_code",
        "ok",
        "duration_ms",
        "error",
    ]
    list_filter = ["ok", "client", "event"]
    search_fields = ["instruction__reference", "url", "error"]
    list_select_related = ["client", "instruction"]
    date_hierarchy = "attempted_at"
