"""The branch's immediate stop-payment on an account opened at its own outlet (seed 002, T1-T3
branch step 2: 对于诈骗账户开在本网点的,立即进行账户控制并报送分行) and the sub-branch's review
of it afterwards: issued to core banking without approval, reported to the sub-branch,
reviewed (confirmed or released) by someone other than the requester, audited; a refusal
changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from freezegun import freeze_time

from clocks.choices import ClockStatus, EscalationStage
from clocks.models import Clock, Escalation
from clocks.sweep import clocks_sweep
from controls import selectors
from controls.choices import (
    ClockKind,
    ControlKind,
    ControlState,
    ImmediateReview,
    InstructionStatus,
)
from controls.models import ControlRequest, FreezeInstruction
from controls.services import (
    control_request_approve,
    control_requests_create,
    immediate_stop_payment_create,
    immediate_stop_payment_review,
    instruction_confirm,
)
from fraudops.core.actors import Actor
from fraudops.core.choices import Role
from fraudops.core.errors import (
    Conflict,
    FourEyesRefused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OutOfScope,
    PermissionRefused,
)
from fraudops.core.models import AuditEvent, OutboxMessage, RoleAssignment
from incidents.choices import TaskStatus
from tests.query_counts import exact

from .conftest import OTHER_BANK, PAYEE_BJ, file_incident

pytestmark = pytest.mark.django_db

OWN = "6217000030000000004"  # opened at BR-BJ-HD, the filing branch
REVIEW_QUEUE_QUERIES = 21  # the controls queue page with reviews on it (first request)


@pytest.fixture
def incident(person):
    return file_incident(
        person,
        accounts=[
            {"role": "payee", "number": OWN, "holder_name": "李强", "opening_unit": "BR-BJ-HD"},
            {"role": "payee", "number": PAYEE_BJ, "opening_unit": "BR-BJ-CY"},
            {"role": "other", "number": OTHER_BANK, "bank_name": "某农商银行"},
        ],
    )


def _account(incident, number):
    return incident.accounts.get(number=number)


def _stop(actor, incident, number=OWN, by="teller_bj_hd", **extra):
    return immediate_stop_payment_create(
        actor=actor(by),
        incident_id=incident.pk,
        account_id=_account(incident, number).pk,
        reason="诈骗账户开在本网点",
        **extra,
    )


def _state():
    """What a refusal must leave as it was (the refusal's own audit row aside)."""
    return (
        list(ControlRequest.objects.order_by("pk").values()),
        list(FreezeInstruction.objects.order_by("pk").values()),
        AuditEvent.objects.exclude(outcome="refused").count(),
        OutboxMessage.objects.count(),
    )


def _confirm_executed(core_banking, control):
    client = Actor.for_client(core_banking.client_record)
    return instruction_confirm(
        actor=client,
        instruction_id=control.instruction.pk,
        result=InstructionStatus.EXECUTED,
        reference="CB-1",
    )


# --- the branch stops its own account at once --------------------------------------------------


def test_branch_stops_its_own_account_at_once_and_reports_to_the_sub_branch(actor, incident):
    control = _stop(actor, incident, amount="8,000.00")

    assert control.immediate and control.kind == ControlKind.STOP_PAYMENT
    assert control.state == ControlState.APPROVED  # no approval waited for
    assert control.first_approved_by is None and control.approved_at is not None
    assert control.approving_unit.code == "SB-BJ"
    assert control.opening_unit.code == control.requesting_unit.code == "BR-BJ-HD"
    # The instruction is with core banking already.
    instruction = FreezeInstruction.objects.get(control=control)
    assert instruction.status == InstructionStatus.PENDING
    assert instruction.unit.code == "BR-BJ-HD" and str(instruction.amount) == "8000.00"
    # No approval clock: nobody approves it. The sub-branch's review has its clock.
    [clock] = Clock.objects.filter(kind__in=ClockKind.values)
    assert clock.kind == ClockKind.REVIEW and clock.due_at == control.due_at
    assert clock.unit.code == "SB-BJ" and clock.owner_role == "sub_branch_monitor"
    # Recorded as such, reported to the sub-branch's monitors.
    event = AuditEvent.objects.get(action="control.immediate_stop_payment")
    assert event.thread == incident.thread and event.after["immediate"] is True
    assert event.after["reported_to"] == "SB-BJ"
    assert AuditEvent.objects.filter(action="control.instruction_issued").count() == 1
    note = OutboxMessage.objects.get(kind="notification", dedupe_key__endswith=":immediate")
    assert set(note.payload["user_ids"]) == {
        actor("monitor_bj").user.pk,
        actor("monitor2_bj").user.pk,
    }
    assert control.number in note.payload["title_en"] and note.payload["title_zh"]
    # The branch's stop-payment step is done by it; the sub-branch has it to review.
    step = incident.tasks.get(step__code="stop_payment")
    assert step.status == TaskStatus.DONE
    assert step.evidence["request_reference"] == control.number
    assert [c.number for c in selectors.review_queue(actor=actor("monitor_bj"))] == [control.number]
    assert not selectors.review_queue(actor=actor("monitor_sh")).exists()
    assert not selectors.review_queue(actor=actor("security_bj")).exists()


@pytest.mark.parametrize("number", [PAYEE_BJ, OTHER_BANK])
def test_an_account_opened_elsewhere_is_refused_clearly_and_nothing_changes(
    actor, incident, number
):
    before = _state()
    refusals = AuditEvent.objects.filter(outcome="refused").count()
    with pytest.raises(InvalidInput) as refused:
        _stop(actor, incident, number=number)
    assert "not opened at this branch" in str(refused.value.fields["account"][0]) or (
        "本网点" in str(refused.value.fields["account"][0])
    )
    assert _state() == before
    # A wrong choice of account, not a permission matter: no refusal row either.
    assert AuditEvent.objects.filter(outcome="refused").count() == refusals
    assert incident.tasks.get(step__code="stop_payment").status == TaskStatus.OPEN


@pytest.mark.parametrize(
    "username, error",
    [
        ("monitor_bj", PermissionRefused),  # the sub-branch requests with approval instead
        ("security_bj", PermissionRefused),
        ("ho_monitor", PermissionRefused),
        ("teller_bj_cy", NotFound),  # another branch: the incident is not shown (404)
        ("monitor_sh", NotFound),
    ],
)
def test_only_the_filing_branchs_staff_stop_at_once(actor, incident, username, error):
    before = _state()
    with pytest.raises(error) as refused:
        _stop(actor, incident, by=username)
    assert type(refused.value) is error
    assert _state() == before


def test_manager_may_stop_at_once_too(actor, incident):
    assert _stop(actor, incident, by="manager_bj_hd").immediate


def test_a_live_stop_payment_on_the_account_is_a_conflict(actor, incident):
    _stop(actor, incident)
    before = _state()
    with pytest.raises(Conflict) as refused:
        _stop(actor, incident, by="manager_bj_hd")
    assert refused.value.code == "duplicate_request"
    assert _state() == before


def test_bad_amount_is_named_and_nothing_changes(actor, incident):
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        _stop(actor, incident, amount="-5")
    assert "amount" in refused.value.fields
    assert _state() == before


def test_the_database_holds_the_rules(actor, incident):
    control = _stop(actor, incident)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ControlRequest.objects.filter(pk=control.pk).update(
            reviewed_by=control.requested_by,
            reviewed_at=control.requested_at,
            review_outcome=ImmediateReview.CONFIRMED,
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ControlRequest.objects.filter(pk=control.pk).update(opening_unit=incident.unit.parent)


# --- the sub-branch reviews it afterwards -------------------------------------------------------


def test_an_unreviewed_immediate_stop_payment_escalates_on_its_own(actor, incident):
    with freeze_time("2026-12-02 02:00:00") as clock:
        control = _stop(actor, incident)
        review = Clock.objects.get(kind=ClockKind.REVIEW)
        clocks_sweep()
        assert not Escalation.objects.filter(clock=review).exists()
        clock.move_to(control.due_at + datetime.timedelta(hours=2))
        clocks_sweep()
        assert Escalation.objects.filter(clock=review, stage=EscalationStage.OVERDUE).exists()


def test_a_reviewed_immediate_stop_payment_stops_its_clock(actor, incident):
    with freeze_time("2026-12-02 02:00:00") as clock:
        control = _stop(actor, incident)
        immediate_stop_payment_review(
            actor=actor("monitor_bj"), number=control.number, outcome="confirmed", note="核实无误"
        )
        review = Clock.objects.get(kind=ClockKind.REVIEW)
        assert review.status == ClockStatus.STOPPED
        clock.move_to(control.due_at + datetime.timedelta(hours=2))
        clocks_sweep()
        assert not Escalation.objects.filter(clock=review).exists()


def test_sub_branch_confirms_the_immediate_stop_payment(actor, incident):
    control = _stop(actor, incident)
    reviewed = immediate_stop_payment_review(
        actor=actor("monitor_bj"), number=control.number, outcome="confirmed", note="核实无误"
    )
    assert reviewed.review_outcome == ImmediateReview.CONFIRMED
    assert reviewed.reviewed_by.username == "monitor_bj" and reviewed.reviewed_at
    assert reviewed.state == ControlState.APPROVED  # the hold stays
    event = AuditEvent.objects.get(action="control.reviewed")
    assert event.before["review_outcome"] == "" and event.after["review_outcome"] == "confirmed"
    told = OutboxMessage.objects.get(kind="notification", dedupe_key__endswith=":reviewed")
    assert told.payload["user_ids"] == [actor("teller_bj_hd").user.pk]
    assert not selectors.review_queue(actor=actor("monitor_bj")).exists()
    # Once only.
    before = _state()
    with pytest.raises(InvalidTransition):
        immediate_stop_payment_review(
            actor=actor("monitor2_bj"), number=control.number, outcome="confirmed"
        )
    assert _state() == before


@pytest.mark.parametrize(
    "username, error",
    [
        ("teller_bj_hd", OutOfScope),  # the requester's branch: the sub-branch reviews
        ("security_bj", PermissionRefused),
        ("monitor_sh", NotFound),
    ],
)
def test_who_may_not_review(actor, incident, username, error):
    control = _stop(actor, incident)
    before = _state()
    with pytest.raises(error) as refused:
        immediate_stop_payment_review(
            actor=actor(username), number=control.number, outcome="confirmed"
        )
    assert type(refused.value) is error
    assert _state() == before


def test_the_requester_never_reviews_their_own(actor, person, incident):
    """Four-eyes on the review: whoever raised the stop-payment cannot review it, even when
    they are a monitor of the reviewing sub-branch (made so here by rewriting the row)."""
    monitor = person("monitor_bj")
    control = _stop(actor, incident)
    ControlRequest.objects.filter(pk=control.pk).update(requested_by=monitor)
    assert RoleAssignment.objects.filter(user=monitor, role=Role.SUB_BRANCH_MONITOR).exists()
    before = _state()
    with pytest.raises(FourEyesRefused):
        immediate_stop_payment_review(
            actor=actor("monitor_bj"), number=control.number, outcome="confirmed"
        )
    assert _state() == before


def test_an_ordinary_request_is_not_reviewed(actor, incident):
    [control] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": _account(incident, OWN).pk}],
    )
    with pytest.raises(InvalidTransition):
        immediate_stop_payment_review(
            actor=actor("monitor_bj"), number=control.number, outcome="confirmed"
        )


def test_release_on_review_goes_through_the_release_flow(actor, incident, core_banking):
    control = _stop(actor, incident)
    # Not executed yet: nothing to lift, nothing changes.
    before = _state()
    with pytest.raises(InvalidTransition):
        immediate_stop_payment_review(
            actor=actor("monitor_bj"), number=control.number, outcome="released", note="误判"
        )
    assert _state() == before
    _confirm_executed(core_banking, control)
    # A reason is needed to release.
    with pytest.raises(InvalidInput) as refused:
        immediate_stop_payment_review(
            actor=actor("monitor_bj"), number=control.number, outcome="released"
        )
    assert "note" in refused.value.fields

    reviewed = immediate_stop_payment_review(
        actor=actor("monitor_bj"),
        number=control.number,
        outcome="released",
        note="客户本人账户,误止付",
    )
    assert reviewed.review_outcome == ImmediateReview.RELEASED
    release = ControlRequest.objects.get(kind=ControlKind.RELEASE, releases=control)
    assert release.state == ControlState.REQUESTED and release.requested_by.username == "monitor_bj"
    event = AuditEvent.objects.get(action="control.reviewed")
    assert event.after["release"] == release.number
    # Four-eyes on the release too: the reviewer who asked cannot approve it; another can.
    with pytest.raises(FourEyesRefused):
        control_request_approve(actor=actor("monitor_bj"), control_id=release.pk)
    approved = control_request_approve(actor=actor("monitor2_bj"), control_id=release.pk)
    assert approved.state == ControlState.APPROVED


# --- API ----------------------------------------------------------------------------------------


def test_api_immediate_stop_with_idempotency_key_and_review(api, actor, incident):
    teller = api("teller_bj_hd")
    body = {"incident": incident.number, "account": _account(incident, OWN).pk, "amount": "100.50"}
    first = teller.post(
        "/api/v1/immediate-stop-payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="stop-1"
    )
    replay = teller.post(
        "/api/v1/immediate-stop-payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="stop-1"
    )
    assert first.status_code == replay.status_code == 201, first.json()
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == first.json()
    data = first.json()
    assert data["immediate"] is True and data["state"] == "approved"
    assert data["amount"] == "100.50" and data["review_outcome"] == ""
    assert ControlRequest.objects.count() == 1

    listed = api("monitor_bj").get("/api/v1/control-requests/?immediate=true&awaiting_review=true")
    assert [c["number"] for c in listed.json()["results"]] == [data["number"]]

    url = f"/api/v1/control-requests/{data['number']}/review/"
    reviewed = api("monitor_bj").post(
        url, {"outcome": "confirmed"}, format="json", HTTP_IDEMPOTENCY_KEY="review-1"
    )
    assert reviewed.status_code == 200, reviewed.json()
    assert reviewed.json()["review_outcome"] == "confirmed"
    assert reviewed.json()["reviewed_by"] == "monitor_bj"
    bad = api("monitor2_bj").post(url, {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in str(bad.json())


def test_api_refuses_an_account_of_another_outlet_naming_the_field(api, incident):
    before = _state()
    response = api("teller_bj_hd").post(
        "/api/v1/immediate-stop-payments/",
        {"incident": incident.number, "account": _account(incident, PAYEE_BJ).pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_IDEMPOTENCY_KEY="stop-2",
    )
    assert response.status_code == 400
    assert "account" in str(response.json())
    assert _state() == before


# --- pages --------------------------------------------------------------------------------------


def _browser(person, username):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person(username))
    return client


def test_the_panel_offers_stop_now_only_for_the_branchs_own_accounts(person, incident):
    page = _browser(person, "teller_bj_hd").get(incident.get_absolute_url()).content.decode()
    assert f'data-testid="immediate-stop-{_account(incident, OWN).pk}"' in page
    assert f'data-testid="immediate-stop-{_account(incident, PAYEE_BJ).pk}"' not in page
    assert f'data-testid="immediate-stop-{_account(incident, OTHER_BANK).pk}"' not in page
    page = _browser(person, "monitor_bj").get(incident.get_absolute_url()).content.decode()
    assert 'data-testid="immediate-stop-' not in page


def test_stop_now_from_the_panel_then_review_from_the_queue(person, incident):
    teller = _browser(person, "teller_bj_hd")
    own = _account(incident, OWN)
    response = teller.post(
        f"/controls/incidents/{incident.number}/immediate-stop/",
        {"account": own.pk, "amount": "", "reason": "本网点开户"},
        follow=True,
    )
    assert response.status_code == 200
    control = ControlRequest.objects.get(immediate=True)
    assert "stopped at once" in response.content.decode()
    page = teller.get(incident.get_absolute_url()).content.decode()
    assert f'data-testid="immediate-stop-{own.pk}"' not in page  # a live stop is on it
    assert 'data-testid="immediate-badge"' in page

    monitor = _browser(person, "monitor_bj")
    queue = monitor.get("/controls/").content.decode()
    assert f'data-testid="to-review-{control.number}"' in queue
    assert f'data-testid="review-submit-{control.number}"' in queue
    response = monitor.post(
        f"/controls/requests/{control.number}/review/",
        {"outcome": "confirmed", "note": "", "expected_state": "approved"},
        follow=True,
    )
    assert "reviewed and confirmed" in response.content.decode()
    control.refresh_from_db()
    assert control.review_outcome == ImmediateReview.CONFIRMED


def test_refused_stop_now_on_the_page_says_why(person, incident):
    before = _state()
    response = _browser(person, "teller_bj_hd").post(
        f"/controls/incidents/{incident.number}/immediate-stop/",
        {"account": _account(incident, PAYEE_BJ).pk},
        follow=True,
    )
    assert "not opened at this branch" in response.content.decode()
    assert _state() == before


def test_queue_with_reviews_costs_a_fixed_number_of_queries(
    person, actor, django_assert_num_queries
):
    client = _browser(person, "monitor_bj")
    first = file_incident(
        person,
        accounts=[{"role": "payee", "number": OWN, "opening_unit": "BR-BJ-HD"}],
    )
    immediate_stop_payment_create(
        actor=actor("teller_bj_hd"), incident_id=first.pk, account_id=first.accounts.get().pk
    )
    with django_assert_num_queries(exact(REVIEW_QUEUE_QUERIES)):
        client.get("/controls/")
    for teller, unit in (("teller_bj_cy", "BR-BJ-CY"), ("manager_bj_hd", "BR-BJ-HD")):
        other = file_incident(
            person,
            teller=teller,
            accounts=[{"role": "payee", "number": OWN, "opening_unit": unit}],
        )
        immediate_stop_payment_create(
            actor=actor(teller), incident_id=other.pk, account_id=other.accounts.get().pk
        )
    with django_assert_num_queries(exact(REVIEW_QUEUE_QUERIES)):
        response = client.get("/controls/")
    assert response.content.decode().count('data-testid="to-review-') == 3
