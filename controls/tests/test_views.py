"""Browser pages: the approvers' queue, one-click decisions, the incident panel and its
forms, the reversal authorisation page and the assistance page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from controls.choices import AssistanceState, ControlKind, ControlState
from controls.models import AssistanceRequest, ControlRequest
from controls.services import control_request_approve, control_requests_create
from tests.query_counts import exact

from .conftest import OTHER_BANK, PAYEE_BJ, PAYEE_SH, file_incident

pytestmark = pytest.mark.django_db
QUEUE_QUERIES = 19  # the queue page's exact query count (first request of a session): 13 (one
# is the immediate stop-payments to review) + its live change marker, read first (6 queries:
# docs/live-updates.md)


@pytest.fixture
def browser(person):
    def login(username: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(person(username))
        return client

    return login


def _request(actor, incident, number, by="teller_bj_hd", kind=ControlKind.STOP_PAYMENT):
    [control] = control_requests_create(
        actor=actor(by),
        incident_id=incident.pk,
        kind=kind,
        targets=[{"account": incident.accounts.get(number=number).pk}],
    )
    return control


def _incident_page(client, incident):
    return client.get(reverse("incident_detail", kwargs={"number": incident.number}))


def test_queue_lists_pending_approvals_oldest_deadline_first_with_key_facts(browser, actor, person):
    with freeze_time("2026-11-22 05:50:00"):
        older = file_incident(person)
        first = _request(actor, older, PAYEE_BJ)
    with freeze_time("2026-11-22 05:55:00"):
        newer = file_incident(person, teller="teller_bj_cy")
        second = _request(actor, newer, PAYEE_BJ, by="teller_bj_cy")
    with freeze_time("2026-11-22 05:58:00"):
        response = browser("monitor_bj").get("/controls/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(first.number) < html.index(second.number)
    assert older.number in html and "张秀兰" in html  # the victim, on the same page
    assert f'data-testid="approve-{first.number}"' in html
    assert "50,000.00" in html  # amount lost


def test_queue_query_count_does_not_grow_with_the_requests(
    browser, actor, person, django_assert_num_queries
):
    client = browser("monitor_bj")
    incident = file_incident(person)
    _request(actor, incident, PAYEE_BJ)
    with django_assert_num_queries(exact(QUEUE_QUERIES)):
        client.get("/controls/")
    for teller in ("teller_bj_cy", "teller_bj_xc", "manager_bj_hd", "manager_bj_cy"):
        other = file_incident(person, teller=teller)
        _request(actor, other, PAYEE_BJ, by=teller)
    with django_assert_num_queries(exact(QUEUE_QUERIES)):
        response = client.get("/controls/")
    assert response.content.decode().count('data-testid="pending-AC-') == 5


def test_one_click_approve_from_the_queue(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    response = browser("monitor_bj").post(
        f"/controls/requests/{control.number}/approve/",
        {"expected_state": ControlState.REQUESTED},
        follow=True,
    )
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED
    assert "approved" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/controls/"


def test_reject_from_the_queue_needs_a_reason(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    client = browser("monitor_bj")
    response = client.post(
        f"/controls/requests/{control.number}/reject/", {"reason": ""}, follow=True
    )
    control.refresh_from_db()
    assert control.state == ControlState.REQUESTED
    assert "reason" in response.content.decode().lower()
    client.post(f"/controls/requests/{control.number}/reject/", {"reason": "账户已销户"})
    control.refresh_from_db()
    assert control.state == ControlState.REJECTED and control.decision_reason == "账户已销户"


def test_self_approval_in_the_browser_is_refused_with_a_message(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ, by="monitor_bj")
    client = browser("monitor_bj")
    page = client.get("/controls/").content.decode()
    assert f'data-testid="approve-{control.number}"' not in page
    assert "Your own request" in page
    response = client.post(f"/controls/requests/{control.number}/approve/", follow=True)
    control.refresh_from_db()
    assert control.state == ControlState.REQUESTED
    assert "another person must decide it" in response.content.decode()


def test_monitor_of_another_region_cannot_see_or_decide(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    client = browser("monitor_gz")
    assert control.number not in client.get("/controls/").content.decode()
    assert client.get(f"/controls/requests/{control.number}/").status_code == 404
    assert client.post(f"/controls/requests/{control.number}/approve/").status_code == 404
    control.refresh_from_db()
    assert control.state == ControlState.REQUESTED


def test_cross_region_request_is_a_first_class_item_in_the_receiving_queue(
    browser, actor, incident
):
    control = _request(actor, incident, PAYEE_SH)
    html = browser("monitor_sh").get("/controls/").content.decode()
    assert f'data-testid="pending-{control.number}"' in html
    assert 'data-testid="received-from-other-region"' in html
    assistance = AssistanceRequest.objects.get()
    assert f'data-testid="acknowledge-{assistance.pk}"' in html
    # Head office is copied: it sees the assistance request, but does not decide.
    ho = browser("ho_monitor").get("/controls/").content.decode()
    assert f'data-testid="assistance-{assistance.pk}"' in ho
    assert f'data-testid="approve-{control.number}"' not in ho


def test_incident_panel_shows_each_accounts_status_and_clock(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    html = _incident_page(browser("teller_bj_hd"), incident).content.decode()
    assert 'data-testid="controls-panel"' in html
    assert f'data-testid="control-{control.number}"' in html
    assert 'data-testid="control-clock"' in html
    assert "Not at this bank" in html  # the account at another bank
    assert 'data-testid="control-request-form"' in html
    assert 'data-testid="reversal-form"' in html


def test_panel_form_requests_a_stop_payment_for_ticked_accounts(browser, incident):
    client = browser("teller_bj_hd")
    url = reverse("incident_detail", kwargs={"number": incident.number})
    response = client.post(
        f"/controls/incidents/{incident.number}/request/",
        {
            "kind": "stop_payment",
            "accounts": [
                incident.accounts.get(number=PAYEE_BJ).pk,
                incident.accounts.get(number=PAYEE_SH).pk,
            ],
            "amount": "50000",
            "reason": "诈骗收款账户",
            "next": url,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert ControlRequest.objects.count() == 2
    assert "asked for assistance" in response.content.decode()


def test_panel_form_refuses_an_account_at_another_bank_with_a_message(browser, incident):
    response = browser("teller_bj_hd").post(
        f"/controls/incidents/{incident.number}/request/",
        {"kind": "stop_payment", "accounts": [incident.accounts.get(number=OTHER_BANK).pk]},
        follow=True,
    )
    assert not ControlRequest.objects.exists()
    assert "not held at this bank" in response.content.decode()


def test_reversal_is_authorised_in_one_click_and_the_time_shown(browser, incident):
    teller = browser("teller_bj_hd")
    with freeze_time("2026-11-22 06:30:00"):
        teller.post(
            f"/controls/incidents/{incident.number}/reversal/",
            {
                "remittance_reference": "HK20261122135001",
                "amount": "200000",
                "payee_account_number": "6222 0000 1111 2222 333",
                "payee_name": "赵六",
                "payee_bank": "某银行异地分行",
                "remitted_at": "2026-11-22T13:50",
            },
        )
    control = ControlRequest.objects.get(kind=ControlKind.REVERSAL)
    assert control.approving_unit.code == "SB-BJ"
    authoriser = browser("authoriser_bj")
    with freeze_time("2026-11-22 06:30:04"):
        page = authoriser.get(f"/controls/requests/{control.number}/authorise/")
        assert 'data-testid="authorise"' in page.content.decode()
        response = authoriser.post(
            f"/controls/requests/{control.number}/authorise/",
            {"expected_state": ControlState.REQUESTED},
            follow=True,
        )
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED
    assert control.approval_seconds == 4
    assert "4 s" in response.content.decode()


def test_assistance_page_acknowledges_and_adds_a_linked_account(browser, actor, incident):
    _request(actor, incident, PAYEE_SH)
    assistance = AssistanceRequest.objects.get()
    client = browser("monitor_sh")
    page = client.get(f"/controls/assistance/{assistance.pk}/").content.decode()
    assert incident.summary in page and 'data-testid="acknowledge"' in page
    client.post(f"/controls/assistance/{assistance.pk}/acknowledge/", {"note": "已电话确认"})
    assistance.refresh_from_db()
    assert assistance.state == AssistanceState.ACKNOWLEDGED
    client.post(
        f"/controls/incidents/{incident.number}/request/",
        {
            "kind": "stop_payment",
            "linked_number": "6217000020000000777",
            "linked_opening_unit": "BR-SH-JA",
            "next": f"/controls/assistance/{assistance.pk}/",
        },
    )
    linked = ControlRequest.objects.get(account_number="6217000020000000777")
    assert linked.requested_by.username == "monitor_sh"
    assert linked.assistance == assistance
    # The other SH monitor approves it (four-eyes within the receiving region).
    control_request_approve(actor=actor("monitor2_sh"), control_id=linked.pk)


def test_overdue_request_is_marked_in_the_queue(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=11)):
        html = browser("monitor_bj").get("/controls/").content.decode()
    assert "is-overdue" in html and "overdue by" in html
    assert control.number in html


def test_one_click_approve_finds_the_request_once(browser, actor, incident):
    """The decision is one locking lookup by number, not a page read first."""
    control = _request(actor, incident, PAYEE_BJ)
    client = browser("monitor_bj")
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/controls/requests/{control.number}/approve/")
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"controls_controlrequest"."number" =' in q["sql"]
    ]
    assert len(reads) == 1, reads
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED


def test_out_of_scope_decision_is_not_found(browser, actor, incident):
    control = _request(actor, incident, PAYEE_BJ)
    assert (
        browser("monitor_gz").post(f"/controls/requests/{control.number}/approve/").status_code
        == 404
    )
    assert (
        browser("monitor_gz")
        .post("/controls/requests/AC-NOPE/reject/", {"reason": "x"})
        .status_code
        == 404
    )
