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
        "incidents/<str:number>/timeline/",
        views.IncidentTimelineApi.as_view(),
        name="api-incident-timeline",
    ),
    path(
        "incidents/<str:number>/ledger/",
        views.IncidentLedgerApi.as_view(),
        name="api-incident-ledger-list",
    ),
    path(
        "incidents/<str:number>/ledger/<int:entry_id>/void/",
        views.LedgerEntryVoidApi.as_view(),
        name="api-incident-ledger-void",
    ),
    path(
        "incidents/<str:number>/amount-lost/",
        views.IncidentAmountLostApi.as_view(),
        name="api-incident-amount-lost",
    ),
    path(
        "incidents/<str:number>/outcome/",
        views.IncidentOutcomeApi.as_view(),
        name="api-incident-outcome",
    ),
    path(
        "incidents/<str:number>/evidence/",
        views.EvidenceUploadApi.as_view(),
        name="api-incident-evidence",
    ),
]
