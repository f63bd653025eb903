"""In Chromium, seed case 5 end to end: a petition transferred by the city petitions office
(市信访局) about a phone-banking "designated account" (约定账户) transfer arrives at 北京海淀支行
before anyone links it to the scam's incident; the branch files it and links the incident;
the branch records its findings; the Beijing sub-branch's compliance review records how the
teller explained the designated-account rules; a teller drafts the reply, the branch manager
signs it off (the author is not offered the sign-off) and the reply is sent. The victim's
incident page and the complaint page each show the other."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from incidents.tests.factories import IncidentFactory, PartyData

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW = (
    "调阅约定账户申请表：客户本人填写并签字；柜员未提示约转账户须为客户熟知的亲友，解释不充分。"
)


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_seed_case_five_petition_from_the_petitions_office_end_to_end(bank, login, live_server):
    incident = IncidentFactory(
        channel="phone_banking",
        fraud_script="other",
        summary="客户将陌生人“王先生”提供的账户设为电话银行约定账户，资金被分批转走。",
        parties=[
            PartyData(name="刘桂芳", id_number="110108195803150024"),
            {"role": "fraudster", "name": "王先生"},
        ],
        accounts=[],
        vehicles=[],
    )

    # The branch files the petition the petitions office transferred.
    teller = login("teller_bj_hd", locale="en-US")
    teller.goto(f"{live_server.url}/complaints/new/")
    form = teller.get_by_test_id("complaint-form")
    form.locator("select[name=source]").select_option("petitions_office")
    form.locator("input[name=reference]").fill("京信转〔2026〕0517号")
    form.locator("input[name=complainant_name]").fill("刘桂芳")
    form.locator("input[name=complainant_id_number]").fill("110108195803150024")
    form.locator("input[name=complainant_phone]").fill("139 1101 2345")
    form.locator("textarea[name=request]").fill(
        "反映柜员办理电话银行约定账户转账时未解释清楚相关规定，造成资金被转走，请求帮助。"
    )
    _submit(teller, form.get_by_test_id("complaint-submit"))
    complaint = Complaint.objects.get()
    expect(teller.get_by_test_id("complaint-state")).to_have_text("Received")
    expect(teller.get_by_test_id("complaint-clock")).to_be_visible()

    # ... links it to the scam's incident, and records its findings.
    teller.get_by_test_id("link-form").locator("input[name=incident]").fill(incident.number)
    _submit(teller, teller.get_by_test_id("link-submit"))
    expect(teller.get_by_test_id(f"linked-incident-{incident.number}")).to_be_visible()
    teller.locator("textarea[name=findings]").fill(
        "资金转入客户本人填写的约定账号；已建议客户报警。"
    )
    _submit(teller, teller.get_by_test_id("investigate-submit"))
    expect(teller.get_by_test_id("complaint-state")).to_have_text("Investigating")

    # The sub-branch's compliance review.
    monitor = login("monitor_bj", locale="en-US")
    monitor.goto(f"{live_server.url}/complaints/{complaint.number}/")
    review = monitor.get_by_test_id("review-form")
    review.locator("select[name=conclusion]").select_option("partly_followed")
    review.locator("textarea[name=finding]").fill(REVIEW)
    _submit(monitor, review.get_by_test_id("review-submit"))
    expect(monitor.get_by_test_id("investigation")).to_contain_text(REVIEW)
    expect(monitor.get_by_test_id("investigation")).to_contain_text("Procedure partly followed")

    # The teller drafts the reply: not offered its sign-off.
    teller.reload()
    teller.locator("textarea[name=text]").fill("经核查，现将有关情况答复如下……")
    _submit(teller, teller.get_by_test_id("draft-submit"))
    expect(teller.get_by_test_id("complaint-state")).to_have_text("Reply drafted")
    expect(teller.get_by_test_id("sign-off-submit")).to_have_count(0)

    # The branch manager signs it off; the teller sends it.
    manager = login("manager_bj_hd", locale="en-US")
    manager.goto(f"{live_server.url}/complaints/{complaint.number}/")
    _submit(manager, manager.get_by_test_id("sign-off-submit"))
    expect(manager.get_by_test_id("complaint-state")).to_have_text("Reply signed off")
    expect(manager.get_by_test_id("reply-signed-off-by")).to_contain_text("营业部经理")
    teller.reload()
    teller.locator("select[name=channel]").select_option("via_petitions_office")
    _submit(teller, teller.get_by_test_id("send-submit"))
    expect(teller.get_by_test_id("complaint-state")).to_have_text("Reply sent")
    expect(teller.get_by_test_id("complaint-clock")).to_have_count(0)

    # Each shows the other: the victim's incident lists the complaint, and back.
    teller.goto(f"{live_server.url}/incidents/{incident.number}/")
    row = teller.get_by_test_id(f"incident-complaint-{complaint.number}")
    expect(row).to_contain_text("Reply sent")
    _submit(teller, row.locator("a").first)
    expect(teller.get_by_test_id(f"linked-incident-{incident.number}")).to_be_visible()
    for page in (teller, monitor, manager):
        page.context.close()
