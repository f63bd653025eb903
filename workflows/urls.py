from django.urls import path

from . import views

urlpatterns = [
    path("", views.incident_type_list, name="incident_type_list"),
    path("new/", views.incident_type_new, name="incident_type_new"),
    path("<slug:code>/publish/", views.incident_type_publish, name="incident_type_publish"),
    path(
        "<slug:code>/playbook.yaml",
        views.incident_type_playbook_yaml,
        name="incident_type_playbook_yaml",
    ),
]
