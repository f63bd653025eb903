"""The one rule behind every app's permission vocabulary: `check_may_<verb>` raises the
refusal with its message; `may_<verb>` is `allowed(check_may_<verb>, ...)`, so a button is
shown exactly when the service would accept the click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import DomainError


def allowed(check: Callable[..., None], *args: Any, **kwargs: Any) -> bool:
    """Whether `check(*args, **kwargs)` passes: how every `may_*` derives from its check."""
    try:
        check(*args, **kwargs)
    except DomainError:
        return False
    return True
