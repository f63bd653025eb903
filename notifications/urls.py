from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark-read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("unread/", views.unread_changes, name="unread-changes"),
    path("settings/", views.preferences, name="preferences"),
]
