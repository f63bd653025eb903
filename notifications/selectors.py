from __future__ import annotations

from django.db.models import QuerySet

from fraudops.core.models import User

from .models import Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first."""
    inbox = Notification.objects.filter(recipient=user)
    if unread_only:
        inbox = inbox.filter(read_at__isnull=True)
    return inbox.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
