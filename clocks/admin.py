from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fraudops.core.actors import Actor

from .models import Clock, Escalation, EscalationPolicy
from .services import escalation_policy_delete, escalation_policy_save


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Head office sets how long a late clock waits before the level above is told. Saves
    and deletes go through the audited services, never a bare save."""

    list_display = ["kind", "incident_type", "step_code", "grace_minutes", "notes"]
    list_filter = ["kind", "incident_type"]
    search_fields = ["kind", "step_code", "notes"]

    def save_model(
        self, request: HttpRequest, obj: EscalationPolicy, form: Any, change: Any
    ) -> None:
        escalation_policy_save(actor=Actor.from_request(request), policy=obj)

    def delete_model(self, request: HttpRequest, obj: EscalationPolicy) -> None:
        escalation_policy_delete(actor=Actor.from_request(request), policy=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EscalationPolicy]) -> None:
        actor = Actor.from_request(request)
        for policy in queryset:
            escalation_policy_delete(actor=actor, policy=policy)


class EscalationInline(admin.TabularInline):  # type: ignore[type-arg]  # not subscriptable at runtime
    model = Escalation
    extra = 0
    can_delete = False
    fields = ["stage", "scheduled_at", "fired_at", "unit", "roles"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names, no groups

    def has_add_permission(self, request: HttpRequest, obj: Clock | None = None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Clocks are started and stopped by the services; the admin only shows them."""

    list_display = ["title", "kind", "status", "unit", "due_at", "stage", "next_stage", "next_at"]
    list_filter = ["status", "kind", "stage"]
    list_select_related = ["unit"]
    search_fields = ["thread", "title_zh", "title_en"]
    date_hierarchy = "due_at"
    inlines = [EscalationInline]
    readonly_fields = [field.name for field in Clock._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Clock | None = None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    list_display = ["fired_at", "clock", "stage", "unit", "scheduled_at"]
    list_filter = ["stage"]
    list_select_related = ["clock", "unit"]
    readonly_fields = ["clock", "stage", "scheduled_at", "fired_at", "unit", "roles"]
    date_hierarchy = "fired_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Escalation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Escalation | None = None) -> bool:
        return False
