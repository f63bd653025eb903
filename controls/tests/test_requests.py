"""Raising stop-payment and freeze requests: who may, on which accounts, and what happens."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clocks.models import Clock
from controls.choices import AssistanceState, ClockKind, ControlKind, ControlState
from controls.models import AssistanceRequest, ControlRequest
from controls.services import (
    AccountNotControllable,
    control_requests_create,
    reversal_request_create,
)
from fraudops.core.actors import Actor
from fraudops.core.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from fraudops.core.models import AuditEvent, OutboxMessage

from .conftest import OTHER_BANK, PAYEE_BJ, PAYEE_SH, file_incident

pytestmark = pytest.mark.django_db


def _request(actor, incident, *targets, kind=ControlKind.STOP_PAYMENT, reason="诈骗收款账户"):
    return control_requests_create(
        actor=actor, incident_id=incident.pk, kind=kind, targets=list(targets), reason=reason
    )


def test_teller_requests_stop_payment_in_own_region_goes_to_that_region(actor, incident, account):
    [control] = _request(actor("teller_bj_hd"), incident, {"account": account(PAYEE_BJ).pk})

    assert control.state == ControlState.REQUESTED
    assert control.number.startswith("AC-")
    assert control.approving_unit.code == "SB-BJ"
    assert control.opening_unit.code == "BR-BJ-CY"
    assert control.assistance is None
    assert control.needs_second_approval is False
    assert (control.due_at - control.requested_at).total_seconds() == 600
    clock = Clock.objects.get(kind=ClockKind.APPROVAL)
    assert clock.unit.code == "SB-BJ" and clock.due_at == control.due_at
    assert clock.thread == incident.thread
    event = AuditEvent.objects.get(action="control.requested", target=control.number)
    assert event.thread == incident.thread and event.after["approving_unit"] == "SB-BJ"
    note = OutboxMessage.objects.get(
        kind="notification", dedupe_key=f"notify:controls:{control.pk}:requested"
    )
    assert set(note.payload["user_ids"]) == {
        actor("monitor_bj").user.pk,
        actor("monitor2_bj").user.pk,
    }
    assert control.number in note.payload["title_en"] and note.payload["title_zh"]


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("teller_bj_hd", True),
        ("manager_bj_hd", True),
        ("monitor_bj", True),
        ("ho_monitor", True),
        ("teller_bj_cy", NotFound),  # another branch of the same region: not shown (404)
        ("security_bj", PermissionRefused),  # sees the incident, wrong role (403)
        ("authoriser_bj", PermissionRefused),
        ("monitor_sh", NotFound),  # another region, not (yet) asked for assistance
        ("auditor", PermissionRefused),
    ],
)
def test_who_may_request_a_stop_payment(actor, incident, account, username, allowed):
    target = {"account": account(PAYEE_BJ).pk}
    if allowed is True:
        [control] = _request(actor(username), incident, target)
        assert control.requested_by.username == username
    else:
        with pytest.raises(allowed) as refused:
            _request(actor(username), incident, target)
        assert type(refused.value) is allowed
        assert not ControlRequest.objects.exists()


def test_account_at_another_bank_is_refused_clearly_and_the_refusal_audited(
    actor, incident, account
):
    with pytest.raises(AccountNotControllable) as refused:
        _request(actor("teller_bj_hd"), incident, {"account": account(OTHER_BANK).pk})

    assert refused.value.code == "account_not_at_this_bank"
    assert not ControlRequest.objects.exists()
    # No control notice (the incident's own filing notice is there since it was filed).
    assert not OutboxMessage.objects.filter(
        kind="notification", dedupe_key__startswith="notify:controls:"
    ).exists()
    refusal = AuditEvent.objects.get(outcome="refused")
    assert refusal.thread == incident.thread and refusal.data["code"] == "account_not_at_this_bank"


def test_one_bad_account_refuses_the_whole_request(actor, incident, account):
    with pytest.raises(AccountNotControllable):
        _request(
            actor("teller_bj_hd"),
            incident,
            {"account": account(PAYEE_BJ).pk},
            {"account": account(OTHER_BANK).pk},
        )
    assert not ControlRequest.objects.exists()


def test_account_in_another_region_becomes_an_assistance_request_copied_to_head_office(
    actor, incident, account
):
    [control] = _request(actor("teller_bj_hd"), incident, {"account": account(PAYEE_SH).pk})

    assert control.approving_unit.code == "SB-SH"
    assistance = control.assistance
    assert assistance.from_unit.code == "SB-BJ" and assistance.to_unit.code == "SB-SH"
    assert assistance.state == AssistanceState.OPEN
    assert (assistance.due_at - assistance.requested_at).total_seconds() == 15 * 60
    assert Clock.objects.get(kind=ClockKind.ACKNOWLEDGEMENT).subject_id == assistance.pk
    notes = {
        m.dedupe_key: set(m.payload["user_ids"])
        for m in OutboxMessage.objects.filter(kind="notification")
    }
    sh = {actor("monitor_sh").user.pk, actor("monitor2_sh").user.pk}
    ho = {actor("ho_monitor").user.pk, actor("ho_monitor2").user.pk}
    assert notes[f"notify:controls:assistance:{assistance.pk}:asked"] == sh
    assert notes[f"notify:controls:assistance:{assistance.pk}:copied"] == ho
    assert notes[f"notify:controls:{control.pk}:requested"] == sh
    assert AuditEvent.objects.filter(
        action="control.assistance_requested", thread=incident.thread
    ).exists()


def test_second_account_in_the_same_other_region_reuses_the_assistance_request(
    actor, incident, account
):
    _request(actor("teller_bj_hd"), incident, {"account": account(PAYEE_SH).pk})
    [linked] = _request(
        actor("teller_bj_hd"),
        incident,
        {"number": "6217 0000 2000 0000 099", "opening_unit": "br-sh-xh", "holder_name": "王五"},
    )

    assert AssistanceRequest.objects.count() == 1
    assert linked.assistance == AssistanceRequest.objects.get()
    assert linked.account is None and linked.account_number == "6217000020000000099"
    assert linked.opening_unit.code == "BR-SH-XH"


def test_duplicate_live_request_on_the_same_account_is_a_conflict(actor, incident, account):
    _request(actor("teller_bj_hd"), incident, {"account": account(PAYEE_BJ).pk})
    with pytest.raises(Conflict) as refused:
        _request(actor("manager_bj_hd"), incident, {"account": account(PAYEE_BJ).pk})
    assert refused.value.code == "duplicate_request"
    assert ControlRequest.objects.count() == 1
    # A freeze is another kind of control on the same account: allowed.
    _request(
        actor("monitor_bj"), incident, {"account": account(PAYEE_BJ).pk}, kind=ControlKind.FREEZE
    )


@pytest.mark.parametrize(
    "target, field",
    [
        ({"number": "12ab", "opening_unit": "BR-BJ-CY"}, "accounts[0].number"),
        ({"number": "6217000010000000077"}, "accounts[0].opening_unit"),
        ({"number": "6217000010000000077", "opening_unit": "NOPE"}, "accounts[0].opening_unit"),
        ({"number": "6217000010000000077", "opening_unit": "SB-BJ"}, "accounts[0].opening_unit"),
        ({"account": 999999}, "accounts[0].account"),
        (
            {
                "account": None,
                "number": "6217000010000000077",
                "opening_unit": "BR-BJ-CY",
                "amount": "-5",
            },
            "accounts[0].amount",
        ),
    ],
)
def test_bad_targets_name_the_field(actor, incident, target, field):
    with pytest.raises(InvalidInput) as refused:
        _request(actor("teller_bj_hd"), incident, target)
    assert field in refused.value.fields
    assert not ControlRequest.objects.exists()


def test_too_long_reason_is_refused_not_cut(actor, incident, account):
    with pytest.raises(InvalidInput) as refused:
        _request(
            actor("teller_bj_hd"), incident, {"account": account(PAYEE_BJ).pk}, reason="诈" * 2001
        )
    assert "2000" in refused.value.fields["reason"][0]
    assert not ControlRequest.objects.exists()


def test_amount_above_threshold_needs_second_approval(actor, incident, account, settings):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 100000
    [small, big] = _request(
        actor("teller_bj_hd"),
        incident,
        {"account": account(PAYEE_BJ).pk, "amount": "100000"},
        {"number": "6217000010000000055", "opening_unit": "BR-BJ-XC", "amount": "100000.01"},
    )
    assert small.needs_second_approval is False
    assert big.needs_second_approval is True


def test_whole_account_hold_counts_the_amount_lost(actor, person, settings):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 500000
    incident = file_incident(person, amount_lost="800000.00")
    [control] = _request(
        actor("teller_bj_hd"), incident, {"account": incident.accounts.get(number=PAYEE_BJ).pk}
    )
    assert control.amount is None and control.needs_second_approval is True


def test_api_clients_cannot_request_account_control(incident, account, core_banking):
    with pytest.raises(PermissionRefused):
        _request(
            Actor.for_client(core_banking.client_record),
            incident,
            {"account": account(PAYEE_BJ).pk},
        )


def test_account_opened_at_a_sub_branch_is_decided_by_that_sub_branch(actor, person):
    incident = file_incident(
        person,
        accounts=[
            {"role": "payee", "number": "6217000020000000444", "opening_unit": "SB-SH"},
            {"role": "payee", "number": "6217000020000000555", "opening_unit": "HO"},
        ],
    )
    [control] = _request(
        actor("teller_bj_hd"),
        incident,
        {"account": incident.accounts.get(number="6217000020000000444").pk},
    )
    assert control.approving_unit.code == "SB-SH" and control.assistance is not None
    with pytest.raises(InvalidInput) as refused:
        _request(
            actor("teller_bj_hd"),
            incident,
            {"account": incident.accounts.get(number="6217000020000000555").pk},
        )
    assert "accounts[0].account" in refused.value.fields


# --- the playbook's stop-payment step ----------------------------------------------------------


def _stop_payment_step(incident):
    return incident.tasks.select_related("step").get(step__code="stop_payment", level="branch")


def test_tellers_request_completes_the_playbooks_stop_payment_step(actor, incident, account):
    [control, _other] = _request(
        actor("teller_bj_hd"),
        incident,
        {"account": account(PAYEE_BJ).pk, "amount": "30000"},
        {"account": account(PAYEE_SH).pk},
    )

    task = _stop_payment_step(incident)
    assert task.status == "done" and task.completed_by.username == "teller_bj_hd"
    assert task.evidence == {
        "action": "stop_payment",
        "account_number": PAYEE_BJ,
        "amount": "30000.00",
        "request_reference": control.number,
    }
    assert control.number in task.note
    assert AuditEvent.objects.filter(action="task.done", target=f"task:{task.pk}").count() == 1
    # A later request leaves the recorded step as it was.
    _request(
        actor("teller_bj_hd"),
        incident,
        {"number": "6217000010000000077", "opening_unit": "BR-BJ-XC"},
    )
    assert _stop_payment_step(incident).evidence["request_reference"] == control.number


def test_whole_account_hold_records_the_amount_lost_and_says_so(actor, incident, account):
    _request(actor("teller_bj_hd"), incident, {"account": account(PAYEE_BJ).pk})
    task = _stop_payment_step(incident)
    assert task.evidence["amount"] == "50000.00"
    assert "损失金额" in task.note or "amount lost" in task.note


def test_a_freeze_or_someone_outside_the_branch_leaves_the_step_to_the_branch(
    actor, incident, account
):
    _request(
        actor("teller_bj_hd"), incident, {"account": account(PAYEE_BJ).pk}, kind=ControlKind.FREEZE
    )
    assert _stop_payment_step(incident).status == "open"
    _request(actor("monitor_bj"), incident, {"account": account(PAYEE_SH).pk})
    assert _stop_payment_step(incident).status == "open"
    assert not AuditEvent.objects.filter(action="task.done").exists()


def test_reversal_completes_the_step_as_a_reversal(actor, incident):
    reversal = reversal_request_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        remittance_reference="HK20261122135003",
        amount="12000",
        payee_account_number="6222000011112222333",
        remitted_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    evidence = _stop_payment_step(incident).evidence
    assert evidence["action"] == "reversal" and evidence["amount"] == "12000.00"
    assert evidence["request_reference"] == reversal.number
