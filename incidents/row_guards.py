"""Objections to removing a row from the case file, from the apps above incidents.

Removing a party, account or fraud vehicle after filing (`services.facts`) asks every guard
first, with the incident's row locked: `guard(kind, row) -> message | None`, where `kind` is
"party", "account" or "vehicle". A message refuses the removal as a conflict, in the user's
language, and nothing changes (account control: an account with a hold or a request on it
stays until that is released or withdrawn). Apps register from their AppConfig.ready() with
`register_removal_guard(name, guard)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RemovalGuard = Callable[[str, Any], "str | None"]

_guards: dict[str, RemovalGuard] = {}


def register_removal_guard(name: str, guard: RemovalGuard) -> None:
    _guards[name] = guard


def removal_objection(kind: str, row: Any) -> str | None:
    """The first objection to removing `row` (a `kind` of the case file), or None."""
    for guard in _guards.values():
        message = guard(kind, row)
        if message:
            return message
    return None
