from django.urls import path

from . import views

P = "complaints/<str:number>/"

urlpatterns = [
    path("complaints/", views.ComplaintListApi.as_view(), name="api-complaint-list"),
    path(P, views.ComplaintDetailApi.as_view(), name="api-complaint"),
    path(f"{P}incidents/link/", views.ComplaintLinkApi.as_view(), name="api-complaint-link"),
    path(f"{P}incidents/unlink/", views.ComplaintUnlinkApi.as_view(), name="api-complaint-unlink"),
    path(
        f"{P}investigation/",
        views.ComplaintInvestigationApi.as_view(),
        name="api-complaint-investigation",
    ),
    path(f"{P}review/", views.ComplaintReviewApi.as_view(), name="api-complaint-review"),
    path(f"{P}reply/", views.ComplaintReplyDraftApi.as_view(), name="api-complaint-reply"),
    path(f"{P}reply/sign-off/", views.ComplaintSignOffApi.as_view(), name="api-complaint-sign-off"),
    path(f"{P}reply/send/", views.ComplaintSendApi.as_view(), name="api-complaint-send"),
    path(f"{P}outcome/", views.ComplaintOutcomeApi.as_view(), name="api-complaint-outcome"),
    path(f"{P}withdraw/", views.ComplaintWithdrawApi.as_view(), name="api-complaint-withdraw"),
]

# The complaint's internal discussion: the comments app's views, keyed by subject.
urlpatterns += [
    path(
        "complaints/<str:reference>/comments/",
        views.ComplaintCommentListApi.as_view(),
        {"key": "complaint"},
        name="api-complaint-comment-list",
    ),
    path(
        "complaints/<str:reference>/comments/<int:comment_id>/",
        views.ComplaintCommentDetailApi.as_view(),
        {"key": "complaint"},
        name="api-complaint-comment",
    ),
]
