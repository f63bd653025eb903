"""How durations, deadlines and amounts read, on every page and in every sentence.

- **Durations** (`duration_text`): the two largest units, the smaller one always shown so
  a figure reads as exact: ``42 s``, ``3 min 5 s``, ``4 min 0 s``, ``3 h 0 min``,
  ``47 h 59 min``, then days from 48 hours (``2 d 4 h``). With ``precision="minute"``
  (deadlines, timeliness in minutes) seconds are dropped: ``0 min``, ``15 min``. Values are
  truncated to the precision, never rounded up; a negative duration gets a minus sign;
  None reads "—".
- **Deadlines** (`deadline_state`): ``overdue`` once the deadline has passed (the lateness
  rounded up to the next minute: one second late is "overdue by 1 min"), ``soon`` when less
  than `DEADLINE_SOON` remains (the ``FRAUDOPS_DEADLINE_SOON_MINUTES`` setting, 10 minutes by
  default), ``ok`` otherwise; the text is "15 min left" or "overdue by 5 min".
- **Roles** (`roles_text`): role codes as their translated names, in the order of the
  `Role` choices, joined with 、 in Chinese and ", " in English; an unknown code shows as
  it is, after the known ones.
- **Amounts** (`yuan_text`): yuan with thousands separators and two decimals
  (``50,000.00``); "" when there is no amount.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Role
from .i18n import is_chinese

__all__ = [
    "DASH",
    "deadline_soon",
    "deadline_state",
    "duration_text",
    "roles_text",
    "yuan_text",
]

DASH = "—"
_TWO_DAYS = 48 * 3600


def _seconds(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return float(value)


def duration_text(value: Any, *, precision: str = "second") -> str:
    """A duration (a timedelta or a number of seconds) as "3 min 5 s" (see the module)."""
    seconds = _seconds(value)
    if seconds is None:
        return DASH
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    if precision == "minute":
        total -= total % 60
    elif precision != "second":
        raise ValueError(f"precision must be 'second' or 'minute', not {precision!r}")
    minutes, secs = divmod(total, 60)
    hours, mins = divmod(minutes, 60)
    if total < 60 and precision == "second":
        text = _("%(s)d s") % {"s": secs}
    elif total < 3600:
        if precision == "minute":
            text = _("%(m)d min") % {"m": mins}
        else:
            text = _("%(m)d min %(s)d s") % {"m": mins, "s": secs}
    elif total < _TWO_DAYS:
        text = _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    else:
        days, hours = divmod(hours, 24)
        text = _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    return sign + text


def deadline_soon() -> datetime.timedelta:
    """How close a deadline turns amber (``FRAUDOPS_DEADLINE_SOON_MINUTES``, default 10)."""
    return datetime.timedelta(
        minutes=float(getattr(settings, "FRAUDOPS_DEADLINE_SOON_MINUTES", 10))
    )


def deadline_state(
    due_at: datetime.datetime, *, now: datetime.datetime | None = None
) -> tuple[str, str]:
    """(tone, text) of a running deadline: ("overdue", "overdue by 5 min"), ("soon",
    "8 min left") or ("ok", "2 h 0 min left")."""
    remaining = due_at - (now or timezone.now())
    if remaining.total_seconds() < 0:
        # Round up: one second late is "overdue by 1 min", not "by 0 min".
        late = -remaining + datetime.timedelta(seconds=59)
        text = duration_text(late, precision="minute")
        return "overdue", _("overdue by %(duration)s") % {"duration": text}
    text = _("%(duration)s left") % {"duration": duration_text(remaining, precision="minute")}
    return ("soon" if remaining < deadline_soon() else "ok"), text


def yuan_text(value: Any) -> str:
    """An amount in yuan with thousands separators: 50000 -> "50,000.00" ("" if none)."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (TypeError, ValueError, ArithmeticError):
        return ""


def roles_text(codes: Any) -> str:
    """Role codes as their translated names (see the module's docstring)."""
    given = [str(code) for code in codes or ()]
    known = [str(label) for value, label in Role.choices if value in given]
    unknown = [code for code in given if code not in Role.values]
    return ("、" if is_chinese() else ", ").join([*known, *unknown])
