"""A real browser (Debian's Chromium through Playwright) against the live server: a teller
files a telecom-fraud incident and works the branch steps until it reaches the sub-branch;
the sub-branch monitor finds it in their queue and works a step; the pages switch language.
"""

from __future__ import annotations

import pytest

# Chromium and the live server come from tests/browser/conftest.py.
pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser(chromium):
    return chromium


def _login(browser, live_server, username: str, locale: str = "zh-CN"):
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "FraudOps-demo-2026")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    return page


def _complete(page, step_code: str) -> None:
    form = page.locator(f"form[data-testid=done-{step_code}]")
    for field in form.locator("input[type=text], textarea").all():
        if not field.input_value():
            field.fill("已处理")
    for field in form.locator("input[type=datetime-local]").all():
        if not field.input_value():
            field.fill("2026-11-22T10:00")
    for select in form.locator("select").all():
        if not select.input_value():
            values = [o.get_attribute("value") for o in select.locator("option").all()]
            select.select_option(next(v for v in values if v))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_teller_files_and_works_the_branch_steps_then_the_monitor_takes_over(
    browser, live_server, bank
):
    from incidents.choices import IncidentState
    from incidents.models import Incident

    page = _login(browser, live_server, "teller_bj_hd")
    page.goto(f"{live_server.url}/incidents/new/telecom_fraud/")
    page.fill("textarea[name=summary]", "客户被冒充公安的电话诱骗，通过网银转出 5 万元。")
    page.fill("input[name=amount_lost]", "50000")
    page.fill("input[name=parties-0-name]", "张秀兰")
    page.fill("input[name=parties-0-id_number]", "11010519491231002x")
    page.fill("input[name=parties-0-phone]", "138 0013 8000")
    page.fill("input[name=parties-1-name]", "李强")
    page.fill("input[name=accounts-0-number]", "6217000010001234567")
    page.locator("form[data-testid=filing-form] button[type=submit]").click()
    page.wait_for_load_state()

    number = page.locator("[data-testid=incident-number]").inner_text().strip()
    incident = Incident.objects.get(number=number)
    assert incident.parties.get(name="张秀兰").id_number == "11010519491231002X"
    assert incident.state == IncidentState.BRANCH_HANDLING
    page.screenshot(path="/tmp/fraudops-e2e-incident.png", full_page=True)

    for code in ("police_report", "transaction_history"):
        _complete(page, code)
    # The phone report is the branch manager's; the manager sends the incident up.
    manager = _login(browser, live_server, "manager_bj_hd")
    manager.goto(f"{live_server.url}/incidents/{number}/")
    _complete(manager, "phone_report")
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING

    monitor = _login(browser, live_server, "monitor_bj")
    monitor.goto(f"{live_server.url}/")
    assert number in monitor.locator("[data-testid=task-queue]").inner_text()
    monitor.goto(f"{live_server.url}/incidents/{number}/")
    _complete(monitor, "share_in_region")
    share = incident.tasks.get(step__code="share_in_region")
    assert share.status == "done"
    assert "incident.reported_up" in [e["action"] for e in incident_timeline(incident)]


def incident_timeline(incident):
    from incidents.selectors import incident_timeline as timeline

    return timeline(incident=incident).values("action")


@pytest.mark.django_db(transaction=True)
def test_pages_follow_the_language_chosen(browser, live_server, bank):
    page = _login(browser, live_server, "teller_bj_hd", locale="en-US")
    page.goto(f"{live_server.url}/incidents/new/")
    english = page.content()
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.goto(f"{live_server.url}/incidents/new/")
    chinese = page.content()
    assert "Telecom fraud" in english
    assert "电信欺诈" in chinese
