from django import template
from django.utils.translation import gettext as _

from ..choices import TimelinessResult

register = template.Library()

RESULT_TONES = {
    "on_time": "ok",
    "late": "warning",
    "overdue": "danger",
    "pending": "info",
    "no_deadline": "",
}


@register.filter
def minutes_span(value) -> str:
    """12.5 -> "13 min"; 135 -> "2 h 15 min"; 3000 -> "2 d 2 h"."""
    if value is None or value == "":
        return "—"
    minutes = round(float(value))
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return sign + _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return sign + _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return sign + _("%(m)d min") % {"m": mins}


@register.filter
def result_tone(result: str) -> str:
    return RESULT_TONES.get(result, "")


@register.filter
def result_label(result: str) -> str:
    try:
        return str(TimelinessResult(result).label)
    except ValueError:
        return result


@register.filter
def percent(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"
