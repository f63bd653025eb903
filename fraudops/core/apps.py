from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fraudops.core"
    label = "core"
    verbose_name = _("Organisation and audit")

    def ready(self) -> None:
        # Imported for their side effects: the trusted-proxy system check and the sign-in
        # signal receivers that write the audit trail.
        from fraudops.core import proxies, sign_in_audit  # noqa: F401
