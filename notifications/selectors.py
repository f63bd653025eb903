from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from fraudops.core.models import User

from .models import Notification, NotificationPreference


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first."""
    inbox = Notification.objects.filter(recipient=user)
    if unread_only:
        inbox = inbox.filter(read_at__isnull=True)
    return inbox.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_unread_state(*, user: User) -> tuple[int, str]:
    """The unread count and its change marker (the count and the newest unread id: a new
    notification moves it even when another was read meanwhile), in one query on the
    partial index of unread rows (docs/live-updates.md)."""
    figures = Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        n=Count("id"), newest=Max("id")
    )
    count = figures["n"] or 0
    return count, f"{count}.{figures['newest'] or 0}"


def notification_preference(*, user: User) -> NotificationPreference:
    """The person's choices: their row, or the defaults (unsaved) when they never chose."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found if found is not None else NotificationPreference(user=user)
