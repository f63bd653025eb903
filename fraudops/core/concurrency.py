"""Two people acting at once: one succeeds, the other gets a `Conflict` that says what changed.

- `save_or_conflict(instance)` saves a model that uses django_fsm's `ConcurrentTransitionMixin`
  (its UPDATE carries ``WHERE state = <the state it was loaded in>``): when someone else
  moved the row meanwhile, django_fsm raises `ConcurrentTransition`, which becomes the
  project's `Conflict` (409), on the object's audit thread.
- `check_expected_state(obj=..., expected=...)` refuses, before anything changes, a request
  made against a state the object has since left (the page's hidden ``expected_state``, the
  API's ``expected_state``), naming the state it is in now.

Both are called inside the service's `atomic()`, after the row is locked.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from .errors import Conflict, InvalidInput

__all__ = ["check_expected_state", "save_or_conflict"]


def _thread(obj: Any, thread: str | None) -> str:
    return getattr(obj, "thread", "") if thread is None else thread


def save_or_conflict(
    instance: models.Model,
    *,
    thread: str | None = None,
    action: str = "",
    message: Any = None,
    **save_kwargs: Any,
) -> None:
    """`instance.save(**save_kwargs)`; a concurrent transition raises `Conflict`.

    `thread` defaults to the instance's own `thread` attribute (e.g. ``incident:42``);
    `message` to Conflict's "Someone else changed this at the same time ..."."""
    try:
        instance.save(**save_kwargs)
    except ConcurrentTransition:
        raise Conflict(message, thread=_thread(instance, thread), action=action) from None


def check_expected_state(
    *,
    obj: models.Model,
    expected: str | None,
    field: str = "state",
    message: Any = None,
    thread: str | None = None,
    action: str = "",
) -> None:
    """Refuse with `Conflict` when `expected` is given and `obj.<field>` is no longer it.

    `message` is a format string with ``%(state)s`` (the current state's label); the default
    says "Someone else changed this at the same time: it is now “…”. Reload it and try
    again."
    """
    if not expected or getattr(obj, field) == expected:
        return
    display = getattr(obj, f"get_{field}_display", None)
    state = display() if callable(display) else getattr(obj, field)
    text = message or _(
        "Someone else changed this at the same time: it is now “%(state)s”. "
        "Reload it and try again."
    )
    raise Conflict(str(text) % {"state": state}, thread=_thread(obj, thread), action=action)


def parse_expected_revision(value: Any) -> int | None:
    """The revision of an object that the person edited, as a form or a request sent it
    (None: not given, no check); anything but a whole number 0 or more is refused on the
    field `expected_revision`."""
    if value is None or value == "":
        return None
    try:
        revision = int(value)
    except (TypeError, ValueError):
        revision = -1
    if revision < 0:
        raise InvalidInput(
            fields={"expected_revision": [_("Give the revision of what you edited.")]}
        )
    return revision
