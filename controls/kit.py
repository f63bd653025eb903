"""Account control's own copies of helpers that several apps need (input parsing, saving a
guarded transition, stale-page checks, durations, bilingual rendering).

fraudops.core is growing one shared kit for these (issue 9, item 3). Until it lands, each
helper controls uses has exactly one definition here, so switching to the core one is a
change to this file (or to its importers' import lines) and nothing else. Keep behaviour
here as it is today: the rules differ slightly between apps (an amount here must be > 0).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from fraudops.core import chinese
from fraudops.core.errors import Conflict, InvalidInput

# --- input parsing ----------------------------------------------------------------------------


def text(value: Any, *, max_length: int) -> str:
    """An identifier or short label, folded (full-width forms to ASCII)."""
    return chinese.fold(str(value or "")).strip()[:max_length]


def prose(value: Any, *, max_length: int) -> str:
    """A reason, note or detail, kept as typed (Chinese punctuation, line breaks)."""
    return chinese.prose(value)[:max_length]


def amount(value: Any, *, field: str, required: bool) -> Decimal | None:
    """A positive amount in yuan with at most two decimals, or None when empty and not
    required; refused with a message naming `field`."""
    if value in (None, ""):
        if required:
            raise InvalidInput(fields={field: [_("This field is required.")]})
        return None
    try:
        parsed = Decimal(chinese.fold(str(value)).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            fields={field: [_("Enter an amount in yuan, for example 12000.50.")]}
        ) from None
    if parsed <= 0 or parsed != parsed.quantize(Decimal("0.01")) or parsed >= Decimal("1e14"):
        raise InvalidInput(
            fields={field: [_("Enter a positive amount in yuan with at most two decimals.")]}
        )
    return parsed


def moment(value: Any) -> datetime.datetime | None:
    """A date and time typed or sent (folded, ISO-like), made aware in the current zone; None
    when empty or unreadable (the caller names the field and the fix)."""
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(chinese.fold(str(value or "")).strip()) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# --- saving -----------------------------------------------------------------------------------


def save_or_conflict(obj, *, thread: str, action: str) -> None:
    """Save a django-fsm guarded row; someone who changed its state meanwhile is a Conflict."""
    try:
        obj.save()
    except ConcurrentTransition:
        raise Conflict(thread=thread, action=action) from None


def check_expected_state(control, expected_state: str | None, action: str) -> None:
    """Refuse a decision taken on a stale page (the form or API body sent the state it saw)."""
    if expected_state and control.state != expected_state:
        raise Conflict(
            _("Someone else decided this request at the same time: it is now “%(state)s”.")
            % {"state": control.get_state_display()},
            thread=control.incident.thread,
            action=action,
        )


# --- presentation -----------------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """Seconds as "42 s", "3 min 5 s" or "2 h 10 min" in the active language; "-" for none."""
    if seconds is None:
        return "-"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    if seconds < 3600:
        return _("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(h)d h %(m)d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}


def bilingual(message: str, params: Callable[[], dict]) -> tuple[str, str]:
    """`message` % params() in Chinese and in English (params are evaluated per language, so
    choice labels and unit names come out in that language)."""
    rendered = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            values = {key: str(value) for key, value in params().items()}
            rendered.append(gettext(message) % values)
    return rendered[0], rendered[1]
