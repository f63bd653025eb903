"""Small presentation helpers for the incident pages: clocks, role labels, navigation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.choices import Role

from ..choices import TaskStatus
from ..permissions import may_file

register = template.Library()

# A clock turns amber when less than this remains.
SOON = datetime.timedelta(minutes=10)


def duration_text(delta: datetime.timedelta) -> str:
    """A short human duration: "12 min", "3 h 5 min", "2 d 4 h"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        if minutes:
            return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
        return _("%(h)d h") % {"h": hours}
    days, hours = divmod(hours, 24)
    if hours:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    return _("%(d)d d") % {"d": days}


def clock_state(task, now: datetime.datetime | None = None) -> tuple[str, str]:
    """(css class, text) of a task's clock."""
    now = now or timezone.now()
    if task.status == TaskStatus.WAITING:
        return "waiting", _("waits for an instruction")
    if task.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
        if task.due_at and task.completed_at and task.completed_at > task.due_at:
            late = duration_text(task.completed_at - task.due_at)
            return "late", _("finished %(duration)s late") % {"duration": late}
        return "done", ""
    if task.due_at is None:
        return "none", _("no deadline")
    remaining = task.due_at - now
    if remaining.total_seconds() < 0:
        # Round up: one second late is "overdue by 1 min", not "by 0 min".
        late = -remaining + datetime.timedelta(seconds=59)
        return "overdue", _("overdue by %(duration)s") % {"duration": duration_text(late)}
    text = _("%(duration)s left") % {"duration": duration_text(remaining)}
    return ("soon" if remaining < SOON else "ok"), text


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
def role_labels(roles) -> str:
    """Role codes as their translated names, in the order of the Role choices."""
    codes = set(roles or ())
    return ", ".join(str(label) for value, label in Role.choices if value in codes)


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes: str) -> str:
    """ "active" when the request path starts with one of `prefixes` ("/" matches only "/";
    "!/x/" excludes paths under /x/)."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    if any(p.startswith("!") and path.startswith(p[1:]) for p in prefixes):
        return ""
    for prefix in (p for p in prefixes if not p.startswith("!")):
        if (prefix == "/" and path == "/") or (prefix != "/" and path.startswith(prefix)):
            return "active"
    return ""


@register.filter
def yuan(value) -> str:
    """An amount in yuan with thousands separators: 50000 -> 50,000.00 ("" if none)."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def state_tone(state: str) -> str:
    if state in ("closed",):
        return "ok"
    if state in ("withdrawn",):
        return ""
    if state.startswith("returned"):
        return "warning"
    return "brand"


@register.filter
def task_tone(status: str) -> str:
    return {
        TaskStatus.DONE: "ok",
        TaskStatus.NOT_APPLICABLE: "",
        TaskStatus.WAITING: "info",
        TaskStatus.OPEN: "warning",
    }.get(status, "")


@register.simple_tag(takes_context=True)
def may_file_incidents(context) -> bool:
    """Whether the signed-in user may file incidents (branch tellers and managers)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return may_file(Actor.for_user(user))
