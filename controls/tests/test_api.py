"""The account-control API: requests and decisions by staff, instructions pulled and
confirmed by core banking, releases, reversals, timeliness, idempotency."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from freezegun import freeze_time

from controls.api.serializers import ControlRequestSerializer, FreezeInstructionSerializer
from controls.choices import ControlKind, ControlState, DeliveryChannel, InstructionStatus
from controls.models import ControlRequest, FreezeInstruction
from controls.payloads import instruction_payload
from controls.selectors import freeze_instruction_list, with_related
from controls.services import (
    control_release_request,
    control_request_approve,
    control_request_reject,
    control_requests_create,
    reversal_request_create,
)
from controls.webhooks import webhook_body
from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.models import AuditEvent
from incidents.selectors import incident_timeline
from incidents.services import ledger_entry_record
from incidents.timeline import timeline_entries
from tests.query_counts import exact

from .conftest import PAYEE_BJ, PAYEE_SH, file_incident

pytestmark = pytest.mark.django_db

INSTRUCTIONS = "/api/v1/freeze-instructions/"
# Exact query counts of the list endpoints as these tests read them.
LIST_QUERIES = 9
PULL_QUERIES = 3


def _approved(actor, incident, number=PAYEE_BJ, approver="monitor_bj") -> ControlRequest:
    [control] = control_requests_create(
        actor=actor(incident.filed_by.username),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=number).pk}],
    )
    return control_request_approve(actor=actor(approver), control_id=control.pk)


def _confirm(client, instruction_id, result="executed", reference="CB-20261122-0001", **extra):
    return client.post(
        f"{INSTRUCTIONS}{instruction_id}/confirm/",
        {"result": result, "reference": reference, **extra},
        format="json",
    )


# --- requests and decisions -----------------------------------------------------------------


def test_teller_requests_through_the_api_and_the_monitor_approves(api, incident):
    teller = api("teller_bj_hd")
    response = teller.post(
        "/api/v1/control-requests/",
        {
            "incident": incident.number,
            "kind": "stop_payment",
            "reason": "诈骗收款账户",
            "accounts": [
                {"account": incident.accounts.get(number=PAYEE_BJ).pk, "amount": "50000"},
                {"number": "6217000010000000088", "opening_unit": "BR-BJ-XC"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert [c["state"] for c in created] == ["requested", "requested"]
    assert created[0]["approving_unit"] == "SB-BJ" and created[0]["amount"] == "50000.00"
    number = created[0]["number"]

    response = api("monitor_bj").post(
        f"/api/v1/control-requests/{number}/approve/", {}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "approved" and body["first_approved_by"] == "monitor_bj"
    assert body["instruction"]["status"] == "pending"
    assert body["approval_seconds"] is not None


def test_account_at_another_bank_refused_with_a_clear_code(api, incident):
    response = api("teller_bj_hd").post(
        "/api/v1/control-requests/",
        {
            "incident": incident.number,
            "kind": "freeze",
            "accounts": [{"number": "6228480000000000099", "at_this_bank": False}],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("account_not_at_this_bank", "invalid_input")
    assert not ControlRequest.objects.exists()


def test_self_approval_through_the_api_is_403_and_nothing_changes(api, actor, incident):
    [control] = control_requests_create(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        kind=ControlKind.FREEZE,
        targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
    )
    response = api("monitor_bj").post(
        f"/api/v1/control-requests/{control.number}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "four_eyes"
    control.refresh_from_db()
    assert control.state == ControlState.REQUESTED and control.first_approved_by is None


@pytest.mark.parametrize("username, status", [("monitor_sh", 404), ("ho_monitor", 403)])
def test_other_regions_cannot_approve_through_the_api(api, actor, incident, username, status):
    [control] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.FREEZE,
        targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
    )
    response = api(username).post(
        f"/api/v1/control-requests/{control.number}/approve/", {}, format="json"
    )
    assert response.status_code == status
    control.refresh_from_db()
    assert control.state == ControlState.REQUESTED


def test_list_is_scoped_and_its_query_count_pinned(api, actor, person, django_assert_num_queries):
    incident = file_incident(person)
    _approved(actor, incident)
    monitor = api("monitor_bj")
    with django_assert_num_queries(exact(LIST_QUERIES)):
        assert len(monitor.get("/api/v1/control-requests/").json()["results"]) == 1
    for teller in ("teller_bj_cy", "teller_bj_xc", "manager_bj_cy"):
        _approved(actor, file_incident(person, teller=teller))
    with django_assert_num_queries(exact(LIST_QUERIES)):
        assert len(monitor.get("/api/v1/control-requests/").json()["results"]) == 4
    assert api("monitor_gz").get("/api/v1/control-requests/").json()["results"] == []


# --- instructions: pull and confirm ----------------------------------------------------------


def test_core_banking_pulls_pending_instructions_and_the_request_becomes_sent(
    actor, incident, core_banking
):
    control = _approved(actor, incident)
    response = core_banking.get(INSTRUCTIONS, {"status": "pending"})
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["reference"] == control.number and item["kind"] == "stop_payment"
    assert item["account_number"] == PAYEE_BJ and item["unit"] == "BR-BJ-CY"
    assert item["incident"] == incident.number and item["currency"] == "CNY"
    assert item["delivered_via"] == DeliveryChannel.PULL
    control.refresh_from_db()
    assert control.state == ControlState.SENT and control.sent_at is not None
    # Pulling again shows it again (until confirmed) and records nothing new.
    events = AuditEvent.objects.count()
    assert len(core_banking.get(INSTRUCTIONS, {"status": "pending"}).json()["results"]) == 1
    assert AuditEvent.objects.count() == events


def test_pull_query_count_is_pinned(actor, person, core_banking, django_assert_num_queries):
    _approved(actor, file_incident(person))
    core_banking.get(INSTRUCTIONS, {"status": "pending"})  # first delivery recorded
    with django_assert_num_queries(exact(PULL_QUERIES)):
        core_banking.get(INSTRUCTIONS, {"status": "pending"})
    for teller in ("teller_bj_cy", "teller_bj_xc"):
        _approved(actor, file_incident(person, teller=teller))
    core_banking.get(INSTRUCTIONS, {"status": "pending"})
    with django_assert_num_queries(exact(PULL_QUERIES)):
        results = core_banking.get(INSTRUCTIONS, {"status": "pending"}).json()["results"]
    assert len(results) == 3


def test_pull_needs_the_scope_and_is_limited_to_the_clients_unit(actor, incident, scoped_client):
    _approved(actor, incident)
    no_scope = scoped_client(unit="HO", scopes=[ApiScope.INCIDENTS_READ])
    assert no_scope.get(INSTRUCTIONS).status_code == 403
    guangzhou = scoped_client(unit="SB-GZ", scopes=[ApiScope.FREEZES_READ])
    assert guangzhou.get(INSTRUCTIONS).json()["results"] == []
    beijing = scoped_client(unit="SB-BJ", scopes=[ApiScope.FREEZES_READ])
    assert len(beijing.get(INSTRUCTIONS).json()["results"]) == 1


def test_confirmation_executes_the_request_and_the_incident_shows_it(
    actor, incident, core_banking, api
):
    with freeze_time("2026-11-22 06:00:00") as clock:
        control = _approved(actor, incident)
        instruction = control.instruction
        clock.tick(delta=datetime.timedelta(seconds=95))
        response = _confirm(core_banking, instruction.pk, detail="已止付")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "executed" and body["bank_reference"] == "CB-20261122-0001"
    control.refresh_from_db()
    assert control.state == ControlState.EXECUTED
    assert control.execution_seconds == 95
    assert AuditEvent.objects.filter(
        action="control.confirmed", thread=incident.thread, target=control.number
    ).exists()
    detail = api("teller_bj_hd").get(f"/api/v1/control-requests/{control.number}/").json()
    assert detail["execution_seconds"] == 95
    assert detail["instruction"]["bank_reference"] == "CB-20261122-0001"


def test_confirming_twice_changes_nothing_the_second_time(actor, incident, core_banking):
    control = _approved(actor, incident)
    first = _confirm(core_banking, control.instruction.pk)
    assert first.status_code == 200
    audit_count = AuditEvent.objects.count()
    instruction = FreezeInstruction.objects.get()
    again = _confirm(core_banking, control.instruction.pk)
    assert again.status_code == 200
    assert again["X-FraudOps-Already-Confirmed"] == "true"
    assert again.json() == first.json()
    assert AuditEvent.objects.count() == audit_count
    assert FreezeInstruction.objects.get().confirmed_at == instruction.confirmed_at


@pytest.mark.parametrize(
    "result, reference", [("failed", "CB-20261122-0001"), ("executed", "CB-OTHER")]
)
def test_a_conflicting_second_confirmation_is_409(actor, incident, core_banking, result, reference):
    control = _approved(actor, incident)
    _confirm(core_banking, control.instruction.pk)
    response = _confirm(core_banking, control.instruction.pk, result=result, reference=reference)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_confirmed"
    control.refresh_from_db()
    assert control.state == ControlState.EXECUTED


def test_failed_execution_is_recorded_and_a_new_request_can_follow(actor, incident, core_banking):
    control = _approved(actor, incident)
    response = _confirm(
        core_banking, control.instruction.pk, result="failed", reference="", detail="账户已销户"
    )
    assert response.status_code == 200
    control.refresh_from_db()
    assert control.state == ControlState.FAILED
    _approved(actor, incident)  # the account may be requested again


def test_confirmation_rules(actor, incident, core_banking, scoped_client, api):
    control = _approved(actor, incident)
    pk = control.instruction.pk
    assert _confirm(core_banking, pk, reference="").status_code == 400  # executed needs a ref
    read_only = scoped_client(unit="HO", scopes=[ApiScope.FREEZES_READ])
    assert _confirm(read_only, pk).status_code == 403
    other_region = scoped_client(unit="SB-GZ", scopes=[ApiScope.FREEZES_WRITE])
    assert _confirm(other_region, pk).status_code == 404
    assert _confirm(api("monitor_bj"), pk).status_code == 403  # staff do not confirm
    assert _confirm(core_banking, 999999).status_code == 404
    control.refresh_from_db()
    assert control.state == ControlState.APPROVED


# --- release ----------------------------------------------------------------------------------


def test_release_goes_through_approval_and_lifts_the_hold(actor, incident, core_banking, api):
    control = _approved(actor, incident)
    _confirm(core_banking, control.instruction.pk)
    teller = api("teller_bj_hd")
    response = teller.post(
        f"/api/v1/control-requests/{control.number}/release/",
        {"reason": "公安已解除,客户资金已退回"},
        format="json",
    )
    assert response.status_code == 201, response.content
    release = response.json()
    assert release["kind"] == "release" and release["releases"] == control.number
    assert release["approving_unit"] == "SB-BJ"
    # A second release while one is open is refused.
    again = teller.post(
        f"/api/v1/control-requests/{control.number}/release/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409
    # Four-eyes applies to releases too.
    approved = api("monitor_bj").post(
        f"/api/v1/control-requests/{release['number']}/approve/", {}, format="json"
    )
    assert approved.status_code == 200
    pending = core_banking.get(INSTRUCTIONS, {"status": "pending"}).json()["results"]
    [lift] = [i for i in pending if i["kind"] == "release"]
    assert lift["releases"]["reference"] == control.number
    assert lift["releases"]["bank_reference"] == "CB-20261122-0001"
    assert _confirm(core_banking, lift["id"], reference="CB-REL-1").status_code == 200
    control.refresh_from_db()
    assert control.state == ControlState.RELEASED and control.released_at is not None


def test_only_an_executed_hold_can_be_released(actor, incident, api):
    control = _approved(actor, incident)
    response = api("teller_bj_hd").post(
        f"/api/v1/control-requests/{control.number}/release/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert not ControlRequest.objects.filter(kind=ControlKind.RELEASE).exists()


# --- reversal ---------------------------------------------------------------------------------


def test_reversal_is_authorised_by_the_remote_authoriser_in_one_step(api, incident, core_banking):
    response = api("teller_bj_hd").post(
        "/api/v1/reversal-requests/",
        {
            "incident": incident.number,
            "remittance_reference": "HK20261122135001",
            "amount": "200000",
            "payee_account_number": "6222000011112222333",
            "payee_name": "赵六",
            "remitted_at": (timezone.now() - datetime.timedelta(minutes=40)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    reversal = response.json()
    assert reversal["number"].startswith("RV-") and reversal["approving_unit"] == "SB-BJ"
    assert reversal["needs_second_approval"] is False
    # A monitor is not the remote authorisation centre.
    refused = api("monitor_bj").post(
        f"/api/v1/control-requests/{reversal['number']}/approve/", {}, format="json"
    )
    assert refused.status_code == 403
    done = api("authoriser_bj").post(
        f"/api/v1/control-requests/{reversal['number']}/approve/", {}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "approved"
    [item] = core_banking.get(INSTRUCTIONS, {"status": "pending"}).json()["results"]
    assert item["kind"] == "reversal" and item["remittance"]["reference"] == "HK20261122135001"
    assert item["unit"] == "BR-BJ-HD"


def _reversal(actor, incident, amount="20000"):
    reversal = reversal_request_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        remittance_reference="HK20261122135002",
        amount=amount,
        payee_account_number="6222000011112222333",
        remitted_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    return control_request_approve(actor=actor("authoriser_bj"), control_id=reversal.pk)


def test_executed_reversal_adds_one_ledger_entry_however_often_it_is_confirmed(
    api, actor, incident, core_banking
):
    ledger_entry_record(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        data={"kind": "recovery", "source": "returned_by_police", "amount": "1000"},
    )
    reversal = _reversal(actor, incident)
    assert _confirm(core_banking, reversal.instruction.pk, reference="CB-RV-1").status_code == 200
    incident.refresh_from_db()
    assert incident.amount_recovered == 21000
    [entry] = incident.ledger_entries.filter(source="reversal_executed")
    assert (entry.amount, entry.reference, entry.note) == (20000, reversal.number, "CB-RV-1")
    assert entry.recorded_by_client_id is not None
    event = AuditEvent.objects.get(
        action="incident.ledger_entry_added", target=f"ledger:{entry.pk}"
    )
    assert event.thread == incident.thread and event.actor_client_id is not None
    assert event.before["amount_recovered"] == "1000.00"
    assert event.after["amount_recovered"] == "21000.00"
    # Core banking confirming twice changes nothing the second time.
    assert _confirm(core_banking, reversal.instruction.pk, reference="CB-RV-1").status_code == 200
    incident.refresh_from_db()
    assert incident.amount_recovered == 21000
    assert incident.ledger_entries.count() == 2
    assert AuditEvent.objects.filter(action="incident.ledger_entry_added").count() == 2
    sentences = [
        entry.sentence for entry in timeline_entries(incident_timeline(incident=incident), tasks={})
    ]
    assert any("20,000.00" in text and reversal.number in text for text in sentences), sentences


def test_failed_reversal_or_executed_hold_recovers_nothing(actor, incident, core_banking):
    reversal = _reversal(actor, incident)
    assert _confirm(core_banking, reversal.instruction.pk, result="failed").status_code == 200
    hold = _approved(actor, incident)
    assert _confirm(core_banking, hold.instruction.pk).status_code == 200
    incident.refresh_from_db()
    assert incident.amount_recovered == 0
    assert not incident.ledger_entries.exists()
    assert not AuditEvent.objects.filter(action="incident.ledger_entry_added").exists()


@pytest.mark.parametrize(
    "username, status",
    [
        ("monitor_bj", 403),  # sees the incident, not the filing branch
        ("teller_bj_cy", 404),  # another branch: the incident is out of sight
        ("authoriser_bj", 403),
    ],
)
def test_only_the_filing_branch_requests_a_reversal(api, incident, username, status):
    response = api(username).post(
        "/api/v1/reversal-requests/",
        {
            "incident": incident.number,
            "remittance_reference": "HK1",
            "amount": "100",
            "payee_account_number": "6222000011112222333",
            "remitted_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == status
    assert not ControlRequest.objects.exists()
    if response.status_code == 403:
        # Audited as what was attempted, so the timeline reads "tried to request a reversal".
        refusal = AuditEvent.objects.get(outcome="refused")
        assert refusal.action == "control.reversal_request"


def test_reversal_input_errors_name_each_field(api, incident):
    response = api("teller_bj_hd").post(
        "/api/v1/reversal-requests/",
        {
            "incident": incident.number,
            "remittance_reference": "",
            "amount": "abc",
            "payee_account_number": "12x",
            "remitted_at": "yesterday",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"remittance_reference", "amount", "payee_account_number", "remitted_at"} <= set(fields)


# --- assistance -------------------------------------------------------------------------------


def test_assistance_is_acknowledged_once_by_the_region_asked(api, actor, incident):
    control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=PAYEE_SH).pk}],
    )
    [item] = api("monitor_sh").get("/api/v1/assistance-requests/").json()["results"]
    assert item["from_unit"] == "SB-BJ" and item["to_unit"] == "SB-SH"
    assert (
        api("monitor_bj")
        .post(f"/api/v1/assistance-requests/{item['id']}/acknowledge/", {}, format="json")
        .status_code
        == 403
    )
    ok = api("monitor_sh").post(
        f"/api/v1/assistance-requests/{item['id']}/acknowledge/",
        {"note": "已调查"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "acknowledged"
    again = api("monitor2_sh").post(
        f"/api/v1/assistance-requests/{item['id']}/acknowledge/", {}, format="json"
    )
    assert again.status_code == 409
    assert len(api("ho_monitor").get("/api/v1/assistance-requests/").json()["results"]) == 1
    assert api("monitor_gz").get("/api/v1/assistance-requests/").json()["results"] == []


# --- timeliness -------------------------------------------------------------------------------


def test_timeliness_distributions_per_unit_and_period(actor, person, core_banking, api):
    with freeze_time("2026-11-22 05:00:00") as clock:
        incident = file_incident(person)
        clock.tick(delta=datetime.timedelta(minutes=3))
        [control] = control_requests_create(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            kind=ControlKind.STOP_PAYMENT,
            targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
        )
        clock.tick(delta=datetime.timedelta(seconds=90))
        control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
        clock.tick(delta=datetime.timedelta(seconds=30))
        _confirm(core_banking, FreezeInstruction.objects.get().pk)
        other = file_incident(person, teller="teller_bj_cy")
        clock.tick(delta=datetime.timedelta(minutes=1))
        control_requests_create(
            actor=actor("teller_bj_cy"),
            incident_id=other.pk,
            kind=ControlKind.FREEZE,
            targets=[{"account": other.accounts.get(number=PAYEE_BJ).pk}],
        )
    response = api("ho_monitor").get(
        "/api/v1/control-timeliness/", {"period": "day", "group_by": "sub_branch"}
    )
    assert response.status_code == 200
    [row] = response.json()
    assert row["unit"] == "SB-BJ" and row["period_start"] == "2026-11-22"
    assert row["incidents"] == 2
    assert row["filing_to_request"]["count"] == 2
    assert row["filing_to_request"]["max"] == 180.0
    assert row["request_to_approval"] == {
        "count": 1,
        "min": 90.0,
        "p50": 90.0,
        "p90": 90.0,
        "max": 90.0,
        "mean": 90.0,
    }
    assert row["approval_to_execution"]["p50"] == 30.0
    assert row["filing_to_execution"]["p50"] == 300.0
    by_branch = (
        api("ho_monitor")
        .get("/api/v1/control-timeliness/", {"period": "month", "group_by": "branch"})
        .json()
    )
    assert [r["unit"] for r in by_branch] == ["BR-BJ-CY", "BR-BJ-HD"]
    assert api("monitor_gz").get("/api/v1/control-timeliness/").json() == []
    assert (
        api("ho_monitor").get("/api/v1/control-timeliness/", {"period": "year"}).status_code == 400
    )


def test_timeliness_bounds_name_the_unreadable_ones(api):
    response = api("ho_monitor").get(
        "/api/v1/control-timeliness/", {"since": "2026-02-30T00:00:00Z", "until": "soon"}
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"since", "until"}
    readable = api("ho_monitor").get(
        "/api/v1/control-timeliness/",
        {"since": "2026-11-01T00:00:00Z", "until": "2026-12-01 00:00"},
    )
    assert readable.status_code == 200


# --- idempotency ------------------------------------------------------------------------------


def test_idempotency_key_replays_the_same_answer_and_refuses_another_body(api, actor, incident):
    [control] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"account": incident.accounts.get(number=PAYEE_BJ).pk}],
    )
    monitor = api("monitor_bj")
    url = f"/api/v1/control-requests/{control.number}/approve/"
    first = monitor.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="approve-1")
    replay = monitor.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="approve-1")
    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    other = monitor.post(
        url, {"expected_state": "requested"}, format="json", HTTP_IDEMPOTENCY_KEY="approve-1"
    )
    assert other.status_code == 422
    assert FreezeInstruction.objects.count() == 1
    # Without the key, the same request again is a plain conflict (already decided).
    assert monitor.post(url, {}, format="json").status_code == 409


def test_confirmation_with_an_idempotency_key_replays(actor, incident, core_banking):
    control = _approved(actor, incident)
    url = f"{INSTRUCTIONS}{control.instruction.pk}/confirm/"
    body = {"result": "executed", "reference": "CB-1"}
    first = core_banking.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    replay = core_banking.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    other = core_banking.post(
        url, {**body, "result": "failed"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
    )
    assert other.status_code == 422
    assert FreezeInstruction.objects.get().status == InstructionStatus.EXECUTED


def test_schema_documents_the_control_endpoints(api):
    schema = api("teller_bj_hd").get("/api/schema/", HTTP_ACCEPT="application/json").content
    for path in (
        b"/api/v1/freeze-instructions/",
        b"/api/v1/freeze-instructions/{id}/confirm/",
        b"/api/v1/control-requests/{number}/approve/",
        b"/api/v1/control-timeliness/",
    ):
        assert path in schema


def test_hand_built_answer_matches_the_declared_fields(actor, incident, core_banking, settings):
    """The request's JSON is built by hand for speed; it must equal what the serializer's
    declared fields (and so the OpenAPI document) say, in every state."""
    executed = _approved(actor, incident)
    _confirm(core_banking, executed.instruction.pk)
    control_release_request(actor=actor("teller_bj_hd"), control_id=executed.pk, reason="解除")
    settings.CONTROLS_SECOND_APPROVAL_ABOVE = 100
    [big, rejected] = control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind=ControlKind.FREEZE,
        targets=[
            {"account": incident.accounts.get(number=PAYEE_SH).pk, "amount": "1000"},
            {"number": "6217000010000000066", "opening_unit": "BR-BJ-XC"},
        ],
    )
    control_request_approve(actor=actor("monitor_sh"), control_id=big.pk)
    control_request_reject(actor=actor("monitor_bj"), control_id=rejected.pk, reason="不需要")
    reversal_request_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        remittance_reference="HK1",
        amount="100",
        payee_account_number="6222000011112222333",
        remitted_at=timezone.now(),
    )
    controls = with_related(ControlRequest.objects.all())
    assert {c.state for c in controls} >= {"executed", "requested", "first_approved", "rejected"}
    for control in controls:
        serializer = ControlRequestSerializer(control)
        assert serializer.data == serializer.declared_representation(control), control.number


def test_instruction_document_is_the_declared_fields_and_the_webhooks_body(
    actor, incident, core_banking
):
    """The instruction's document is built by the domain (controls.payloads) for the pull
    API and the webhook alike; it must equal the serializer's declared fields, and the
    webhook must carry exactly it, for holds, releases and reversals, pending or confirmed."""
    executed = _approved(actor, incident)
    _confirm(core_banking, executed.instruction.pk)
    release = control_release_request(
        actor=actor("teller_bj_hd"), control_id=executed.pk, reason="解除"
    )
    control_request_approve(actor=actor("monitor_bj"), control_id=release.pk)
    reversal = _reversal(actor, incident, amount="1234.5")
    _confirm(
        core_banking, reversal.instruction.pk, result="failed", reference="", detail="余额不足"
    )
    instructions = list(freeze_instruction_list(actor=Actor.for_client(core_banking.client_record)))
    assert {i.kind for i in instructions} == {"stop_payment", "release", "reversal"}
    assert any(i.releases_id for i in instructions) and any(i.delivered_via for i in instructions)
    for instruction in instructions:
        serializer = FreezeInstructionSerializer(instruction)
        declared = serializer.declared_representation(instruction)
        assert instruction_payload(instruction) == declared, instruction.reference
        assert serializer.data == declared
        event = "freeze_instruction.issued"
        expected = {
            "event": event,
            "delivery": f"{instruction.pk}:{event}",
            "instruction": declared,
        }
        assert (
            webhook_body(instruction=instruction, event=event)
            == json.dumps(expected, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        )
