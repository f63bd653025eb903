"""Account control end to end, across the incidents, workflows (clocks), notifications and
controls apps, the way the seed's first case and the cross-region procedure unfold:

a Beijing teller files a telecom-fraud incident whose payee account is held in Shanghai,
requests a stop-payment from the incident page; Shanghai's monitors are told at once (head
office copied), acknowledge within their 15 minutes, add an account that transacted with it,
and approve both (four-eyes); core banking receives each as a signed webhook and through the
pull API, confirms them, and the incident shows the result and the time it took.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from freezegun import freeze_time

from clocks.choices import ClockStatus, EscalationStage
from clocks.models import Clock, Escalation
from clocks.sweep import clocks_sweep
from controls.choices import AssistanceState, ClockKind, ControlKind, ControlState
from controls.models import AssistanceRequest, ControlRequest, FreezeInstruction, WebhookDelivery
from controls.services import control_requests_create
from controls.tests.test_webhooks import SECRET, Receiver
from fraudops.core.choices import ApiScope
from fraudops.core.models import ApiClient, AuditEvent
from fraudops.core.outbox import outbox_relay_batch
from incidents.services import incident_file
from notifications.models import Notification

pytestmark = pytest.mark.django_db

PAYEE = "6217000020000000002"
LINKED = "6217000020000000777"


def _browser(person, username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person(username))
    return client


def _file(actor):
    return incident_file(
        actor=actor("teller_bj_hd"),
        data={
            "incident_type": "telecom_fraud",
            "occurred_at": "2026-11-22T13:50:00+08:00",
            "summary": "客户接到冒充医保局、公安的电话，13:50 在柜台向异地账户汇款 20 万元。",
            "channel": "counter",
            "fraud_script": "posing_as_medical_insurance",
            "amount_lost": "200000.00",
            "parties": [
                {"role": "victim", "name": "王秀英", "phone": "13800138000"},
                {"role": "payee", "name": "赵六", "phone": "13900139000"},
            ],
            "accounts": [
                {
                    "role": "payee",
                    "number": PAYEE,
                    "holder_name": "赵六",
                    "opening_unit": "BR-SH-PD",
                    "party": 1,
                }
            ],
        },
    )


def _clock(subject) -> Clock:
    return Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def test_cross_region_stop_payment_from_request_to_core_banking_confirmation(
    bank, actor, person, core_banking
):
    receiver = Receiver()
    with receiver, freeze_time("2026-11-22 06:31:00") as clock:
        push = ApiClient(
            name="core-banking-push",
            unit=bank["HO"],
            scopes=[ApiScope.FREEZES_READ],
            webhook_url=receiver.url,
            webhook_secret=SECRET,
        )
        push.issue_key()
        push.save()
        incident = _file(actor)
        account = incident.accounts.get(number=PAYEE)

        # 1. The teller requests a stop-payment from the incident page's panel.
        clock.tick(delta=datetime.timedelta(minutes=2))
        teller = _browser(person, "teller_bj_hd")
        teller.post(
            f"/controls/incidents/{incident.number}/request/",
            {"kind": "stop_payment", "accounts": [account.pk], "reason": "诈骗收款账户"},
        )
        control = ControlRequest.objects.get()
        assert control.approving_unit.code == "SB-SH"
        assistance = AssistanceRequest.objects.get()
        assert (assistance.from_unit.code, assistance.to_unit.code) == ("SB-BJ", "SB-SH")

        # 2. Shanghai's monitors and head office are told at once (inbox rows).
        outbox_relay_batch()
        told = set(Notification.objects.values_list("recipient__username", flat=True))
        assert {"monitor_sh", "monitor2_sh", "ho_monitor", "ho_monitor2"} <= told
        # Beijing's monitors were told of the filing, not of Shanghai's account control.
        assert not Notification.objects.filter(
            recipient__username="monitor_bj", kind="controls"
        ).exists()

        # 3. A Shanghai monitor sees it first in the queue and acknowledges within 15 minutes.
        clock.tick(delta=datetime.timedelta(minutes=4))
        monitor_sh = _browser(person, "monitor_sh")
        queue = monitor_sh.get("/controls/").content.decode()
        assert f'data-testid="pending-{control.number}"' in queue
        monitor_sh.post(f"/controls/assistance/{assistance.pk}/acknowledge/", {"note": "已调查"})
        assistance.refresh_from_db()
        assert assistance.state == AssistanceState.ACKNOWLEDGED
        assert _clock(assistance).status == ClockStatus.STOPPED

        # 4. ...investigates, and freezes an account that transacted with the payee account.
        monitor_sh.post(
            f"/controls/incidents/{incident.number}/request/",
            {
                "kind": "freeze",
                "linked_number": LINKED,
                "linked_opening_unit": "BR-SH-JA",
                "linked_holder": "钱七",
                "reason": "与收款账户有交易往来",
            },
        )
        linked = ControlRequest.objects.get(account_number=LINKED)
        assert linked.assistance == assistance

        # 5. Four-eyes inside Shanghai: monitor_sh approves the teller's request, and the
        #    linked one (which monitor_sh raised) is approved by monitor2_sh.
        clock.tick(delta=datetime.timedelta(seconds=40))
        monitor_sh.post(f"/controls/requests/{control.number}/approve/")
        monitor_sh.post(f"/controls/requests/{linked.number}/approve/")  # refused: own
        linked.refresh_from_db()
        assert linked.state == ControlState.REQUESTED
        _browser(person, "monitor2_sh").post(f"/controls/requests/{linked.number}/approve/")
        control.refresh_from_db()
        linked.refresh_from_db()
        assert control.state == linked.state == ControlState.APPROVED

        # 6. Core banking receives both as signed webhooks...
        outbox_relay_batch()
        pushed = sorted(d["json"]["instruction"]["reference"] for d in receiver.received)
        assert pushed == sorted([control.number, linked.number])
        assert WebhookDelivery.objects.filter(ok=True).count() == 2
        control.refresh_from_db()
        assert control.state == ControlState.SENT

        # ...and through the pull API, and confirms each with its own reference.
        pending = core_banking.get("/api/v1/freeze-instructions/", {"status": "pending"}).json()[
            "results"
        ]
        assert {i["reference"] for i in pending} == {control.number, linked.number}
        clock.tick(delta=datetime.timedelta(seconds=75))
        for item in pending:
            response = core_banking.post(
                f"/api/v1/freeze-instructions/{item['id']}/confirm/",
                {"result": "executed", "reference": f"CB-{item['id']}", "detail": "止付成功"},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"confirm-{item['id']}",
            )
            assert response.status_code == 200

    # 7. The incident shows each account's result and the time it took.
    control.refresh_from_db()
    assert control.state == ControlState.EXECUTED
    assert control.approval_seconds == 4 * 60 + 40
    assert control.execution_seconds == 75
    page = teller.get(f"/incidents/{incident.number}/").content.decode()
    assert f'data-testid="control-{control.number}"' in page
    assert f'data-testid="control-{linked.number}"' in page
    assert page.count('data-state="executed"') == 2
    assert "1 min 15 s" in page  # approval → executed
    # Filing 06:31:00 → executed 06:38:55.
    assert "7 min 55 s" in page
    # ...and its timeline tells the story in sentences, refusals included.
    for sentence in (
        f"Requested Stop-payment {control.number} on account {PAYEE}, for Shanghai Sub-branch",
        "Asked Shanghai Sub-branch for assistance",
        "Shanghai Sub-branch acknowledged the assistance request after 4 min 0 s",
        f"Approved Stop-payment {control.number}, 4 min 40 s after the request",
        f"Core banking received {control.number} (Webhook)",
        f"Core banking executed {control.number} (reference CB-",
        "Refused: tried to approve an account control request",
    ):
        assert sentence in page, sentence
    actions = set(
        AuditEvent.objects.filter(thread=incident.thread).values_list("action", flat=True)
    )
    assert {
        "control.requested",
        "control.assistance_requested",
        "control.assistance_acknowledged",
        "control.approved",
        "control.instruction_issued",
        "control.instruction_delivered",
        "control.confirmed",
    } <= actions
    assert FreezeInstruction.objects.filter(status="executed").count() == 2


def test_an_approval_not_given_in_ten_minutes_escalates_through_the_clocks(bank, actor, person):
    with freeze_time("2026-11-22 06:00:00") as clock:
        incident = _file(actor)
        [control] = control_requests_create(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": incident.accounts.get(number=PAYEE).pk}],
        )
        approval = Clock.objects.get(kind=ClockKind.APPROVAL)
        assert approval.unit.code == "SB-SH"
        clock.tick(delta=datetime.timedelta(minutes=9))
        clocks_sweep()
        assert not Escalation.objects.filter(clock=approval).exists()
        clock.tick(delta=datetime.timedelta(minutes=1, seconds=1))
        clocks_sweep()
        assert Escalation.objects.get(clock=approval).stage == EscalationStage.OVERDUE
        # The acknowledgement clock (15 min) has not run out yet.
        ack = Clock.objects.get(kind=ClockKind.ACKNOWLEDGEMENT)
        assert not Escalation.objects.filter(clock=ack).exists()
        clock.tick(delta=datetime.timedelta(minutes=5))
        clocks_sweep()
        assert Escalation.objects.filter(clock=ack, stage=EscalationStage.OVERDUE).exists()
        assert (
            AuditEvent.objects.filter(thread=incident.thread, action="clock.escalated").count() >= 2
        )

        # Deciding stops the clock: no further stage fires.
        from controls.services import control_request_approve

        control_request_approve(actor=actor("monitor_sh"), control_id=control.pk)
        clock.tick(delta=datetime.timedelta(hours=2))
        clocks_sweep()
    assert Escalation.objects.filter(clock=approval).count() == 1
    assert _clock(control).status == ClockStatus.STOPPED


def test_deciding_a_request_from_another_region_acknowledges_its_assistance(bank, actor):
    """The region asked for help approved within three minutes: its 15-minute
    acknowledgement clock stops with the decision, and nobody is escalated later."""
    from controls.services import control_request_approve

    with freeze_time("2026-11-22 06:00:00") as clock:
        incident = _file(actor)
        [control] = control_requests_create(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": incident.accounts.get(number=PAYEE).pk}],
        )
        assistance = AssistanceRequest.objects.get(incident=incident)
        clock.tick(delta=datetime.timedelta(minutes=3))
        control_request_approve(actor=actor("monitor_sh"), control_id=control.pk)

        assistance.refresh_from_db()
        assert assistance.state == AssistanceState.ACKNOWLEDGED
        assert assistance.acknowledged_by.username == "monitor_sh"
        assert control.number in assistance.acknowledgement_note
        assert _clock(assistance).status == ClockStatus.STOPPED
        event = AuditEvent.objects.get(action="control.assistance_acknowledged")
        assert event.data["by_decision"] == control.number and event.data["seconds"] == 180

        clock.tick(delta=datetime.timedelta(minutes=30))
        clocks_sweep()
    # (The incident's own playbook steps are late by now; the control's clocks are not.)
    assert not Escalation.objects.filter(clock__in=[_clock(assistance), _clock(control)]).exists()


def test_the_instruction_issued_shows_no_internal_id_on_the_timeline(bank, actor):
    from controls.services import control_request_approve
    from incidents.selectors import incident_timeline
    from incidents.timeline import timeline_entries

    incident = _file(actor)
    [control] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=PAYEE).pk}],
    )
    control_request_approve(actor=actor("monitor_sh"), control_id=control.pk)
    entries = timeline_entries(incident_timeline(incident=incident), tasks={})
    [issued] = [e for e in entries if "issued to core banking" in e.sentence]
    assert issued.changes == []
