"""Refusals of the playbook services and models."""

from django.utils.translation import gettext_lazy as _

from fraudops.core.errors import Conflict


class PlaybookInUse(Conflict):
    """Incidents follow this version: its steps are frozen (copy it as a new version)."""

    default_code = "playbook_in_use"
    default_message = _(
        "Incidents use this playbook version, so its steps cannot be changed. "
        "Copy it as a new version and edit that one."
    )
