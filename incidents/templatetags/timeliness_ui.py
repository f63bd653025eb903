"""What only the timeliness pages need (``{% load timeliness_ui %}``): a share as a percentage.

Durations, result badges and deadlines are the `chrome` library's (``|duration:"min"``,
``{% state_badge step.result "incidents.TimelinessResult" %}``, ``{% deadline %}``).
"""

from django import template

register = template.Library()


@register.filter
def percent(share) -> str:
    """0.8333 -> "83%"; "—" when nothing was judged."""
    return "—" if share is None else f"{share * 100:.0f}%"
