from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # ready(): the receivers and guards import the models, loaded only now.
        from clocks.sweep import register_subject_guard

        from . import clock_panels, events, task_clocks

        events.subscribe("level_entered", task_clocks.on_level_entered)
        events.subscribe("task_instructed", task_clocks.on_task_instructed)
        events.subscribe("task_finished", task_clocks.on_task_finished)
        events.subscribe("incident_transitioned", task_clocks.on_incident_transitioned)
        register_subject_guard("incidents.task", task_clocks.task_guard)
        clock_panels.register()
