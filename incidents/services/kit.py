"""Incidents' own copies of helpers that other apps copy too: input parsing (choice, amount,
date and time, text and prose) with field-named, translated errors, `save_or_conflict` and
`check_expected_state`.

They are kept here, in one place, so that the shared kit in `fraudops.core` (issue 9, item
3) can replace them in one step; until then their rules are incidents' own (an amount may be
0, not negative).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from fraudops.core import chinese
from fraudops.core.errors import Conflict, InvalidInput

from ..models import Incident


class Errors:
    """Field errors collected while cleaning input, raised together as InvalidInput."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def normalise(self, field: str, func, value):
        try:
            return func(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(field, message)
            return value

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(fields=self.fields)


def clean_choice(errors: Errors, field: str, value, choices, *, required=False, default=""):
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return default
    if value not in choices.values:
        errors.add(
            field,
            _("“%(value)s” is not a valid choice. Use one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
        )
    return value


def clean_amount(errors: Errors, field: str, value) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(chinese.fold(str(value)).replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter an amount in yuan, for example 12000.50."))
        return Decimal("0")
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e14"):
        errors.add(field, _("Enter a positive amount in yuan with at most two decimals."))
        return Decimal("0")
    return amount


def clean_datetime(errors: Errors, field: str, value, *, required=False):
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(chinese.fold(str(value)))
        if parsed is None:
            errors.add(field, _("Enter a date and time such as 2026-11-22 13:50."))
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def clean_text(
    errors: Errors, field: str, value, *, max_length: int, required=False, prose=False
) -> str:
    """A text field: identifiers and names folded (`chinese.fold`); prose (summaries,
    notes, step results) kept as typed, line breaks included (`chinese.prose`)."""
    text = chinese.prose(value) if prose else chinese.fold(str(value or ""))
    if required and not text:
        errors.add(field, _("This field is required."))
    if len(text) > max_length:
        errors.add(
            field,
            _("Shorten this to at most %(max)d characters.") % {"max": max_length},
        )
    return text


def check_expected_state(incident: Incident, expected_state: str | None, action: str) -> None:
    """Conflict (409) when the caller saw another state than the incident has now."""
    if expected_state and incident.state != expected_state:
        raise Conflict(
            _(
                "Someone else changed this incident at the same time: it is now “%(state)s”. "
                "Reload it and try again."
            )
            % {"state": incident.get_state_display()},
            thread=incident.thread,
            action=action,
        )


def save_or_conflict(incident: Incident, *, action: str) -> None:
    """Save a transitioned incident; Conflict (409) when its state changed under us."""
    try:
        incident.save()
    except ConcurrentTransition:
        raise Conflict(thread=incident.thread, action=action) from None
