from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_count


def unread_notifications(request):
    """The header's unread count: one query, and only when a template shows it."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = SimpleLazyObject(lambda: notification_unread_count(user=user))
    return {"unread_notifications": unread}
