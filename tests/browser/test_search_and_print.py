"""In Chromium: the search box finds an incident by its victim's name typed in Traditional
characters and by a full-width ID number; the case summary, opened from the incident page,
prints (print media) without the navigation and forms, to a one-page PDF that holds the
incident number and its accounts."""

from __future__ import annotations

import re

import pytest

from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents.services import incident_file
from tests.incident_data import PAYEE_ACCOUNT, VALID_CARD, VICTIM_ID, filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_then_print_the_case_summary_to_pdf(login, live_server, bank):
    teller = Actor.for_user(User.objects.select_related("unit").get(username="teller_bj_hd"))
    incident = incident_file(actor=teller, data=filing())
    incident_file(actor=teller, data=filing("impostor_customer", vehicles=[]))

    page = login("monitor_bj", locale="en-US")
    page.goto(f"{live_server.url}/incidents/")
    page.fill("input[name=q]", "張秀蘭")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    rows = page.locator("[data-testid=incident-list] tbody tr")
    assert rows.count() == 1
    assert incident.number in rows.first.inner_text()
    full_width = VICTIM_ID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    page.fill("input[name=q]", full_width)
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert incident.number in page.locator("[data-testid=incident-list]").inner_text()

    page.click(f"a[href='/incidents/{incident.number}/']")
    page.wait_for_load_state()
    page.click("[data-testid=case-summary-link]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=summary-number]").inner_text() == incident.number

    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("[data-print]").is_visible()
    printed = page.locator("[data-testid=case-summary]").inner_text()
    for text in (incident.number, PAYEE_ACCOUNT, VALID_CARD, "张秀兰"):
        assert text in printed, text

    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the case summary printed on {pages} pages"
