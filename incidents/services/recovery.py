"""Money coming back to the victim, recorded on the incident."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record

from ..models import Incident


def incident_record_recovery(
    *, actor: Actor, incident: Incident, amount: Decimal, source: str
) -> Incident:
    """Money came back to the victim (an executed reversal; `source` names it): add
    `amount` to the incident's amount recovered, audited on its thread. Called inside the
    caller's transaction, with the incident's row already locked by it."""
    before = incident.amount_recovered
    incident.amount_recovered = before + amount
    Incident.objects.filter(pk=incident.pk).update(
        amount_recovered=incident.amount_recovered, updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="incident.recovered",
        thread=incident.thread,
        target=source,
        before={"amount_recovered": before},
        after={"amount_recovered": incident.amount_recovered},
        data={"amount": amount, "source": source},
    )
    return incident
