from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fraudops.core"
    label = "core"
    verbose_name = _("Organisation and audit")

    def ready(self) -> None:
        # Imported here, not at module level: the sign-in signal's receiver (session
        # timeouts) must be connected once the app registry is ready.
        from . import sessions  # noqa: F401
