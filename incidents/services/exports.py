"""An export of the incident list is an access auditors care about: who took which
incidents out of the system, when, from where, with which filters."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record


def incident_export_record(
    *, actor: Actor, file_format: str, filters: dict[str, Any], numbers: list[str]
) -> None:
    """Audit one export: its format, the filters as given, how many incidents and which."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="incident.exported",
            target="incidents",
            data={
                "format": file_format,
                "filters": {k: v for k, v in filters.items() if v not in ("", None, [])},
                "rows": len(numbers),
                "numbers": numbers,
            },
        )
