from django.urls import path

from .timeliness_views import IncidentTimelinessApi, UnitTimelinessApi

urlpatterns = [
    path(
        "incidents/<str:number>/timeliness/",
        IncidentTimelinessApi.as_view(),
        name="api-incident-timeliness",
    ),
    path("timeliness/", UnitTimelinessApi.as_view(), name="api-timeliness"),
]
