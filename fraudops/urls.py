from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from fraudops.core.api.docs import ApiDocsRedocView, ApiDocsSwaggerView
from fraudops.core.api.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("fraudops.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiDocsRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", include("notifications.urls")),
    path("controls/", include("controls.urls")),
    path("watchlist/", include("watchlist.urls")),
    path("complaints/", include("complaints.urls")),
    path("comments/", include("comments.urls")),
    path("timeliness/", include("incidents.timeliness_urls")),
    path("incident-types/", include("workflows.urls")),
    path("", include("incidents.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
