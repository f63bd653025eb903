"""In Chromium, the case file growing with the investigation, end to end (issue 10): a teller
files a T1 on the filing page and then adds the second payee account the transaction history
shows; the sub-branch monitor, who has the incident open, sees it appear within 2 seconds
without a reload; a reversal of the whole loss executes (core banking confirms it twice) and
the monitor's open page shows the recovery on the ledger and the outcome "Fully recovered";
the case summary prints to PDF from the browser and the PDF's text holds the incident number
and both payee accounts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from controls.services import control_request_approve, instruction_confirm, reversal_request_create
from fraudops.core.actors import Actor
from fraudops.core.models import ApiClient
from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 2000  # another unit's change shows on an open page within 2 seconds
FIRST_PAYEE = "6217000010001234567"
SECOND_PAYEE = "6217000010009876543"


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def _file_t1(page, base_url: str) -> Incident:
    page.goto(f"{base_url}/incidents/new/telecom_fraud/")
    page.fill(
        "textarea[name=summary]", "客户接到冒充公安的电话，按对方指示向“安全账户”转账二十万元。"
    )
    page.fill("input[name=amount_lost]", "200000")
    page.fill("input[name=parties-0-name]", "张秀兰")
    page.fill("input[name=accounts-0-number]", FIRST_PAYEE)
    page.select_option("select[name=accounts-0-opening_unit]", "BR-SH-PD")
    _submit(page, page.locator("form[data-testid=filing-form] button[type=submit]"))
    number = page.get_by_test_id("incident-number").inner_text().strip()
    return Incident.objects.get(number=number)


def test_the_case_file_grows_and_every_open_page_sees_it(bank, person, login, live_server):
    teller = login("teller_bj_hd", locale="en-GB")
    incident = _file_t1(teller, live_server.url)
    assert list(incident.accounts.values_list("number", flat=True)) == [FIRST_PAYEE]
    incident_url = f"{live_server.url}/incidents/{incident.number}/"

    # The sub-branch monitor has the incident open.
    monitor = login("monitor_bj", locale="en-GB")
    monitor.goto(incident_url)
    accounts = monitor.locator("table[data-testid=accounts]")
    assert SECOND_PAYEE not in accounts.inner_text()

    # The teller adds the second payee account the transaction history shows.
    teller.goto(incident_url)
    teller.click("#accounts a[href$='/accounts/add/']")
    teller.select_option("select[name=role]", "payee")
    teller.select_option("select[name=kind]", "account")
    teller.fill("input[name=number]", "6217 0000 1000 9876 543")
    _submit(teller, teller.locator("form[data-testid=facts-form] button[type=submit]"))
    assert SECOND_PAYEE in teller.locator("table[data-testid=accounts]").inner_text()

    # The monitor's page shows it within 2 s, without a reload.
    monitor.wait_for_function(
        "number => document.querySelector('table[data-testid=accounts]').innerText"
        ".includes(number)",
        arg=SECOND_PAYEE,
        timeout=LIVE_MS,
    )
    assert monitor.evaluate("() => performance.getEntriesByType('navigation').length") == 1

    # A reversal of the whole loss is approved and executed; core banking confirms twice.
    reversal = reversal_request_create(
        actor=Actor.for_user(person("teller_bj_hd")),
        incident_id=incident.pk,
        remittance_reference="HK20261202101500",
        amount="200000",
        payee_account_number=FIRST_PAYEE,
        remitted_at=timezone.now() - datetime.timedelta(minutes=20),
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
            reference="CB-RV-20261202",
        )

    # The monitor's open page shows the recovery on the ledger and the outcome.
    ledger = monitor.locator('[data-testid="ledger"]')
    monitor.wait_for_function(
        "() => document.querySelector('[data-testid=outcome]').innerText"
        ".includes('Fully recovered')",
        timeout=LIVE_MS,
    )
    assert ledger.locator('[data-testid="ledger-entry"]').count() == 1
    assert "200,000.00" in ledger.locator('[data-testid="amount-recovered"]').inner_text()
    assert reversal.number in ledger.inner_text()
    incident.refresh_from_db()
    assert incident.outcome == "fully_recovered"
    assert incident.amount_recovered == 200000

    # The case summary prints to PDF from the browser; the PDF's text holds the number and
    # both payee accounts.
    monitor.goto(incident_url)
    monitor.click("[data-testid=case-summary-link]")
    monitor.wait_for_load_state()
    monitor.emulate_media(media="print")
    pdf = monitor.pdf(format="A4", print_background=False)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    for expected in (incident.number, FIRST_PAYEE, SECOND_PAYEE):
        assert expected in compact, expected
