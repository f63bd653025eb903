from django.conf import settings


def fraudops(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        counter = getattr(request, "unread_notifications", None)
        unread = counter() if callable(counter) else 0
    return {"LANGUAGES": settings.LANGUAGES, "unread_notifications": unread}
