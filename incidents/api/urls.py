from django.urls import path

from . import facts_views, views

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
        "incidents/<str:number>/timeline/",
        views.IncidentTimelineApi.as_view(),
        name="api-incident-timeline",
    ),
    path(
        "incidents/<str:number>/evidence/",
        views.EvidenceUploadApi.as_view(),
        name="api-incident-evidence",
    ),
    path(
        "incidents/<str:number>/facts/",
        facts_views.IncidentFactsApi.as_view(),
        name="api-incident-facts",
    ),
    path(
        "incidents/<str:number>/parties/",
        facts_views.PartiesApi.as_view(),
        name="api-incident-parties",
    ),
    path(
        "incidents/<str:number>/parties/<int:row_id>/",
        facts_views.PartyApi.as_view(),
        name="api-incident-party",
    ),
    path(
        "incidents/<str:number>/accounts/",
        facts_views.AccountsApi.as_view(),
        name="api-incident-accounts",
    ),
    path(
        "incidents/<str:number>/accounts/<int:row_id>/",
        facts_views.AccountApi.as_view(),
        name="api-incident-account",
    ),
    path(
        "incidents/<str:number>/vehicles/",
        facts_views.VehiclesApi.as_view(),
        name="api-incident-vehicles",
    ),
    path(
        "incidents/<str:number>/vehicles/<int:row_id>/",
        facts_views.VehicleApi.as_view(),
        name="api-incident-vehicle",
    ),
]
