"""In Chromium: after filing, a teller adds the second payee account the transaction
history shows (a bad number first, named at its field), adds to the summary, and removes a
fraud vehicle with a reason; the incident page shows the amendment after the summary as
filed and the removed vehicle struck through."""

from __future__ import annotations

import pytest

from incidents.models import Account, Incident, Vehicle
from incidents.services import incident_file
from tests.incident_data import filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECOND_PAYEE = "6217000010009876543"


def test_teller_grows_the_case_file_after_filing(login, live_server, actor):
    incident = incident_file(actor=actor("teller_bj_hd"), data=filing())
    page = login("teller_bj_hd", locale="en-US")
    page.goto(f"{live_server.url}/incidents/{incident.number}/")
    page.click("#accounts a[href$='/accounts/add/']")
    page.select_option("select[name=role]", "payee")
    page.select_option("select[name=kind]", "account")
    page.fill("input[name=number]", "6217 0000 1000 98A")
    page.locator("form[data-testid=facts-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error .errorlist").count() == 1
    assert not Account.objects.filter(
        incident=incident, number__startswith="62170000100098"
    ).exists()

    page.fill("input[name=number]", "６２１７ ０００ ０１０ ００９ ８７６ ５４３")  # full-width
    page.select_option("select[name=opening_unit]", "BR-BJ-CY")
    page.locator("form[data-testid=facts-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert SECOND_PAYEE in page.locator("table[data-testid=accounts]").inner_text()

    page.click("[data-testid=edit-facts]")
    page.fill("textarea[name=summary_amendment]", "流水显示第二个收款账户，已告知分行。")
    page.locator("form[data-testid=facts-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "流水显示第二个收款账户" in page.locator("[data-testid=amendment]").inner_text()

    vehicle = incident.vehicles.get()
    page.click(f"a[href$='/vehicles/{vehicle.pk}/remove/']")
    page.fill("textarea[name=reason]", "经核实为银行官网")
    page.locator("form[data-testid=facts-form] button[type=submit]").click()
    page.wait_for_load_state()
    removed = page.locator("[data-testid=removed-vehicles]")
    removed.locator("summary").click()
    assert "经核实为银行官网" in removed.inner_text()
    page.screenshot(path="/tmp/ui-browser-case-file.png", full_page=True)

    incident = Incident.objects.get(pk=incident.pk)
    assert incident.revision == 3
    assert Vehicle.all_objects.get(pk=vehicle.pk).removal_reason == "经核实为银行官网"
