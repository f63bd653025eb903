"""In Chromium (issue 11, items 2 and 3): head office adds an incident type on its page (a
schema problem in the YAML is named on the playbook field and nothing is saved), and a
teller files it at once on the filing page; a customer-safety event is filed without any
fraud field and closed at the branch by its manager."""

from __future__ import annotations

import pytest

from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.services import task_complete
from tests.test_customer_safety import EVIDENCE
from tests.test_incident_types import PLAYBOOK_YAML, TYPE
from workflows.models import IncidentType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_office_adds_a_type_on_its_page_and_a_teller_files_it(login, live_server, bank):
    page = login("ho_monitor", locale="en-GB")
    page.goto(f"{live_server.url}/incident-types/")
    assert "customer_safety" in page.locator("[data-testid=incident-types]").inner_text()
    page.click("[data-testid=new-type]")
    # Start from a shipped playbook: the textarea is filled with its YAML.
    page.click("[data-testid=template-impostor_customer]")
    assert "refuse_business" in page.input_value("textarea[name=playbook]")
    for name in ("code", "name_zh", "name_en", "description_zh", "description_en"):
        page.fill(f"[name={name}]", TYPE[name])
    page.select_option("select[name=group]", TYPE["group"])
    broken = PLAYBOOK_YAML.replace("owner_role: sub_branch_monitor", "owner_role: janitor")
    page.fill("textarea[name=playbook]", broken)
    page.locator("form[data-testid=incident-type-form] button[type=submit]").click()
    page.wait_for_load_state()
    errors = page.locator("[data-testid=errors-playbook]").inner_text()
    assert "step sub_branch/record_case: owner_role: 'janitor'" in errors
    assert page.input_value("[name=code]") == "counterfeit_cash"  # kept
    assert not IncidentType.objects.filter(code="counterfeit_cash").exists()
    page.screenshot(path="/tmp/ui-browser-incident-type-error.png", full_page=True)

    page.fill("textarea[name=playbook]", PLAYBOOK_YAML)
    page.locator("form[data-testid=incident-type-form] button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator("tr[data-type=counterfeit_cash]").inner_text()
    assert "v1" in row and "Added by head office" in row
    page.screenshot(path="/tmp/ui-browser-incident-types.png", full_page=True)

    teller = login("teller_bj_hd")
    teller.goto(f"{live_server.url}/incidents/new/")
    teller.click("a[data-type=counterfeit_cash]")
    teller.fill("textarea[name=summary]", "客户存入现金中发现两张假币，柜员当面收缴。")
    teller.fill("input[name=parties-0-name]", "王五")
    teller.locator("form[data-testid=filing-form] button[type=submit]").click()
    teller.wait_for_load_state()
    number = teller.locator("[data-testid=incident-number]").inner_text().strip()
    incident = Incident.objects.get(number=number)
    assert incident.incident_type_id == "counterfeit_cash"
    assert incident.state == IncidentState.BRANCH_HANDLING
    assert incident.playbook.version == 1
    assert set(incident.tasks.values_list("step__code", flat=True)) == {
        "confiscate_notes",
        "report_sub_branch",
    }


def test_a_card_left_in_an_atm_is_filed_without_fraud_fields_and_closed_at_the_branch(
    login, live_server, bank
):
    teller = login("teller_bj_hd")
    teller.goto(f"{live_server.url}/incidents/new/")
    teller.click("a[data-type=customer_safety]")
    assert teller.locator("[name=amount_lost]").count() == 0
    assert teller.locator("[name=fraud_script]").count() == 0
    teller.fill("textarea[name=summary]", "大堂经理巡视发现ATM处于受理状态，客户卡片遗留在插槽内。")
    teller.fill("input[name=accounts-0-number]", "6222 0210 0011 2233 449")
    teller.locator("form[data-testid=filing-form] button[type=submit]").click()
    teller.wait_for_load_state()
    number = teller.locator("[data-testid=incident-number]").inner_text().strip()
    incident = Incident.objects.get(number=number)
    assert incident.accounts.get().number == "6222021000112233449"

    people = {u.username: Actor.for_user(u) for u in User.objects.filter(unit__code="BR-BJ-HD")}
    for task in incident.tasks.select_related("step").order_by("order"):
        who = "manager_bj_hd" if task.owner_role == "branch_manager" else "teller_bj_hd"
        task_complete(actor=people[who], task_id=task.pk, evidence=EVIDENCE[task.step.code])

    manager = login("manager_bj_hd")
    manager.goto(f"{live_server.url}/incidents/{number}/")
    manager.on("dialog", lambda dialog: dialog.accept())
    close = manager.locator("[data-testid=transitions] input[value=close]")
    close.locator("xpath=..").locator("button[type=submit]").click()
    manager.wait_for_load_state()
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    manager.screenshot(path="/tmp/ui-browser-customer-safety-closed.png", full_page=True)
