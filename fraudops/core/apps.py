from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from .sessions import session_signed_in


class CoreConfig(AppConfig):
    name = "fraudops.core"
    label = "core"
    verbose_name = _("Organisation and audit")

    def ready(self) -> None:
        # Imported for their side effects: the trusted-proxy system check and the sign-in
        # signal receivers that write the audit trail.
        from fraudops.core import proxies, sign_in_audit  # noqa: F401

        # Session timeouts count from the sign-in (fraudops.core.sessions).
        user_logged_in.connect(session_signed_in, dispatch_uid="fraudops.core.sessions.signed_in")
