"""/api/v1/: each app contributes its urls; later apps (watch list, account control) add
theirs here."""

from django.urls import include, path

from fraudops.core.api.views import OrgUnitListApi
from workflows.api.views import (
    IncidentTypeListApi,
    PlaybookDetailApi,
    PlaybookListApi,
    PlaybookPublishApi,
)

urlpatterns = [
    path("playbooks/", PlaybookListApi.as_view(), name="api-playbook-list"),
    path("playbooks/<slug:code>/", PlaybookDetailApi.as_view(), name="api-playbook"),
    path("incident-types/", IncidentTypeListApi.as_view(), name="api-incident-type-list"),
    path(
        "incident-types/<slug:code>/playbooks/",
        PlaybookPublishApi.as_view(),
        name="api-incident-type-publish",
    ),
    path("org-units/", OrgUnitListApi.as_view(), name="api-org-unit-list"),
    path("", include("incidents.api.timeliness_urls")),
    path("", include("incidents.api.urls")),
    path("", include("controls.api.urls")),
    path("", include("watchlist.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("comments.api.urls")),
]
