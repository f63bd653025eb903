"""factory_boy factories for account control, through the real services: a hold request
is `control_requests_create` on an incident filed through `incident_file`, so it has its
number, its approving region, its clock and its audit row.

    ControlRequestFactory()                     # stop-payment on a Beijing-held payee account
    ControlRequestFactory(kind=ControlKind.FREEZE, requester="teller_bj_cy")
    ControlRequestFactory(incident=incident, account=incident.accounts.get(number=...))
    ControlRequestFactory(opening_unit="BR-SH-PD")  # held in another region: assistance

Needs the demo bank (`bank` fixture) for the default people.
"""

from __future__ import annotations

from typing import Any

import factory

from controls.choices import ControlKind
from controls.models import ControlRequest
from controls.services import control_requests_create
from incidents.tests.factories import AccountData, IncidentFactory, as_actor


class ControlRequestFactory(factory.Factory):
    """A hold (stop-payment or freeze) on one account of an incident.

    With no `incident`, files one at the requester's branch whose payee account is held
    at `opening_unit` (default: BR-BJ-CY, the requester's own region)."""

    class Meta:
        model = ControlRequest

    requester: Any = "teller_bj_hd"
    kind = ControlKind.STOP_PAYMENT
    opening_unit = "BR-BJ-CY"
    incident = factory.LazyAttribute(
        lambda o: IncidentFactory(
            filer=o.requester,
            accounts=[AccountData(opening_unit=o.opening_unit, holder_name="李强", party=1)],
        )
    )
    account = factory.LazyAttribute(
        lambda o: o.incident.accounts.get(opening_unit__code=o.opening_unit)
    )
    amount = None
    reason = ""

    @classmethod
    def _build(cls, model_class: type[ControlRequest], *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Control requests are made through the service: use create().")

    @classmethod
    def _create(
        cls,
        model_class: type[ControlRequest],
        *args: Any,
        requester: Any,
        kind: str,
        opening_unit: str,
        incident: Any,
        account: Any,
        amount: Any,
        reason: str,
    ) -> ControlRequest:
        target: dict[str, Any] = {"account": account.pk}
        if amount is not None:
            target["amount"] = amount
        [control] = control_requests_create(
            actor=as_actor(requester),
            incident_id=incident.pk,
            kind=kind,
            targets=[target],
            reason=reason,
        )
        return control
