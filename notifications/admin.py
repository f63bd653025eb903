from django.contrib import admin

from .models import Notification, NotificationDigest, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "title_zh",
        "title_en",
        "tone",
        "read_at",
        "delivery",
        "emailed_at",
    ]
    list_filter = ["tone", "kind", "delivery"]
    list_select_related = ["recipient"]
    search_fields = ["key", "title_zh", "title_en", "recipient__username", "thread"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]

    # The inbox is written by the outbox relay only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what was sent stays: nobody erases it unaudited


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Read-only: each person sets their own choices (notifications:preferences, audited)."""

    list_display = ["user", "email_enabled", "non_urgent_delivery", "updated_at"]
    list_filter = ["email_enabled", "non_urgent_delivery"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = [field.name for field in NotificationPreference._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what was sent stays: nobody erases it unaudited


@admin.register(NotificationDigest)
class NotificationDigestAdmin(admin.ModelAdmin):
    """Read-only: digests are made by beat's daily task."""

    list_display = ["created_at", "recipient", "emailed_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in NotificationDigest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what was sent stays: nobody erases it unaudited
