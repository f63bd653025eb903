"""What pages do with a refusal: one message in the user's language, naming the fields.

A view calls a service; when the service refuses (a `DomainError`), nothing changed and the
person is told why on the page they return to::

    try:
        control_request_approve(actor=actor, ...)
    except DomainError as error:
        refusal_to_message(request, error, labels=FIELD_LABELS, form=form)
    return redirect(...)

The rule: the refusal's message, then each field at fault as "label: message", joined with
"; ". A field the bound `form` has gets its errors on the form instead (shown beside the
input). The label is `labels[field]` (a mapping or a function of the field key) or, without
one, the field key itself (``accounts[0].amount``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError

__all__ = ["refusal_message", "refusal_to_message"]

Labels = Mapping[str, Any] | Callable[[str], Any] | None


def _label(key: str, labels: Labels) -> str:
    if callable(labels):
        return str(labels(key))
    if labels and key in labels:
        return str(labels[key])
    return key


def refusal_message(
    error: DomainError, *, labels: Labels = None, form: forms.BaseForm | None = None
) -> str:
    """The refusal as one sentence (fields the `form` has are put on the form instead)."""
    details: list[str] = []
    for key, errors in (error.fields or {}).items():
        if form is not None and key in form.fields:
            for message in errors:
                form.add_error(key, str(message))
            continue
        label = _label(key, labels)
        details.extend(f"{label}: {message}" for message in errors)
    text = str(error.message)
    if details:
        text = f"{text} {'; '.join(details)}"
    return text


def refusal_to_message(
    request: HttpRequest,
    error: DomainError,
    *,
    labels: Labels = None,
    form: forms.BaseForm | None = None,
) -> None:
    """Show `error` as the page's error message (see the module for the rule)."""
    messages.error(request, refusal_message(error, labels=labels, form=form))
