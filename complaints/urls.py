from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("<str:number>/", views.complaint_detail, name="detail"),
    path("<str:number>/investigation/", views.investigate, name="investigate"),
    path("<str:number>/review/", views.review, name="review"),
    path("<str:number>/documents/", views.document_upload, name="document-upload"),
    path(
        "<str:number>/documents/<int:document_id>/",
        views.document_download,
        name="document-download",
    ),
    path("<str:number>/reply/", views.draft, name="draft"),
    path("<str:number>/reply/sign-off/", views.sign_off, name="sign-off"),
    path("<str:number>/reply/send/", views.send, name="send"),
    path("<str:number>/close/", views.close, name="close"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:number>/incidents/link/", views.link, name="link"),
    path("<str:number>/incidents/unlink/", views.unlink, name="unlink"),
]
