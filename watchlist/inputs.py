"""Input parsing of the watch list's services and CSV import: reasons and notes, dates, the
name-review threshold. Each raises `InvalidInput` naming the field, with a translated
message, and nothing is saved.

These are the watch list's own copies of helpers other apps have too; they are kept here,
in one place, so that the shared parsing kit of `fraudops.core` can replace them in one
step (same rules: a reason is prose, required unless said otherwise, at most MAX_REASON
characters; a date is today or later).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from fraudops.core import chinese
from fraudops.core.errors import InvalidInput

MAX_REASON = 2000
THRESHOLD_MIN = Decimal("0.50")
THRESHOLD_MAX = Decimal("1.00")


def reason_clean(value: str, *, field: str = "reason", required: bool = True) -> str:
    """Free text (a reason, a note) as typed: `chinese.prose`, then required and length."""
    text = chinese.prose(value)
    if required and not text:
        raise InvalidInput(fields={field: [_("Give a reason.")]})
    if len(text) > MAX_REASON:
        raise InvalidInput(
            fields={field: [_("Shorten this to at most %(max)d characters.") % {"max": MAX_REASON}]}
        )
    return text


def date_clean(
    value: Any, *, field: str, today: datetime.date, required: bool = False
) -> datetime.date | None:
    """A date (a `date`, a `datetime` or ISO text, folded first) that is today or later;
    None when empty and not required."""
    if value in (None, ""):
        if required:
            raise InvalidInput(fields={field: [_("This field is required.")]})
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            # Folded: a date typed on a Chinese keyboard (２０２７－０６－３０) is still a date.
            value = datetime.date.fromisoformat(chinese.fold(str(value)))
        except ValueError:
            raise InvalidInput(fields={field: [_("Enter a date such as 2027-06-30.")]}) from None
    if value < today:
        raise InvalidInput(fields={field: [_("Choose today or a later date.")]})
    return value


def threshold_clean(value: Any, *, field: str = "name_review_threshold") -> Decimal:
    """Head office's name-review threshold: a number from 0.50 to 1.00, two decimals."""
    try:
        threshold = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        threshold = None
    if threshold is None or not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
        raise InvalidInput(fields={field: [_("Enter a number from 0.50 to 1.00.")]})
    return threshold
