"""In Chromium, account control from the teller's request to core banking's confirmation:

a Beijing Haidian teller ticks the payee account (held at Shanghai Pudong) on the incident
page and requests a stop-payment; the teller has no way to approve it, and a forged approval is
refused with a message and changes nothing; the request waits in Shanghai's queue (not
Beijing's), first, with the incident's key facts; a Shanghai monitor approves it in one
click; core banking receives it as a signed webhook on 127.0.0.1, pulls it through the API
and confirms it; the teller reloads the incident and reads the result, core banking's
reference and how long each stage took. Time is frozen and moved by hand.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import urllib.request

import pytest
from django.utils import timezone
from freezegun import freeze_time

from controls.choices import ControlKind, ControlState, DeliveryChannel, InstructionStatus
from controls.models import ControlRequest, FreezeInstruction, WebhookDelivery
from controls.services import control_requests_create
from controls.tests.test_webhooks import SECRET, Receiver
from controls.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.models import ApiClient, AuditEvent
from fraudops.core.outbox import outbox_relay_batch
from incidents.choices import TaskStatus
from incidents.services import incident_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYEE = "6217000020000000002"  # held at BR-SH-PD: Shanghai decides, not Beijing
VICTIM = "6217000010000000105"  # the victim's own account at the filing branch: not ticked
SCREENSHOT = "/tmp/browser-account-control.png"


def _file(person, *, teller: str, summary: str, accounts: list[dict], amount_lost: str):
    return incident_file(
        actor=Actor.for_user(person(teller)),
        data={
            "incident_type": "telecom_fraud",
            "occurred_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
            "summary": summary,
            "channel": "counter",
            "amount_lost": amount_lost,
            "parties": [
                {"role": "victim", "name": "王秀英", "phone": "13800138000"},
                {"role": "payee", "name": "赵六", "phone": "13900139000"},
            ],
            "accounts": accounts,
        },
    )


def _core_banking(bank, receiver) -> tuple[ApiClient, str]:
    """Core banking's API client: subscribed to instructions by webhook, and allowed to
    pull and confirm them."""
    client = ApiClient(
        name="core-banking",
        unit=bank["HO"],
        scopes=[ApiScope.FREEZES_READ, ApiScope.FREEZES_WRITE],
        webhook_url=receiver.url,
        webhook_secret=SECRET,
    )
    token = client.issue_key()
    client.save()
    return client, token


def _call(live_server, token: str, path: str, body: dict | None = None, **headers) -> tuple:
    """Core banking calling the live server over HTTP, as a bank system would."""
    request = urllib.request.Request(
        f"{live_server.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            **headers,
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=15) as response:
        return response.status, json.loads(response.read())


def _click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def _post_forged_approval(page, number: str, back: str) -> None:
    """What a crafted (or stale) approve form would send: the page's own CSRF token, the
    approve URL, and a way back to the incident."""
    with page.expect_navigation():
        page.evaluate(
            """([action, next]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const fields = {
                    csrfmiddlewaretoken:
                        document.querySelector("input[name=csrfmiddlewaretoken]").value,
                    expected_state: "requested",
                    next: next,
                };
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [f"/controls/requests/{number}/approve/", back],
        )
    page.wait_for_load_state()


def test_teller_requests_a_stop_payment_shanghai_approves_core_banking_confirms_it(
    login, live_server, bank, person
):
    receiver = Receiver()
    # Chromium keeps its cookies in real time: the frozen clock starts at the real "now".
    start = timezone.now().replace(microsecond=0)
    with receiver, freeze_time(start) as clock:
        core_banking, token = _core_banking(bank, receiver)
        incident = _file(
            person,
            teller="teller_bj_hd",
            summary="客户接到冒充公安的电话，在柜台向“安全账户”汇款 20 万元。",
            amount_lost="200000.00",
            accounts=[
                {"role": "victim", "number": VICTIM, "opening_unit": "BR-BJ-HD", "party": 0},
                {
                    "role": "payee",
                    "number": PAYEE,
                    "holder_name": "赵六",
                    "opening_unit": "BR-SH-PD",
                    "party": 1,
                },
            ],
        )
        incident_url = f"{live_server.url}/incidents/{incident.number}/"

        # 1. Two minutes after filing, the teller ticks the payee account (only) and asks
        #    for a stop-payment from the incident page's account-control panel.
        teller = login("teller_bj_hd")
        teller.goto(incident_url)
        panel = teller.locator("[data-testid=controls-panel]")
        assert "上海浦东支行" in panel.inner_text()
        clock.tick(delta=datetime.timedelta(minutes=2))
        panel.locator("[data-testid=control-request-form] summary").click()
        teller.select_option("#control-kind", ControlKind.STOP_PAYMENT)
        panel.locator("label.check", has_text=PAYEE).locator("input[type=checkbox]").check()
        assert not panel.locator("label.check", has_text=VICTIM).locator("input").is_checked()
        teller.fill("#control-reason", "诈骗收款账户 请立即止付")
        _click_and_wait(teller, "[data-testid=control-request-submit]")

        control = ControlRequest.objects.select_related("approving_unit").get()
        assert (control.kind, control.account_number) == (ControlKind.STOP_PAYMENT, PAYEE)
        assert control.state == ControlState.REQUESTED
        assert control.approving_unit.code == "SB-SH"  # the region holding the account
        assert control.requested_by.username == "teller_bj_hd"
        assert control.reason == "诈骗收款账户 请立即止付"
        assert control.number in teller.locator(".messages .success").inner_text()
        line = teller.locator(f"[data-testid=control-{control.number}]")
        assert line.get_attribute("data-state") == ControlState.REQUESTED
        # Raising it recorded the branch's playbook step "stop payment on the fraud account".
        step = incident.tasks.get(step__code="stop_payment")
        assert step.status == TaskStatus.DONE
        assert step.evidence["request_reference"] == control.number
        assert teller.locator("form[data-testid=done-stop_payment]").count() == 0

        # The teller cannot approve it: no button on the panel, on the request's page or in
        # the queue (where it is listed as theirs)...
        assert teller.locator(f"[data-testid=approve-{control.number}]").count() == 0
        teller.goto(f"{live_server.url}/controls/requests/{control.number}/")
        assert teller.locator("h1").inner_text() == control.number
        assert teller.locator(f"[data-testid=approve-{control.number}]").count() == 0
        teller.goto(f"{live_server.url}/controls/")
        assert teller.locator("[data-testid=pending-approvals] tbody tr").count() == 0
        assert control.number in teller.locator("[data-testid=my-requests]").inner_text()
        # ...and an approval forged from the incident page is refused, saying who decides,
        # with nothing changed.
        teller.goto(incident_url)
        _post_forged_approval(teller, control.number, back=f"/incidents/{incident.number}/")
        refusal = teller.locator(".messages .error").inner_text()
        assert "上海分行" in refusal and "审批" in refusal
        control.refresh_from_db()
        assert control.state == ControlState.REQUESTED and control.approved_at is None
        assert not FreezeInstruction.objects.exists()
        assert AuditEvent.objects.filter(
            thread=incident.thread, action="control.approve", outcome="refused"
        ).exists()

        # A later request in Shanghai's queue (due later), to show the order.
        clock.tick(delta=datetime.timedelta(seconds=30))
        other = _file(
            person,
            teller="teller_sh_pd",
            summary="客户网购退款被骗，转账 3000 元。",
            amount_lost="3000.00",
            accounts=[
                {"role": "payee", "number": "6217000020000000301", "opening_unit": "BR-SH-XH"}
            ],
        )
        [later] = control_requests_create(
            actor=Actor.for_user(person("teller_sh_pd")),
            incident_id=other.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": other.accounts.get().pk}],
        )

        # The incident's own region does not decide an account held in Shanghai.
        monitor_bj = login("monitor_bj", "en")
        monitor_bj.goto(f"{live_server.url}/controls/")
        assert monitor_bj.locator(f"[data-testid=pending-{control.number}]").count() == 0
        assert monitor_bj.locator(f"[data-testid=approve-{control.number}]").count() == 0

        # 2. Shanghai's monitor finds it first in the queue, with the incident's key facts,
        #    and approves it in one click, 4 min 40 s after the request.
        clock.tick(delta=datetime.timedelta(minutes=4, seconds=10))
        monitor = login("monitor_sh", "en")
        monitor.goto(f"{live_server.url}/controls/")
        rows = monitor.locator("[data-testid=pending-approvals] tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).get_attribute("data-testid") == f"pending-{control.number}"
        assert rows.nth(1).get_attribute("data-testid") == f"pending-{later.number}"
        row = rows.nth(0).inner_text()
        for fact in (
            incident.number,
            "Beijing Haidian Branch",  # the filing branch
            "200,000.00",  # amount lost
            incident.summary,
            "王秀英",  # victim
            "赵六",  # payee, with the phone
            "13900139000",
            PAYEE,
            "Shanghai Pudong Branch",  # where the account is held
            "whole account",
            "from Beijing Sub-branch",  # received from another region
            control.reason,
        ):
            assert fact in row, fact
        _click_and_wait(monitor, f"[data-testid=approve-{control.number}]")
        assert "4 min 40 s" in monitor.locator(".messages .success").inner_text()
        assert monitor.locator(f"[data-testid=pending-{control.number}]").count() == 0
        assert control.number in monitor.locator("[data-testid=in-flight]").inner_text()
        control.refresh_from_db()
        assert control.state == ControlState.APPROVED
        assert control.first_approved_by.username == "monitor_sh"
        instruction = FreezeInstruction.objects.get(control=control)

        # 3. Core banking receives the instruction as a signed webhook...
        outbox_relay_batch()
        [delivery] = receiver.received
        body, headers = delivery["body"], delivery["headers"]
        timestamp = headers[TIMESTAMP_HEADER]
        assert int(timestamp) == int(timezone.now().timestamp())
        signed = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], f"sha256={signed.hexdigest()}")
        assert headers[EVENT_HEADER] == "freeze_instruction.issued"
        assert headers[DELIVERY_HEADER] == f"{instruction.pk}:freeze_instruction.issued"
        pushed = delivery["json"]["instruction"]
        assert pushed["id"] == instruction.pk
        assert pushed["kind"] == ControlKind.STOP_PAYMENT
        assert pushed["account_number"] == PAYEE
        assert pushed["reference"] == control.number
        assert pushed["incident"] == incident.number
        assert WebhookDelivery.objects.get(client=core_banking).ok
        control.refresh_from_db()
        assert control.state == ControlState.SENT

        # ...finds it among the pending instructions it pulls with its token, and after
        # executing it, confirms it with its own reference 75 s after the approval.
        status, page = _call(live_server, token, "/api/v1/freeze-instructions/?status=pending")
        assert status == 200
        assert [i["reference"] for i in page["results"]] == [control.number]
        assert page["results"][0]["delivered_via"] == DeliveryChannel.WEBHOOK
        clock.tick(delta=datetime.timedelta(seconds=75))
        status, confirmed = _call(
            live_server,
            token,
            f"/api/v1/freeze-instructions/{instruction.pk}/confirm/",
            {"result": "executed", "reference": "CB-20261122-000731", "detail": "止付成功"},
            **{"Idempotency-Key": f"confirm-{instruction.pk}"},
        )
        assert status == 200
        assert confirmed["status"] == InstructionStatus.EXECUTED
        assert confirmed["bank_reference"] == "CB-20261122-000731"
        status, page = _call(live_server, token, "/api/v1/freeze-instructions/?status=pending")
        assert page["results"] == []

        # 4. The teller reloads the incident: executed, core banking's reference, and the
        #    time each stage took (filing → request 2 min, → approval 4 min 40 s, →
        #    executed 1 min 15 s).
        teller.goto(incident_url)
        teller.locator("#account-control").evaluate("panel => panel.scrollIntoView()")
        line = teller.locator(f"[data-testid=control-{control.number}]")
        assert line.get_attribute("data-state") == ControlState.EXECUTED
        assert line.locator("[data-testid=control-state]").inner_text() == "已执行"
        assert "CB-20261122-000731" in line.inner_text()
        assert line.locator("[data-testid=approval-elapsed]").inner_text() == "4 分 40 秒"
        assert line.locator("[data-testid=execution-elapsed]").inner_text() == "1 分 15 秒"
        facts = teller.locator("[data-testid=control-timeliness] dd").all_inner_texts()
        assert facts == ["2 分 0 秒", "4 分 40 秒", "1 分 15 秒", "7 分 55 秒"]
        assert teller.locator(f"[data-testid=approve-{control.number}]").count() == 0
        teller.screenshot(path=SCREENSHOT)

    control.refresh_from_db()
    assert control.state == ControlState.EXECUTED
    assert (control.approval_seconds, control.execution_seconds) == (280, 75)
