from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Playbooks and clocks")

    def ready(self) -> None:
        from incidents import events

        from . import incident_ui, task_clocks
        from .sweep import register_subject_guard

        events.subscribe("level_entered", task_clocks.on_level_entered)
        events.subscribe("task_instructed", task_clocks.on_task_instructed)
        events.subscribe("task_finished", task_clocks.on_task_finished)
        events.subscribe("incident_transitioned", task_clocks.on_incident_transitioned)
        register_subject_guard("incidents.task", task_clocks.task_guard)
        incident_ui.register()
