from django.conf import settings


def fraudops(request):
    """Languages for the switcher. (The header's unread count is the notifications app's:
    `notifications.context_processors.unread_notifications`.)"""
    return {"LANGUAGES": settings.LANGUAGES}
