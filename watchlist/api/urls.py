from django.urls import path

from . import views

urlpatterns = [
    # Core banking calls it without a trailing slash (issue 5); both forms work.
    path("screening", views.ScreeningApi.as_view(), name="api-screening"),
    path("screening/", views.ScreeningAliasApi.as_view()),
    path("watchlist/changes", views.ChangeFeedApi.as_view(), name="api-watchlist-changes"),
    path("watchlist/changes/", views.ChangeFeedAliasApi.as_view()),
    path("watchlist/entries/", views.EntryListApi.as_view(), name="api-watchlist-entries"),
    path("watchlist/entries/<int:entry_id>", views.EntryDetailAliasApi.as_view()),
    path(
        "watchlist/entries/<int:entry_id>/",
        views.EntryDetailApi.as_view(),
        name="api-watchlist-entry",
    ),
    path(
        "watchlist/nominations/",
        views.NominationListApi.as_view(),
        name="api-watchlist-nominations",
    ),
    path(
        "watchlist/nominations/<int:nomination_id>/decision/",
        views.NominationDecisionApi.as_view(),
        name="api-watchlist-nomination-decision",
    ),
]
