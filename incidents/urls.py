from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("changes/", views.home_changes, name="home_changes"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_file_start, name="incident_file_start"),
    path("incidents/new/<slug:type_code>/", views.incident_file, name="incident_file"),
    path("incidents/<str:number>/", views.incident_detail, name="incident_detail"),
    path("incidents/<str:number>/changes/", views.incident_changes, name="incident_changes"),
    path(
        "incidents/<str:number>/transition/",
        views.incident_transition,
        name="incident_transition",
    ),
    path("incidents/<str:number>/files/", views.evidence_upload, name="evidence_upload"),
    path(
        "incidents/<str:number>/files/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/done/",
        views.task_done,
        name="task_done",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/not-applicable/",
        views.task_not_applicable,
        name="task_not_applicable",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/instruct/",
        views.task_instruct,
        name="task_instruct",
    ),
]
