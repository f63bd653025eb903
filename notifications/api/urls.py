from django.urls import path

from .views import (
    NotificationListApi,
    NotificationMarkReadApi,
    NotificationPreferencesApi,
    NotificationUnreadCountApi,
)

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="api-notification-list"),
    path(
        "notifications/unread-count/",
        NotificationUnreadCountApi.as_view(),
        name="api-notification-unread-count",
    ),
    path("notifications/read/", NotificationMarkReadApi.as_view(), name="api-notification-read"),
    path(
        "notifications/preferences/",
        NotificationPreferencesApi.as_view(),
        name="api-notification-preferences",
    ),
]
