from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    """Deadlines on any subject and their escalation. Generic: the apps above start and stop
    clocks through `clocks.services` and tell the sweep about their subjects with
    `clocks.sweep.register_subject_guard`; a clock's titles and link, given by the app that
    starts it, are all the escalation notices say about the subject."""

    name = "clocks"
    verbose_name = _("Clocks and escalations")

    def ready(self) -> None:
        # Registers the escalation notices' outbox handler (ready(): the models are loaded).
        from . import notices  # noqa: F401
