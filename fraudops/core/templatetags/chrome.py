"""The page chrome every template may load (``{% load chrome %}``; `base.html` does):
durations, amounts, deadlines, state badges, role labels and the main navigation.

The rules behind each filter are in `fraudops.core.formats`, `fraudops.core.badges` and
`fraudops.core.nav`; the pagination block is ``{% include "includes/pagination.html" %}``.
"""

from __future__ import annotations

import datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from fraudops.core import badges, formats, nav

register = template.Library()

_UNITS = {"s": "second", "min": "minute"}


@register.filter
def duration(value, unit: str = "s") -> str:
    """A duration as "3 min 5 s" (see `formats.duration_text`); "—" when there is none.

    `value` is a timedelta or a number of seconds; ``|duration:"min"`` reads a number of
    minutes and shows whole minutes."""
    if value is None or value == "":
        return formats.DASH
    if unit not in _UNITS:
        raise template.TemplateSyntaxError(f"duration: unit must be 's' or 'min', not {unit!r}")
    if unit == "min" and not isinstance(value, datetime.timedelta):
        value = round(float(value)) * 60
    return formats.duration_text(value, precision=_UNITS[unit])


@register.filter
def yuan(value) -> str:
    """An amount in yuan with thousands separators: 50000 -> 50,000.00 ("" if none)."""
    return formats.yuan_text(value)


@register.simple_tag
def deadline(due_at, running: bool = True, testid: str = "", show_time: bool = False):
    """A deadline, coloured: red once overdue, amber when it is soon (see
    `formats.deadline_state`); nothing when there is none or it no longer runs."""
    if due_at is None or not running:
        return ""
    tone, text = formats.deadline_state(due_at)
    local = timezone.localtime(due_at)
    title = _("due %(time)s") % {"time": local.strftime("%Y-%m-%d %H:%M")}
    if show_time:
        text = f"{text} · {local.strftime('%H:%M')}"
    if testid:
        return format_html(
            '<span class="clock {}" data-testid="{}" title="{}">{}</span>',
            tone,
            testid,
            title,
            text,
        )
    return format_html('<span class="clock {}" title="{}">{}</span>', tone, title, text)


@register.simple_tag
def live_source(url: str, marker: str, query: str = ""):
    """Where a live page asks whether it changed (static/js/live.js; docs/live-updates.md):
    ``{% live_source changes_url live_marker %}`` in the page's content; `query` carries the
    list's filters and page (``query=request.GET.urlencode``)."""
    if query:
        url = f"{url}?{query}"
    return format_html(
        '<div hidden data-live-source="{}" data-live-marker="{}" data-live-poll="{}"'
        ' data-live-notice="{}" data-live-refresh="{}"></div>',
        url,
        marker,
        settings.FRAUDOPS_LIVE_POLL_MS,
        _("Someone else changed this while you were typing here: refresh to see it."),
        _("Refresh"),
    )


@register.simple_tag
def state_badge(value, choices: str, testid: str = ""):
    """A value of a `TextChoices` as a badge in its declared colour (`fraudops.core.badges`):
    ``{% state_badge incident.state "incidents.IncidentState" testid="incident-state" %}``."""
    colour = badges.colour_of(choices, value)
    label = badges.choice_label(choices, value)
    if testid:
        return format_html(
            '<span class="badge {}" data-testid="{}">{}</span>', colour, testid, label
        )
    return format_html('<span class="badge {}">{}</span>', colour, label)


@register.filter
def colour(value, choices: str) -> str:
    """The declared colour of a choice value (for markup `state_badge` does not fit)."""
    return badges.colour_of(choices, value)


@register.filter
def choice_label(value, choices: str) -> str:
    return badges.choice_label(choices, value)


@register.filter
def role_labels(roles) -> str:
    """Role codes as their translated names (`formats.roles_text`)."""
    return formats.roles_text(roles)


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes: str) -> str:
    """ "active" when the request path starts with one of `prefixes` ("/" matches only "/";
    "!/x/" excludes paths under /x/)."""
    request = context.get("request")
    if request is None:
        return ""
    return "active" if nav.is_active(request.path, prefixes) else ""


@register.inclusion_tag("includes/nav.html", takes_context=True)
def main_nav(context):
    """The main navigation (settings' ``FRAUDOPS_NAV``), for the signed-in person."""
    request = context.get("request")
    return {"links": nav.nav_links(request) if request is not None else []}
