from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.IncidentListApi.as_view(), name="api-incident-list"),
    path("incidents/<str:number>/", views.IncidentDetailApi.as_view(), name="api-incident"),
    path(
        "incidents/<str:number>/transitions/",
        views.IncidentTransitionApi.as_view(),
        name="api-incident-transition",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/result/",
        views.TaskResultApi.as_view(),
        name="api-task-result",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/reopen/",
        views.TaskReopenApi.as_view(),
        name="api-task-reopen",
    ),
    path(
        "incidents/<str:number>/timeline/",
        views.IncidentTimelineApi.as_view(),
        name="api-incident-timeline",
    ),
    path(
        "incidents/<str:number>/evidence/",
        views.EvidenceUploadApi.as_view(),
        name="api-incident-evidence",
    ),
]
