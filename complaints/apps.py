from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and petitions")

    def ready(self) -> None:
        # Registrations with the apps below us. Imported here, not at the top: the modules
        # import models, which Django allows only once every app is loaded (in ready()).
        from clocks.sweep import register_subject_guard
        from incidents.panels import register_home_panel, register_panel
        from incidents.timeline import register_timeline_action

        from . import comment_subject, hooks

        register_panel(
            "complaints",
            template="complaints/_incident_panel.html",
            context=hooks.incident_panel_context,
            order=60,
        )
        register_home_panel(
            "complaints",
            template="complaints/_home_panel.html",
            context=hooks.home_panel_context,
            order=50,
            marker=hooks.home_panel_marker,
        )
        register_subject_guard("complaints.complaint", hooks.reply_guard)
        for action, sentence in hooks.TIMELINE_SENTENCES.items():
            register_timeline_action(action, sentence)
        comment_subject.register()
