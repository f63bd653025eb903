from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<slug:key>/<str:reference>/", views.comment_add, name="add"),
    path("<slug:key>/<str:reference>/<int:comment_id>/edit/", views.comment_edit, name="edit"),
    path(
        "<slug:key>/<str:reference>/<int:comment_id>/retract/",
        views.comment_retract,
        name="retract",
    ),
    path(
        "<slug:key>/<str:reference>/<int:comment_id>/history/",
        views.comment_history,
        name="history",
    ),
    path(
        "<slug:key>/<str:reference>/<int:comment_id>/files/<int:file_id>/",
        views.comment_file_download,
        name="file",
    ),
]
