import functools

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_state


def unread_notifications(request):
    """The header's unread count and its change marker (static/js/unread.js keeps the count
    live): one query, and only when a template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "unread_marker": "", "unread_poll_ms": 0}

    @functools.cache
    def state() -> tuple[int, str]:
        return notification_unread_state(user=user)

    return {
        "unread_notifications": SimpleLazyObject(lambda: state()[0]),
        "unread_marker": SimpleLazyObject(lambda: state()[1]),
        "unread_poll_ms": settings.NOTIFICATIONS_UNREAD_POLL_MS,
    }
