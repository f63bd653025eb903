from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, AuditEvent, OrgUnit, OutboxMessage, RoleAssignment, User
from .outbox import outbox_retry


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["path"]
    ordering = ["path"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "roles", "is_active"]
    list_filter = ["unit__level", "role_assignments__role", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["username", "display_name", "unit__code"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("FraudOps"), {"fields": ("unit", "display_name", "language")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(str(a.get_role_display()) for a in obj.role_assignments.all())


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_active", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    fields = ["name", "unit", "scopes", "webhook_url", "webhook_secret", "is_active"]
    # Webhook endpoints are https unless written otherwise.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["rotate_key"]

    def save_model(self, request, obj, form, change):
        raw = obj.issue_key() if not change else None
        super().save_model(request, obj, form, change)
        if raw:
            messages.warning(
                request,
                _("Token for %(name)s (shown only once; store it now): %(token)s")
                % {"name": obj.name, "token": raw},
            )

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def rotate_key(self, request, queryset):
        for client in queryset:
            raw = client.issue_key()
            client.save(update_fields=["key_prefix", "key_hash"])
            messages.warning(
                request,
                _("Token for %(name)s (shown only once; store it now): %(token)s")
                % {"name": client.name, "token": raw},
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "outcome", "actor_label", "actor_unit", "ip", "thread"]
    list_filter = ["outcome", "action"]
    search_fields = ["thread", "target", "actor_label"]
    list_select_related = ["actor_unit"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "next_attempt_at", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected dead letters again"))
    def retry(self, request, queryset):
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("%(count)d messages queued again.") % {"count": count})
