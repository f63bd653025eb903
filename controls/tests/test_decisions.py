"""Approving, rejecting and withdrawing requests: four-eyes, the approving region, two
approvers above the threshold, instructions issued, clocks stopped."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from clocks.choices import ClockStatus
from clocks.models import Clock
from controls.choices import ControlKind, ControlState, InstructionStatus
from controls.models import ControlRequest, FreezeInstruction
from controls.services import (
    control_request_approve,
    control_request_reject,
    control_request_withdraw,
    control_requests_create,
)
from fraudops.core.errors import (
    Conflict,
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OutOfScope,
    PermissionRefused,
)
from fraudops.core.models import AuditEvent, OutboxMessage

from .conftest import PAYEE_BJ, PAYEE_SH

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(actor, incident, account):
    def make(number=PAYEE_BJ, *, by="teller_bj_hd", amount=None):
        [control] = control_requests_create(
            actor=actor(by),
            incident_id=incident.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": account(number).pk, "amount": amount}],
        )
        return control

    return make


def _clock(subject) -> Clock:
    return Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def _frozen(control: ControlRequest) -> dict:
    control.refresh_from_db()
    return model_to_dict(control)


def test_monitor_of_the_region_approves_and_an_instruction_is_issued(actor, requested):
    control = requested()
    approved = control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)

    assert approved.state == ControlState.APPROVED
    assert approved.first_approved_by.username == "monitor_bj"
    assert approved.approval_seconds is not None and approved.approval_seconds >= 0
    instruction = FreezeInstruction.objects.get(control=approved)
    assert instruction.status == InstructionStatus.PENDING
    assert instruction.kind == ControlKind.STOP_PAYMENT
    assert instruction.account_number == PAYEE_BJ
    assert instruction.reference == approved.number
    assert instruction.unit.code == "BR-BJ-CY"
    assert _clock(control).status == ClockStatus.STOPPED
    actions = list(
        AuditEvent.objects.filter(target=control.number).values_list("action", flat=True)
    )
    assert actions == ["control.requested", "control.approved", "control.instruction_issued"]
    told = OutboxMessage.objects.get(dedupe_key=f"notify:controls:{control.pk}:approved")
    assert told.payload["user_ids"] == [control.requested_by_id]


def test_self_approval_is_refused_and_nothing_changes(actor, requested):
    control = requested(by="monitor_bj")  # a monitor raising the sub-branch's control step
    before = _frozen(control)
    outbox_before = OutboxMessage.objects.count()

    with pytest.raises(FourEyesRefused):
        control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)

    assert _frozen(control) == before
    assert not FreezeInstruction.objects.exists()
    assert OutboxMessage.objects.count() == outbox_before
    assert _clock(control).status == ClockStatus.OPEN
    refusal = AuditEvent.objects.get(outcome="refused")
    assert refusal.action == "control.approve" and refusal.data["code"] == "four_eyes"
    # Someone else may.
    control_request_approve(actor=actor("monitor2_bj"), control_id=control.pk)


def test_self_rejection_is_refused_too(actor, requested):
    control = requested(by="monitor_bj")
    with pytest.raises(FourEyesRefused):
        control_request_reject(actor=actor("monitor_bj"), control_id=control.pk, reason="x")
    assert _frozen(control)["state"] == ControlState.REQUESTED


@pytest.mark.parametrize(
    "username, error",
    [
        ("monitor_sh", NotFound),  # another region's monitor: not even shown (404)
        ("monitor_gz", NotFound),
        ("ho_monitor", OutOfScope),  # head office is copied, the region decides
        ("security_bj", PermissionRefused),  # right unit, wrong role
        ("authoriser_bj", PermissionRefused),  # reversals only
        ("teller_bj_cy", OutOfScope),  # the branch holding the account sees it, may not decide
        ("auditor", OutOfScope),
    ],
)
def test_only_a_monitor_of_the_region_holding_the_account_may_decide(
    actor, requested, username, error
):
    control = requested()
    before = _frozen(control)
    with pytest.raises(error) as refused:
        control_request_approve(actor=actor(username), control_id=control.pk)
    assert type(refused.value) is error  # exactly: out of sight is 404, not a 403 subclass
    with pytest.raises(error) as refused:
        control_request_reject(actor=actor(username), control_id=control.pk, reason="no")
    assert type(refused.value) is error
    assert _frozen(control) == before
    assert not FreezeInstruction.objects.exists()


def test_monitor_of_the_filing_region_cannot_approve_an_account_held_elsewhere(actor, requested):
    control = requested(PAYEE_SH)
    with pytest.raises(OutOfScope):
        control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    control_request_approve(actor=actor("monitor_sh"), control_id=control.pk)
    assert _frozen(control)["state"] == ControlState.APPROVED


def test_above_the_threshold_two_different_approvers_are_needed(actor, requested, settings):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 1000
    control = requested(amount="5000")
    first = control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    assert first.state == ControlState.FIRST_APPROVED
    assert not FreezeInstruction.objects.exists()
    assert _clock(control).status == ClockStatus.OPEN
    asked = OutboxMessage.objects.get(dedupe_key=f"notify:controls:{control.pk}:first_approved")
    assert asked.payload["user_ids"] == [actor("monitor2_bj").user.pk]

    with pytest.raises(FourEyesRefused):
        control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    assert _frozen(control)["state"] == ControlState.FIRST_APPROVED

    second = control_request_approve(actor=actor("monitor2_bj"), control_id=control.pk)
    assert second.state == ControlState.APPROVED
    assert second.second_approved_by.username == "monitor2_bj"
    assert FreezeInstruction.objects.filter(control=control).exists()


def test_a_decided_request_cannot_be_decided_again(actor, requested):
    control = requested()
    control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    before = _frozen(control)
    with pytest.raises(InvalidTransition) as refused:
        control_request_approve(actor=actor("monitor2_bj"), control_id=control.pk)
    assert refused.value.status_code == 409
    with pytest.raises(InvalidTransition):
        control_request_reject(actor=actor("monitor2_bj"), control_id=control.pk, reason="x")
    assert _frozen(control) == before
    assert FreezeInstruction.objects.count() == 1


def test_reject_needs_a_reason_and_tells_the_requester(actor, requested):
    control = requested()
    with pytest.raises(InvalidInput):
        control_request_reject(actor=actor("monitor_bj"), control_id=control.pk, reason="  ")
    rejected = control_request_reject(
        actor=actor("monitor_bj"), control_id=control.pk, reason="账户已由公安冻结"
    )
    assert rejected.state == ControlState.REJECTED
    assert rejected.decision_reason == "账户已由公安冻结"
    assert _clock(control).status == ClockStatus.STOPPED
    told = OutboxMessage.objects.get(dedupe_key=f"notify:controls:{control.pk}:rejected")
    assert "账户已由公安冻结" in told.payload["body_zh"]


def test_only_the_requester_withdraws_a_pending_request(actor, requested):
    control = requested()
    with pytest.raises(PermissionRefused):
        control_request_withdraw(actor=actor("manager_bj_hd"), control_id=control.pk, reason="x")
    withdrawn = control_request_withdraw(
        actor=actor("teller_bj_hd"), control_id=control.pk, reason="账号录错"
    )
    assert withdrawn.state == ControlState.WITHDRAWN
    assert _clock(control).status == ClockStatus.STOPPED
    # Withdrawn: a new request on the same account is allowed again.
    requested()


def test_expected_state_guards_against_a_stale_page(actor, requested):
    control = requested()
    control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    with pytest.raises(Conflict):
        control_request_reject(
            actor=actor("monitor2_bj"),
            control_id=control.pk,
            reason="x",
            expected_state=ControlState.REQUESTED,
        )


# --- the database holds the invariants even if code is wrong ------------------------------------


def test_database_refuses_self_approval(requested):
    control = requested(by="monitor_bj")
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlRequest.objects.filter(pk=control.pk).update(
            first_approved_by=control.requested_by, state=ControlState.APPROVED
        )


def test_database_refuses_the_same_person_approving_twice(actor, requested, settings):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 1
    control = requested(amount="5000")
    control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlRequest.objects.filter(pk=control.pk).update(
            second_approved_by=actor("monitor_bj").user, state=ControlState.APPROVED
        )


def test_database_refuses_approval_without_the_second_approver(actor, requested, settings):
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 1
    control = requested(amount="5000")
    control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlRequest.objects.filter(pk=control.pk).update(state=ControlState.APPROVED)


def test_database_refuses_a_second_live_hold_on_one_account(requested):
    control = requested()
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlRequest.objects.create(
            **{
                f.attname: getattr(control, f.attname)
                for f in ControlRequest._meta.concrete_fields
                if f.name not in ("id", "number")
            },
            number="AC-DUP",
        )
