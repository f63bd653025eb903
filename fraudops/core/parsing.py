"""Input parsing for services: one rule per kind of value, refusals named by field.

Every parser takes the raw value (from a form, a JSON body, the admin or a CSV row) and the
`field` it came in, and returns the clean value or raises `InvalidInput` with
``fields={field: [message]}``: a translated sentence (in the active language) that says what
is wrong and how to fix it. Values typed on Chinese keyboards are folded first (full-width
digits, ideographic spaces), so ``１２０００．５０`` is an amount and ``２０２７－０６－３０``
a date.

A service that reports every bad field at once, rather than the first, collects them::

    errors = FieldErrors()
    amount = errors.collect(parse_amount, raw.get("amount"), field="amount", fallback=None)
    when = errors.collect(parse_datetime, raw.get("when"), field="when", required=True)
    errors.raise_if_any()

The rules:

- **amount** (`parse_amount`): yuan with at most two decimals, below 10^14, thousands
  separators allowed. It must be **greater than zero** unless ``allow_zero=True`` (amounts
  lost or recovered, which are zero when nothing was); negative amounts are always refused.
  Empty: ``default`` (None), or "required" when ``required=True``.
- **date** (`parse_date`): ISO ``YYYY-MM-DD``; an aware datetime counts as its local date.
  ``not_before`` (normally today, in the user's zone) refuses earlier dates.
- **datetime** (`parse_datetime`): ISO ``YYYY-MM-DD HH:MM[:SS]`` (``T`` allowed, offset
  optional); a time without an offset is read in the user's zone (the active time zone).
  Always returns an aware datetime.
- **text** (`parse_text`): identifiers and short labels, folded (`chinese.fold`).
- **prose** (`parse_prose`): reasons, notes, summaries, kept as typed (`chinese.prose`:
  Chinese punctuation and line breaks stay).
- **choice** (`parse_choice`): one of a `TextChoices` class's values.

Text that is too long is refused (never silently cut), naming the limit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast, overload

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateparse, timezone
from django.utils.translation import gettext as _

from . import chinese
from .errors import InvalidInput

__all__ = [
    "AMOUNT_LIMIT",
    "FieldErrors",
    "is_empty",
    "parse_amount",
    "parse_choice",
    "parse_date",
    "parse_datetime",
    "parse_prose",
    "parse_text",
    "parse_with",
    "refuse",
]

T = TypeVar("T")
F = TypeVar("F")

#: Amounts are stored as DECIMAL(16, 2): anything from 10^14 up does not fit.
AMOUNT_LIMIT = Decimal("1e14")
_CENT = Decimal("0.01")


def is_empty(value: Any) -> bool:
    """None, "" or only whitespace: nothing was given."""
    return value is None or (isinstance(value, str) and not value.strip())


def refuse(field: str, message: Any) -> InvalidInput:
    """The refusal of one field (a translated message); raise it."""
    return InvalidInput(fields={field: [str(message)]})


def _required(field: str, message: Any = None) -> InvalidInput:
    return refuse(field, message or _("This field is required."))


def parse_amount(
    value: Any,
    *,
    field: str,
    required: bool = False,
    allow_zero: bool = False,
    default: Decimal | None = None,
) -> Decimal | None:
    """An amount in yuan: > 0 (>= 0 with `allow_zero`), at most two decimals, below 10^14."""
    if is_empty(value):
        if required:
            raise _required(field)
        return default
    try:
        amount = Decimal(chinese.fold(str(value)).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise refuse(field, _("Enter an amount in yuan, for example 12000.50.")) from None
    if (
        not amount.is_finite()
        or amount < 0
        or (amount == 0 and not allow_zero)
        or amount != amount.quantize(_CENT)
        or amount >= AMOUNT_LIMIT
    ):
        raise refuse(field, _("Enter a positive amount in yuan with at most two decimals."))
    return amount


def parse_date(
    value: Any,
    *,
    field: str,
    required: bool = False,
    not_before: datetime.date | None = None,
) -> datetime.date | None:
    """A calendar date (ISO, folded). `not_before` is meant to be today (the user's local
    date): earlier dates are refused with "Choose today or a later date"."""
    if is_empty(value):
        if required:
            raise _required(field)
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(chinese.fold(str(value)))
        except ValueError:
            raise refuse(field, _("Enter a date such as 2027-06-30.")) from None
    if not_before is not None and value < not_before:
        raise refuse(field, _("Choose today or a later date."))
    return cast(datetime.date, value)  # a date by now: converted above, or refused


def parse_datetime(
    value: Any,
    *,
    field: str,
    required: bool = False,
    message: Any = None,
) -> datetime.datetime | None:
    """A date and time, always aware: without an offset it is read in the active time zone
    (the user's). `message` replaces the generic "Enter a date and time such as ..."."""
    if is_empty(value):
        if required:
            raise _required(field)
        return None
    if isinstance(value, datetime.datetime):
        parsed: datetime.datetime | None = value
    else:
        try:
            parsed = dateparse.parse_datetime(chinese.fold(str(value)))
        except ValueError:  # well formed but not a real date or time (2026-02-30)
            parsed = None
    if parsed is None:
        raise refuse(field, message or _("Enter a date and time such as 2026-11-22 13:50."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _check_length(text: str, *, field: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        raise refuse(field, _("Shorten this to at most %(max)d characters.") % {"max": max_length})
    return text


def parse_text(
    value: Any,
    *,
    field: str,
    max_length: int | None = None,
    required: bool = False,
    required_message: Any = None,
) -> str:
    """An identifier, name or short label: folded (full-width forms to ASCII, one space)."""
    text = chinese.fold(str(value if value is not None else ""))
    if required and not text:
        raise _required(field, required_message)
    return _check_length(text, field=field, max_length=max_length)


def parse_prose(
    value: Any,
    *,
    field: str,
    max_length: int | None = None,
    required: bool = False,
    required_message: Any = None,
) -> str:
    """A reason, note or summary, kept as typed (`chinese.prose`)."""
    text = chinese.prose(value)
    if required and not text:
        raise _required(field, required_message)
    return _check_length(text, field=field, max_length=max_length)


def parse_choice(
    value: Any,
    *,
    field: str,
    choices: type[models.TextChoices],
    required: bool = False,
    default: str = "",
) -> str:
    """One of `choices`' values (the stored code, not the label)."""
    if is_empty(value):
        if required:
            raise _required(field)
        return default
    if value not in choices.values:
        raise refuse(
            field,
            _("“%(value)s” is not a valid choice. Use one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
        )
    return str(value)


def parse_with(normalise: Callable[[Any], T], value: Any, *, field: str) -> T:
    """Run one of `fraudops.core.chinese`'s normalisers (or any function raising Django's
    ValidationError) and name the field in its refusal."""
    try:
        return normalise(value)
    except ValidationError as exc:
        raise InvalidInput(fields={field: [str(m) for m in exc.messages]}) from None


class FieldErrors:
    """Collects refusals from several parsers so that one InvalidInput names every field."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def merge(self, error: InvalidInput) -> None:
        for field, messages in error.fields.items():
            for message in messages:
                self.add(field, message)

    @overload
    def collect(self, parse: Callable[..., T], *args: Any, fallback: F, **kwargs: Any) -> T | F: ...

    @overload
    def collect(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None: ...

    def collect(
        self, parse: Callable[..., T], *args: Any, fallback: Any = None, **kwargs: Any
    ) -> Any:
        """`parse(*args, **kwargs)`, or `fallback` after noting its refusal."""
        try:
            return parse(*args, **kwargs)
        except InvalidInput as exc:
            self.merge(exc)
            return fallback

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(fields=self.fields)
