from django.urls import path

from . import timeliness_views as views

# The namespace it had when the page lived in workflows: URL names stay the same.
app_name = "workflows"

urlpatterns = [
    path("", views.timeliness, name="timeliness"),
]
