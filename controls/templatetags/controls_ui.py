"""Small helpers for the account-control pages: durations, clocks, amounts, state tones."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from fraudops.core.templatetags.chrome import yuan as incident_yuan

from ..choices import ControlState
from ..kit import duration_text

register = template.Library()

_TONES = {
    ControlState.REQUESTED: "warning",
    ControlState.FIRST_APPROVED: "warning",
    ControlState.APPROVED: "info",
    ControlState.SENT: "info",
    ControlState.EXECUTED: "ok",
    ControlState.REJECTED: "danger",
    ControlState.FAILED: "danger",
}


@register.filter
def control_tone(state: str) -> str:
    return _TONES.get(state, "")


@register.filter
def duration(seconds) -> str:
    """Seconds as "42 s", "3 min 5 s" or "2 h 10 min"; "—" when not reached yet."""
    if seconds is None or seconds == "":
        return "—"
    return duration_text(float(seconds))


@register.filter
def yuan(amount) -> str:
    """incidents' amount format, with a dash for no amount."""
    return incident_yuan(amount) or "—"


@register.inclusion_tag("controls/_clock.html")
def control_clock(due_at: datetime.datetime | None, running: bool = True):
    """A deadline: overdue (red), within five minutes (amber) or comfortable."""
    if due_at is None or not running:
        return {"due_at": None}
    left = (due_at - timezone.now()).total_seconds()
    if left < 0:
        tone, text = "overdue", _("overdue by %(t)s") % {"t": duration_text(-left)}
    elif left < 300:
        tone, text = "soon", _("%(t)s left") % {"t": duration_text(left)}
    else:
        tone, text = "ok", _("%(t)s left") % {"t": duration_text(left)}
    return {"due_at": due_at, "tone": tone, "text": text}
