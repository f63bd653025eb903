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
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render

from .errors import DomainError

__all__ = [
    "LIVE_HEADER",
    "is_live_refresh",
    "live_render",
    "marker_response",
    "refusal_message",
    "refusal_to_message",
]

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


def marker_response(
    request: HttpRequest, marker: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """A change-marker endpoint's answer (docs/live-updates.md): 304 Not Modified when the
    caller already has `marker` (``If-None-Match`` or ``?since=``), else 200 with it as
    JSON (plus `extra`, e.g. the header's unread count) and as the ETag. Never cached: the
    marker is the freshness check."""
    etag = f'"{marker}"'
    known = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in known or f"W/{etag}" in known or request.GET.get("since") == marker:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = JsonResponse({"marker": marker, **(extra or {})})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


# static/js/live.js sends this header when an open page fetches a fresh copy of itself.
LIVE_HEADER = "X-Fraudops-Live"


def is_live_refresh(request: HttpRequest) -> bool:
    return request.headers.get(LIVE_HEADER) == "1"


def live_render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a live page. A live refresh (the open page re-fetching itself) leaves the
    messages for the person's next real visit; the page is never served from a cache."""
    response = render(request, template, context)
    storage = messages.get_messages(request)
    if is_live_refresh(request) and not isinstance(storage, list):
        storage.used = False
    response["Cache-Control"] = "no-cache, private"
    return response
