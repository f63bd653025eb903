"""The issue's example end to end: 200,000 lost, a reversal of 200,000 executed and
confirmed by core banking twice: one ledger entry, 200,000 recovered, fully recovered."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from controls.services import control_request_approve, reversal_request_create
from fraudops.core.models import AuditEvent
from incidents import services
from incidents.choices import Outcome
from incidents.models import Incident

from .incident_data import filing

pytestmark = pytest.mark.django_db


def _confirm(core_banking, instruction_id):
    return core_banking.post(
        f"/api/v1/freeze-instructions/{instruction_id}/confirm/",
        {"result": "executed", "reference": "CB-RV-20261122-1"},
        format="json",
    )


def test_an_executed_reversal_confirmed_twice_recovers_once_and_reads_fully_recovered(
    actor, core_banking
):
    incident = services.incident_file(
        actor=actor("teller_bj_hd"), data=filing(amount_lost="200,000")
    )
    assert incident.outcome == Outcome.FUNDS_LOST
    reversal = reversal_request_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        remittance_reference="HK20261122135001",
        amount="200000",
        payee_account_number="6222000011112222333",
        remitted_at=timezone.now() - datetime.timedelta(minutes=40),
    )
    reversal = control_request_approve(actor=actor("authoriser_bj"), control_id=reversal.pk)
    first = _confirm(core_banking, reversal.instruction.pk)
    second = _confirm(core_banking, reversal.instruction.pk)
    assert (first.status_code, second.status_code) == (200, 200)

    incident = Incident.objects.get(pk=incident.pk)
    [entry] = incident.ledger_entries.all()
    assert (entry.kind, entry.source, entry.amount, entry.reference) == (
        "recovery",
        "reversal_executed",
        200000,
        reversal.number,
    )
    assert incident.amount_recovered == 200000
    assert incident.outcome == Outcome.FULLY_RECOVERED and not incident.outcome_set_by_hand
    assert AuditEvent.objects.filter(action="incident.ledger_entry_added").count() == 1
    read = core_banking.get(f"/api/v1/incidents/{incident.number}/ledger/").json()
    assert read["outcome"] == "fully_recovered" and read["amount_recovered"] == "200000.00"
