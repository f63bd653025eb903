from django.urls import path

from . import views

urlpatterns = [
    path("control-requests/", views.ControlRequestListApi.as_view(), name="api-control-list"),
    path(
        "control-requests/<str:number>/",
        views.ControlRequestDetailApi.as_view(),
        name="api-control",
    ),
    path(
        "control-requests/<str:number>/approve/",
        views.ControlRequestApproveApi.as_view(),
        name="api-control-approve",
    ),
    path(
        "control-requests/<str:number>/reject/",
        views.ControlRequestRejectApi.as_view(),
        name="api-control-reject",
    ),
    path(
        "control-requests/<str:number>/withdraw/",
        views.ControlRequestWithdrawApi.as_view(),
        name="api-control-withdraw",
    ),
    path(
        "control-requests/<str:number>/release/",
        views.ControlRequestReleaseApi.as_view(),
        name="api-control-release",
    ),
    path(
        "reversal-requests/",
        views.ReversalRequestCreateApi.as_view(),
        name="api-reversal-create",
    ),
    path(
        "assistance-requests/",
        views.AssistanceRequestListApi.as_view(),
        name="api-assistance-list",
    ),
    path(
        "assistance-requests/<int:pk>/acknowledge/",
        views.AssistanceAcknowledgeApi.as_view(),
        name="api-assistance-acknowledge",
    ),
    path(
        "freeze-instructions/",
        views.FreezeInstructionListApi.as_view(),
        name="api-instruction-list",
    ),
    path(
        "freeze-instructions/<int:pk>/",
        views.FreezeInstructionDetailApi.as_view(),
        name="api-instruction",
    ),
    path(
        "freeze-instructions/<int:pk>/confirm/",
        views.FreezeInstructionConfirmApi.as_view(),
        name="api-instruction-confirm",
    ),
    path(
        "control-timeliness/",
        views.ControlTimelinessApi.as_view(),
        name="api-control-timeliness",
    ),
]
