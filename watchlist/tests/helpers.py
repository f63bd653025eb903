"""Helpers for tests that need watch-list entries (watchlist/tests and the cross-app
scenarios in tests/): entries are published through the real lifecycle, a sub-branch
monitor nominating and a head-office monitor approving. Test code only: production modules
never import it."""

from __future__ import annotations

from collections.abc import Callable

from fraudops.core.actors import Actor
from watchlist import services
from watchlist.models import Entry, Nomination


def nominate_entry(
    actor: Callable[[str], Actor],
    kind: str,
    data: dict,
    *,
    by: str = "monitor_bj",
    reason: str = "涉案收款人",
    **extra,
) -> Nomination:
    return services.nomination_create(actor=actor(by), kind=kind, data=data, reason=reason, **extra)


def publish_entry(
    actor: Callable[[str], Actor],
    kind: str,
    data: dict,
    *,
    by: str = "monitor_bj",
    approver: str = "ho_monitor",
    **extra,
) -> Entry:
    nomination = nominate_entry(actor, kind, data, by=by)
    return services.nomination_approve(
        actor=actor(approver), nomination_id=nomination.pk, reason="核实无误", **extra
    )
