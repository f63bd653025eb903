from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor

from .models import IncidentType, Playbook, PlaybookStep
from .services import playbook_new_version


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "group", "is_active", "ordering"]
    list_filter = ["group", "is_active"]


class PlaybookStepInline(admin.StackedInline):
    model = PlaybookStep
    extra = 0
    fields = [
        ("level", "order", "code"),
        ("title_zh", "title_en"),
        ("guidance_zh", "guidance_en"),
        ("owner_role", "mandatory", "conditional", "awaits_instruction", "reports_up"),
        ("deadline_minutes", "deadline_from"),
        "evidence",
    ]

    def _in_use(self, obj) -> bool:
        return obj is not None and obj.incidents.exists()

    # A version that incidents already use is frozen: edit a new version instead.
    def has_change_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["incident_type", "version", "is_current", "created_at"]
    list_filter = ["is_current", "incident_type"]
    readonly_fields = ["incident_type", "version", "is_current", "created_at"]
    inlines = [PlaybookStepInline]
    actions = ["new_version"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Copy as a new current version (to edit its steps)"))
    def new_version(self, request, queryset):
        for playbook in queryset:
            new = playbook_new_version(actor=Actor.for_user(request.user), playbook=playbook)
            messages.success(request, _("Created %(playbook)s.") % {"playbook": new})
