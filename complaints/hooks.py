"""What complaints plug into the apps below them (registered in `apps.py`): a panel on the
incident page, a block on the home queue, the reply clock's sweep guard and the incident
timeline's sentences for links."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fraudops.core.actors import Actor

from . import selectors
from .choices import REPLY_OWED_STATES
from .models import Complaint
from .permissions import may_file


def incident_panel_context(incident: Any, actor: Actor) -> dict | None:
    """The complaints linked to this incident that the actor sees, with state and reply
    deadline (one query); hidden when there are none."""
    complaints = selectors.incident_complaints(incident_id=incident.pk, actor=actor)
    if not complaints:
        return None
    return {"complaints": complaints}


def home_panel_context(actor: Actor) -> dict | None:
    """Open complaints in the actor's subtree, nearest deadline first (one query)."""
    complaints = selectors.home_complaints(actor=actor)
    if not complaints and not may_file(actor):
        return None
    return {"complaints": complaints, "may_file_complaint": may_file(actor)}


def home_panel_marker(actor: Actor) -> tuple[list[tuple], list[str]]:
    return selectors.home_complaints_marks(actor=actor)


def reply_guard(ids: list[int]) -> dict[int, bool]:
    """The sweep's check: a complaint's reply clock runs while the reply is owed. Rows being
    changed right now are skipped and looked at by the next sweep."""
    rows = (
        Complaint.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .values_list("pk", "state")
    )
    return {pk: state in REPLY_OWED_STATES for pk, state in rows}


def _linked(event: Any, context: dict) -> str:
    return _("Complaint %(number)s linked to this incident.") % {"number": event.target}


def _unlinked(event: Any, context: dict) -> str:
    reason = (event.after or {}).get("reason", "")
    return _("Complaint %(number)s unlinked: %(reason)s") % {
        "number": event.target,
        "reason": reason,
    }


TIMELINE_SENTENCES = {"complaint.linked": _linked, "complaint.unlinked": _unlinked}
