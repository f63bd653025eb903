"""Helpers for the watch-list tests: publish entries through the real services."""

from __future__ import annotations

import pytest

from watchlist import services


@pytest.fixture
def nominate(actor):
    def make(kind: str, data: dict, *, by: str = "monitor_bj", reason: str = "涉案收款人", **extra):
        return services.nomination_create(
            actor=actor(by), kind=kind, data=data, reason=reason, **extra
        )

    return make


@pytest.fixture
def publish(actor, nominate):
    """Nominate (a sub-branch monitor) and approve (head office): the real lifecycle."""

    def make(
        kind: str, data: dict, *, by: str = "monitor_bj", approver: str = "ho_monitor", **extra
    ):
        nomination = nominate(kind, data, by=by)
        return services.nomination_approve(
            actor=actor(approver), nomination_id=nomination.pk, reason="核实无误", **extra
        )

    return make
