from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # ready(): the guard and the panels import the models, loaded only now.
        from clocks.sweep import register_subject_guard

        from . import clock_panels, task_clocks

        register_subject_guard("incidents.task", task_clocks.task_guard)
        clock_panels.register()
