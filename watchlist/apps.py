from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistConfig(AppConfig):
    name = "watchlist"
    verbose_name = _("Watch list")

    def ready(self) -> None:
        from incidents import events, panels
        from workflows.sweep import register_subject_guard

        from . import incidents

        events.subscribe("incident_filed", incidents.on_incident_filed)
        panels.register_panel(
            "watchlist",
            template="watchlist/_incident_panel.html",
            context=incidents.panel_context,
            order=40,
        )
        panels.register_badges("watchlist", incidents.badges)
        register_subject_guard("watchlist.nomination", incidents.nomination_guard)
