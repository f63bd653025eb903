from django.urls import path

from . import views

# The incident's comments; a complaint's are the same views with {"key": "complaint"}.
urlpatterns = [
    path(
        "incidents/<str:reference>/comments/",
        views.CommentListApi.as_view(),
        {"key": "incident"},
        name="api-incident-comment-list",
    ),
    path(
        "incidents/<str:reference>/comments/<int:comment_id>/",
        views.CommentDetailApi.as_view(),
        {"key": "incident"},
        name="api-incident-comment",
    ),
]
