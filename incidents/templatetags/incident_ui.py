"""Presentation helpers of the incident pages: a task's clock, per-task lookups.

The page chrome (durations, amounts, role labels, navigation, state badges) is the `chrome`
library's (`fraudops.core.templatetags.chrome`); the filters below that share its names are
re-exported from it so incident templates that load only this library keep working.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from fraudops.core import badges, formats
from fraudops.core.templatetags.chrome import nav_active, role_labels, yuan

from ..choices import TaskStatus

register = template.Library()
register.filter("yuan", yuan)
register.filter("role_labels", role_labels)
register.simple_tag(nav_active, takes_context=True, name="nav_active")

__all__ = ["clock_state", "duration_text", "register", "yuan"]


def duration_text(delta: datetime.timedelta) -> str:
    """A task's duration in whole minutes ("12 min", "3 h 5 min", "2 d 4 h")."""
    return formats.duration_text(max(delta, datetime.timedelta(0)), precision="minute")


def clock_state(task, now: datetime.datetime | None = None) -> tuple[str, str]:
    """(css class, text) of a task's clock."""
    if task.status == TaskStatus.WAITING:
        return "waiting", _("waits for an instruction")
    if task.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
        if task.due_at and task.completed_at and task.completed_at > task.due_at:
            late = duration_text(task.completed_at - task.due_at)
            return "late", _("finished %(duration)s late") % {"duration": late}
        return "done", ""
    if task.due_at is None:
        return "none", _("no deadline")
    return formats.deadline_state(task.due_at, now=now)


@register.simple_tag
def clock(task):
    """The time remaining or overdue on a task, coloured: red when overdue."""
    css, text = clock_state(task)
    if not text:
        return ""
    title = ""
    if task.due_at:
        local = timezone.localtime(task.due_at)
        title = _("due %(time)s") % {"time": local.strftime("%Y-%m-%d %H:%M")}
    return format_html('<span class="clock {}" title="{}">{}</span>', css, title, text)


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def state_tone(state: str) -> str:
    """The incident state's badge colour (declared in incidents/choices.py)."""
    return badges.colour_of("incidents.IncidentState", state)


@register.filter
def task_tone(status: str) -> str:
    """The task status's badge colour (declared in incidents/choices.py)."""
    return badges.colour_of("incidents.TaskStatus", status)
