from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "title_zh",
        "title_en",
        "tone",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["tone", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["key", "title_zh", "title_en", "recipient__username", "thread"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]

    # The inbox is written by the outbox relay only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
