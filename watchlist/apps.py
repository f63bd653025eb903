from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistConfig(AppConfig):
    name = "watchlist"
    verbose_name = _("Watch list")

    def ready(self) -> None:
        # Imported here, not at the top: registrations need every app's models loaded, which
        # is only true once Django calls ready().
        from clocks.sweep import register_subject_guard
        from incidents import events, panels
        from incidents.timeline import register_timeline_action

        from . import (
            incident_hooks,
            step_records,
            tasks,  # noqa: F401 - registers the import's outbox handler (tasks._relay_import)
        )

        events.subscribe(events.IncidentEvent.FILED, incident_hooks.on_incident_filed)
        panels.register_panel(
            "watchlist",
            template="watchlist/_incident_panel.html",
            context=incident_hooks.panel_context,
            order=40,
        )
        panels.register_badges("watchlist", incident_hooks.badges)
        register_subject_guard("watchlist.nomination", incident_hooks.nomination_guard)
        step_records.register()
        for action, sentence in incident_hooks.TIMELINE_SENTENCES.items():
            register_timeline_action(action, sentence)
