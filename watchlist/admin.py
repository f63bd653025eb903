"""The watch list in the admin: head office's settings are edited here (through the
service, so the change is audited); everything else is read-only, because entries and
nominations change only through the services (four-eyes, keys, change feed, audit)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from fraudops.core.errors import DomainError

from . import services
from .models import (
    Entry,
    EntryChange,
    EntryKey,
    ImportJob,
    IncidentScreeningHit,
    NameKey,
    Nomination,
    ScreeningLog,
    WatchlistSettings,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WatchlistSettings)
class WatchlistSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "name_review_threshold",
        "review_period_days",
        "nomination_decision_days",
        "updated_at",
        "updated_by",
    ]
    fields = ["name_review_threshold", "review_period_days", "nomination_decision_days"]

    def has_add_permission(self, request):
        return not WatchlistSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            row = services.settings_update(
                actor=Actor.from_request(request),
                name_review_threshold=obj.name_review_threshold,
                review_period_days=obj.review_period_days,
                nomination_decision_days=obj.nomination_decision_days,
            )
        except DomainError as exc:
            self.message_user(request, str(exc.message), level=messages.ERROR)
            return
        obj.pk = row.pk


class EntryKeyInline(admin.TabularInline):
    model = EntryKey
    extra = 0
    can_delete = False
    fields = ["kind", "value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "display_value", "status", "nominating_unit", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "id_number", "org_code", "account_number", "phone", "url"]
    list_select_related = ["nominating_unit"]
    readonly_fields = ["page"]
    inlines = [EntryKeyInline]

    @admin.display(description=_("page"))
    def page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("watchlist:entry_detail", args=[obj.pk]), obj
        )


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "display_value", "status", "nominating_unit", "due_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["nominating_unit"]


@admin.register(EntryKey)
class EntryKeyAdmin(ReadOnlyAdmin):
    list_display = ["kind", "value", "entry"]
    list_filter = ["kind"]
    search_fields = ["value"]
    raw_id_fields = ["entry"]


@admin.register(NameKey)
class NameKeyAdmin(ReadOnlyAdmin):
    list_display = ["kind", "value", "entry"]
    list_filter = ["kind"]
    search_fields = ["value"]
    raw_id_fields = ["entry"]


@admin.register(EntryChange)
class EntryChangeAdmin(ReadOnlyAdmin):
    list_display = ["seq", "action", "entry", "at"]
    list_filter = ["action"]
    raw_id_fields = ["entry"]


@admin.register(ScreeningLog)
class ScreeningLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "channel", "client", "user", "party_count", "decision", "duration_ms"]
    list_filter = ["channel", "decision", "complete"]
    list_select_related = ["client", "user"]
    date_hierarchy = "at"


@admin.register(IncidentScreeningHit)
class IncidentScreeningHitAdmin(ReadOnlyAdmin):
    list_display = ["incident", "entry", "source", "field", "reason", "score", "decision"]
    list_filter = ["decision", "reason"]
    list_select_related = ["incident", "entry"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "created_by", "created_at", "status", "created_count"]
    list_filter = ["status"]
    exclude = ["error_report"]
