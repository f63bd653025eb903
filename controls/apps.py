from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlsConfig(AppConfig):
    name = "controls"
    verbose_name = _("Account control")

    def ready(self) -> None:
        # Registrations with the apps below us. These imports are here, not at the top of the
        # file, because the modules import models, which Django allows only once every app is
        # loaded (that is, in ready()).
        # The incident page's panel and badges hooks:
        from incidents.panels import register_badges, register_next_actions, register_panel

        # Importing webhooks registers its "webhook" outbox handler:
        from . import webhooks  # noqa: F401
        from .next_actions import incident_next_actions
        from .panels import incident_badges, incident_panel_context

        register_panel(
            "controls",
            template="controls/_incident_panel.html",
            context=incident_panel_context,
            order=20,
        )
        register_badges("controls", incident_badges)
        register_next_actions("controls", incident_next_actions)

        # The escalation sweep asks our guards before escalating our clocks:
        from clocks.sweep import register_subject_guard

        from .clock_guards import assistance_guard, control_guard

        register_subject_guard("controls.controlrequest", control_guard)
        register_subject_guard("controls.assistancerequest", assistance_guard)

        # An account with a hold or a request on it stays in the case file:
        from incidents.row_guards import register_removal_guard

        from .panels import account_removal_objection

        register_removal_guard("controls", account_removal_objection)

        # The playbook steps our requests and their results do:
        from .step_records import register as register_step_records

        register_step_records()

        # Timeline sentences for our audit actions:
        from .timeline import register as register_timeline

        register_timeline()
