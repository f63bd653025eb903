from django.urls import path

from . import views

app_name = "watchlist"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("entries/<int:entry_id>/review/", views.entry_review, name="entry_review"),
    path("review/", views.review_list, name="review_list"),
    path("review/changes/", views.review_changes, name="review_changes"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("nominations/", views.nomination_list, name="nomination_list"),
    path("nominations/changes/", views.nomination_changes, name="nomination_changes"),
    path("nominations/new/", views.nomination_new, name="nomination_new"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination_detail"),
    path(
        "nominations/<int:nomination_id>/decide/",
        views.nomination_decide,
        name="nomination_decide",
    ),
    path(
        "nominations/<int:nomination_id>/withdraw/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(
        "incidents/<str:number>/nominate/",
        views.nominate_from_incident,
        name="nominate_from_incident",
    ),
    path("screening/", views.screening_page, name="screening"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/status.json", views.import_status, name="import_status"),
    path("imports/<int:job_id>/errors.csv", views.import_errors, name="import_errors"),
]
