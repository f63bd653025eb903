"""ControlRequestFactory requests through the real service."""

from __future__ import annotations

from controls.choices import ControlKind, ControlState
from controls.models import AssistanceRequest

from .factories import ControlRequestFactory


def test_a_hold_in_the_own_region_awaits_that_region_s_approval(bank):
    control = ControlRequestFactory()
    assert control.state == ControlState.REQUESTED
    assert control.kind == ControlKind.STOP_PAYMENT
    assert control.approving_unit == bank["SB-BJ"]
    assert control.number


def test_a_hold_in_another_region_asks_that_region_for_assistance(bank):
    control = ControlRequestFactory(kind=ControlKind.FREEZE, opening_unit="BR-SH-PD")
    assert control.approving_unit == bank["SB-SH"]
    assert AssistanceRequest.objects.filter(incident=control.incident).exists()
