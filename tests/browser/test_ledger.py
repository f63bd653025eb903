"""In Chromium: a reversal of the whole loss executes (core banking confirms it twice); the
teller opens the incident and reads one ledger entry, the amount recovered and the outcome
"Fully recovered"; the sub-branch monitor sets the outcome by hand with a reason, and it
sticks on reload."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from controls.services import control_request_approve, instruction_confirm, reversal_request_create
from fraudops.core.actors import Actor
from fraudops.core.models import ApiClient
from incidents.services import incident_file
from tests.incident_data import filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ledger_shows_the_executed_reversal_and_the_outcome(bank, person, login, live_server):
    teller = Actor.for_user(person("teller_bj_hd"))
    incident = incident_file(actor=teller, data=filing(amount_lost="200000"))
    reversal = reversal_request_create(
        actor=teller,
        incident_id=incident.pk,
        remittance_reference="HK20261122135001",
        amount="200000",
        payee_account_number="6222000011112222333",
        remitted_at=timezone.now() - datetime.timedelta(minutes=40),
    )
    reversal = control_request_approve(
        actor=Actor.for_user(person("authoriser_bj")), control_id=reversal.pk
    )
    core = ApiClient(name="core-banking", unit=bank["HO"], scopes=ApiClient.all_scopes())
    core.issue_key()
    core.save()
    for _ in range(2):
        instruction_confirm(
            actor=Actor.for_client(core),
            instruction_id=reversal.instruction.pk,
            result="executed",
            reference="CB-RV-1",
        )

    page = login("teller_bj_hd", locale="en-GB")
    page.goto(f"{live_server.url}/incidents/{incident.number}/")
    ledger = page.locator('[data-testid="ledger"]')
    assert ledger.locator('[data-testid="ledger-entry"]').count() == 1
    assert "200,000.00" in ledger.locator('[data-testid="amount-recovered"]').inner_text()
    assert "Fully recovered" in ledger.locator('[data-testid="outcome"]').inner_text()
    assert reversal.number in ledger.inner_text()

    monitor = login("monitor_bj", locale="en-GB")
    monitor.goto(f"{live_server.url}/incidents/{incident.number}/#ledger")
    monitor.locator("summary", has_text="Set the outcome by hand").click()
    form = monitor.locator('[data-testid="outcome-set"]')
    form.locator("select[name=outcome]").select_option("unknown")
    form.locator("textarea[name=reason]").fill("警方仍在核实冲正资金")
    form.locator("button", has_text="Set the outcome").first.click()
    monitor.wait_for_load_state()
    monitor.reload()
    outcome = monitor.locator('[data-testid="outcome"]').inner_text()
    assert "Not yet known" in outcome and "警方仍在核实冲正资金" in outcome
