"""In Chromium: a teller posts a comment mentioning the sub-branch's monitor on a T1
incident; the monitor's open incident page shows it without a reload, and the monitor is
told in the inbox, with a link to the comment."""

from __future__ import annotations

import pytest

from fraudops.core.actors import Actor
from fraudops.core.outbox import outbox_relay_batch
from incidents.services import incident_file
from tests.incident_data import filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5000


def test_a_comment_with_a_mention_shows_live_and_tells_the_person(login, person, live_server):
    incident = incident_file(actor=Actor.for_user(person("teller_bj_hd")), data=filing())
    url = f"{live_server.url}/incidents/{incident.number}/"

    monitor = login("monitor_bj", locale="en-US")
    monitor.goto(url)
    monitor.wait_for_selector("[data-testid=comments-panel]")

    teller = login("teller_bj_hd", locale="en-US")
    teller.goto(url)
    teller.fill("[data-testid=comment-input]", "@monitor_bj 客户已报案，请尽快审批止付。")
    teller.click("[data-testid=comment-submit]")
    teller.wait_for_load_state()
    body = teller.locator("[data-testid=comments] [data-testid=comment-body]")
    assert body.inner_text() == "@monitor_bj 客户已报案，请尽快审批止付。"
    assert teller.locator("[data-testid=comments] .mention").inner_text() == "@monitor_bj"

    # The monitor's open page shows the comment without a reload.
    monitor.wait_for_selector("[data-testid=comments] [data-testid=comment-body]", timeout=LIVE_MS)
    assert "Commented" in monitor.locator("[data-testid=timeline]").inner_text()

    while outbox_relay_batch():
        pass
    monitor.goto(f"{live_server.url}/notifications/")
    notice = monitor.locator("[data-testid=notification]", has_text=incident.number).first
    assert "客户已报案" in notice.inner_text()
    notice.locator("button[type=submit]").first.click()
    monitor.wait_for_load_state()
    assert "#comment-" in monitor.url
