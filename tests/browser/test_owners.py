"""In Chromium: the branch manager assigns a step to a teller from the incident page; the
teller finds it under "Mine" in their queue, held by them, and gives it back."""

from __future__ import annotations

import pytest

from fraudops.core.models import User
from incidents.models import Task
from incidents.tests.factories import IncidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_assigns_a_step_and_the_teller_finds_it_under_mine(login, live_server, bank):
    incident = IncidentFactory()
    task = incident.tasks.get(step__code="police_report")
    teller = User.objects.get(username="teller_bj_hd")

    manager = login("manager_bj_hd", locale="en-GB")
    manager.goto(f"{live_server.url}/incidents/{incident.number}/")
    assert manager.locator("[data-testid=assignee-police_report]").inner_text() == "Unassigned"
    manager.select_option("select[data-testid=assign-select-police_report]", str(teller.pk))
    manager.click("[data-testid=assign-police_report]")
    manager.wait_for_load_state()
    assert (
        teller.display_name in manager.locator("[data-testid=assignee-police_report]").inner_text()
    )
    assert Task.objects.get(pk=task.pk).assignee_id == teller.pk

    page = login("teller_bj_hd", locale="en-GB")
    page.goto(f"{live_server.url}/?show=mine")
    rows = page.locator("[data-testid=task-queue] tbody tr")
    assert rows.count() == 1
    assert teller.display_name in rows.first.locator("[data-testid=held-by]").inner_text()
    page.goto(f"{live_server.url}/incidents/{incident.number}/")
    page.click("[data-testid=unassign-police_report]")
    page.wait_for_load_state()
    assert Task.objects.get(pk=task.pk).assignee_id is None
    page.screenshot(path="/tmp/ui-browser-owners.png", full_page=True)
