from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = _("Account control")

    def ready(self) -> None:
        # Registrations with the apps below us. Imported here, not at the top: these modules
        # import models, which the app registry allows only once every app is loaded.
        from incidents.panels import register_badges, register_panel  # incident page hooks

        from . import webhooks  # noqa: F401 - importing it registers the "webhook" outbox handler
        from .panels import incident_badges, incident_panel_context  # imports models

        register_panel(
            "controls",
            template="controls/_incident_panel.html",
            context=incident_panel_context,
            order=20,
        )
        register_badges("controls", incident_badges)

        from workflows.sweep import register_subject_guard  # the sweep's registry (imports models)

        from .clock_guards import assistance_guard, control_guard  # imports models

        register_subject_guard("controls.controlrequest", control_guard)
        register_subject_guard("controls.assistancerequest", assistance_guard)

        from .timeline import register as register_timeline  # imports models

        register_timeline()
