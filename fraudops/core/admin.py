from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .actors import Actor
from .models import ApiClient, AuditEvent, OrgUnit, OutboxMessage, RoleAssignment, User
from .outbox import outbox_retry
from .services import (
    api_client_create,
    api_client_delete,
    api_client_rotate_key,
    api_client_update,
    login_unlock,
    org_unit_delete,
    org_unit_save,
    role_assignment_delete,
    role_assignment_save,
)

# Security-relevant data (org units, roles, API clients) changes only through the audited
# services: save_model, save_formset and delete_model call them, never Model.save().


def form_changes(form, *, adding: bool = False) -> dict:
    """The fields a model form changed (all of them when adding), by name, as cleaned."""
    names = form.fields if adding else form.changed_data
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        saved = org_unit_save(
            actor=Actor.from_request(request),
            unit=obj,
            changes=form_changes(form, adding=not change),
        )
        obj.pk, obj.path = saved.pk, saved.path

    def delete_model(self, request, obj):
        org_unit_delete(actor=Actor.from_request(request), unit=obj)

    def delete_queryset(self, request, queryset):
        for unit in queryset:
            self.delete_model(request, unit)


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
    actions = ["unlock_logins"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("FraudOps"), {"fields": ("unit", "display_name", "language")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(str(a.get_role_display()) for a in obj.role_assignments.all())

    @admin.action(
        description=_("Unlock login (clear failed password attempts)"),
        permissions=["change"],
    )
    def unlock_logins(self, request, queryset):
        actor = Actor.from_request(request)
        for user in queryset:
            login_unlock(actor=actor, username=user.get_username())
        messages.success(request, _("%(count)d accounts unlocked.") % {"count": queryset.count()})

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        formset.save(commit=False)  # sorts the forms into new, changed and deleted roles
        for assignment in formset.deleted_objects:
            role_assignment_delete(actor=actor, assignment=assignment)
        for assignment, names in formset.changed_objects:
            role_assignment_save(
                actor=actor,
                assignment=assignment,
                changes={name: getattr(assignment, name) for name in names},
            )
        for assignment in formset.new_objects:
            role_assignment_save(
                actor=actor,
                assignment=assignment,
                changes={"user": form.instance, "role": assignment.role},
            )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_active", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    fields = ["name", "unit", "scopes", "webhook_url", "webhook_secret", "is_active"]
    # Webhook endpoints are https unless written otherwise.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["rotate_key"]

    def save_model(self, request, obj, form, change):
        actor = Actor.from_request(request)
        if change:
            api_client_update(actor=actor, client=obj, changes=form_changes(form))
            return
        raw = api_client_create(actor=actor, client=obj, changes=form_changes(form, adding=True))
        messages.warning(
            request,
            _("Token for %(name)s (shown only once; store it now): %(token)s")
            % {"name": obj.name, "token": raw},
        )

    def delete_model(self, request, obj):
        api_client_delete(actor=Actor.from_request(request), client=obj)

    def delete_queryset(self, request, queryset):
        for client in queryset:
            self.delete_model(request, client)

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def rotate_key(self, request, queryset):
        for client in queryset:
            raw = api_client_rotate_key(actor=Actor.from_request(request), client=client)
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


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Failed logins being counted or locked (django-axes), read-only: a lock is lifted only
    through the audited unlock (this action, the people's action, or `manage.py login_unlock`)."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    date_hierarchy = "attempt_time"
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Axes' lock is per username: the unlock is offered to those who may change people.
        actions = super().get_actions(request)
        if not request.user.has_perm("core.change_user"):
            actions.pop("unlock", None)
        return actions

    @admin.action(description=_("Unlock login (clear failed password attempts)"))
    def unlock(self, request, queryset):
        actor = Actor.from_request(request)
        usernames = sorted({u for u in queryset.values_list("username", flat=True) if u})
        for username in usernames:
            login_unlock(actor=actor, username=username)
        messages.success(request, _("%(count)d accounts unlocked.") % {"count": len(usernames)})


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
