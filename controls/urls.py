from django.urls import path

from . import views

app_name = "controls"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("changes/", views.queue_changes, name="queue-changes"),
    path("requests/<str:number>/", views.request_detail, name="request-detail"),
    path("requests/<str:number>/approve/", views.approve, name="approve"),
    path("requests/<str:number>/reject/", views.reject, name="reject"),
    path("requests/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/<str:number>/release/", views.release, name="release"),
    path("requests/<str:number>/authorise/", views.authorise, name="authorise"),
    path("requests/<str:number>/review/", views.review, name="review"),
    path("incidents/<str:number>/request/", views.incident_request, name="incident-request"),
    path("incidents/<str:number>/reversal/", views.incident_reversal, name="incident-reversal"),
    path(
        "incidents/<str:number>/immediate-stop/",
        views.incident_immediate_stop,
        name="incident-immediate-stop",
    ),
    path("assistance/<int:pk>/", views.assistance_detail, name="assistance-detail"),
    path(
        "assistance/<int:pk>/acknowledge/",
        views.assistance_acknowledge,
        name="assistance-acknowledge",
    ),
]
