from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = _("Account control")

    def ready(self) -> None:
        from incidents.panels import register_badges, register_panel

        from . import webhooks  # noqa: F401 - registers the "webhook" outbox handler
        from .panels import incident_badges, incident_panel_context

        register_panel(
            "controls",
            template="controls/_incident_panel.html",
            context=incident_panel_context,
            order=20,
        )
        register_badges("controls", incident_badges)

        from clocks.sweep import register_subject_guard

        from .clock_guards import assistance_guard, control_guard

        register_subject_guard("controls.controlrequest", control_guard)
        register_subject_guard("controls.assistancerequest", assistance_guard)

        from .timeline import register as register_timeline

        register_timeline()
