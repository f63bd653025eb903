"""In Chromium: a bad card number is named at its row and nothing is saved; corrected, the
incident is filed; a step is recorded with an uploaded file; the sub-branch monitor finds
the incident in their queue; the language switcher turns the labels English."""

from __future__ import annotations

import pytest

from incidents.choices import IncidentState, TaskStatus
from incidents.demo import TINY_PNG
from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_evidence(page, step_code: str) -> None:
    form = page.locator(f"form[data-testid=done-{step_code}]")
    for field in form.locator("input[type=text], textarea").all():
        if not field.input_value():
            mode = field.get_attribute("inputmode")
            # Amounts, then account and card numbers (this one is both), then phones.
            typed = {"decimal": "100.00", "numeric": "6222 0210 0011 2233 449"}
            field.fill(typed.get(mode, "+86 138 0013 8000" if mode == "tel" else "已处理"))
    for field in form.locator("input[type=datetime-local]").all():
        field.fill("2026-11-22T10:00")
    for select in form.locator("select").all():
        values = [o.get_attribute("value") for o in select.locator("option").all()]
        select.select_option(next(v for v in values if v))
    for upload in form.locator("input[type=file]").all():
        upload.set_input_files(
            {"name": "statement.png", "mimeType": "image/png", "buffer": TINY_PNG}
        )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_teller_fixes_a_bad_card_files_and_works_then_monitor_sees_it(login, live_server, bank):
    page = login("teller_bj_hd")
    page.goto(f"{live_server.url}/incidents/new/")
    page.click("a[data-type=telecom_fraud]")
    page.fill("textarea[name=summary]", "客户接到冒充公安的电话，网银转出 5 万元。")
    page.fill("input[name=amount_lost]", "50000")
    page.fill("input[name=parties-0-name]", "张秀兰")
    page.fill("input[name=parties-0-id_number]", "11010519491231002x")
    page.fill("input[name=parties-1-name]", "李强")
    page.select_option("select[name=accounts-0-kind]", "card")
    page.fill("input[name=accounts-0-number]", "6222 0200 0000 0000 001")
    page.select_option("select[name=accounts-0-opening_unit]", "BR-SH-PD")
    page.fill("input[name=vehicles-0-value]", "010-12345678")
    page.click("[data-formset=vehicles] [data-add-row]")  # JavaScript adds a row
    page.select_option("select[name=vehicles-1-kind]", "phishing_url")
    page.fill("input[name=vehicles-1-value]", "www.bank-verify.example.cn")
    page.locator("form[data-testid=filing-form] button[type=submit]").click()
    page.wait_for_load_state()

    assert "Luhn" in page.locator("[data-formset=accounts] .errorlist").inner_text()
    assert page.input_value("input[name=parties-0-name]") == "张秀兰"  # kept
    assert not Incident.objects.exists()
    page.screenshot(path="/tmp/ui-browser-filing-error.png", full_page=True)

    page.fill("input[name=accounts-0-number]", "6222 0200 0000 0000 000")
    page.locator("form[data-testid=filing-form] button[type=submit]").click()
    page.wait_for_load_state()
    number = page.locator("[data-testid=incident-number]").inner_text().strip()
    incident = Incident.objects.get(number=number)
    assert incident.accounts.get().opening_unit.code == "BR-SH-PD"
    assert incident.vehicles.count() == 2

    for code in ("police_report", "transaction_history", "phone_report"):
        _fill_evidence(page, code)
    statement = incident.tasks.get(step__code="transaction_history")
    assert statement.status == TaskStatus.DONE
    assert list(statement.evidence_files.values_list("field", flat=True)) == ["statement"]
    assert statement.evidence["payee_account"] == "6222021000112233449"
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    page.screenshot(path="/tmp/ui-browser-incident.png", full_page=True)

    monitor = login("monitor_bj")
    assert number in monitor.locator("[data-testid=task-queue]").inner_text()
    with monitor.expect_navigation():
        monitor.select_option("select[name=language]", "en")  # submits on change
    monitor.wait_for_load_state()
    assert "Steps for my unit, most urgent first" in monitor.content()
    assert "Log out" in monitor.content()
    monitor.goto(f"{live_server.url}/incidents/{number}/")
    _fill_evidence(monitor, "share_in_region")
    assert incident.tasks.get(step__code="share_in_region").status == TaskStatus.DONE
    assert "Sub-branch handling" in monitor.locator("[data-testid=incident-state]").inner_text()
