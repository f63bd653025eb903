from django.conf import settings
from django.utils.functional import SimpleLazyObject


def fraudops(request):
    """Languages for the switcher and the header's unread count (one query, only when a
    template shows it)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from notifications.selectors import notification_unread_count

        unread = SimpleLazyObject(lambda: notification_unread_count(user=user))
    return {"LANGUAGES": settings.LANGUAGES, "unread_notifications": unread}
