"""Steps done by their records (issue 10, item 3): the watch-list nomination step by the
nominations raised from the incident, head office's "maintain the watch list" by its
decisions on them, the sub-branch's account-control step by the control requests and their
results; steps the incident's facts make not applicable, marked and reopened on their own;
reopening by the level holding the incident."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from clocks.models import Clock
from controls import services as control_services
from controls.models import FreezeInstruction
from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.errors import Conflict, InvalidInput, OutOfScope
from fraudops.core.models import AuditEvent, OutboxMessage
from incidents import services
from incidents.choices import TaskStatus
from incidents.demo import report_level
from incidents.models import Account, Incident, Task, TaskRecord
from incidents.step_conditions import CONDITIONS, REASONS
from incidents.step_records import record_sources
from watchlist import services as watchlist_services
from workflows.choices import StepCondition
from workflows.playbook_files import playbook_files_read
from workflows.playbook_schema import playbook_problems, step_problems

from .incident_data import filing

PAYEE_HERE = "6217000010000000001"  # held at BR-BJ-CY, in the filing branch's region
OTHER_BANK = "6228480000000000003"


def _file(actor, incident_type="telecom_fraud", **overrides) -> Incident:
    return services.incident_file(
        actor=actor("teller_bj_hd"), data=filing(incident_type, **overrides)
    )


def _task(incident: Incident, code: str) -> Task:
    return Task.objects.select_related("step", "completed_by").get(
        incident=incident, step__code=code
    )


def _done_events(task: Task) -> int:
    return AuditEvent.objects.filter(
        action="task.done", target=f"task:{task.pk}", outcome="ok"
    ).count()


def _state(task: Task):
    """What a refused write must leave unchanged: the task row, the audit trail (refusals
    aside) and the outbox."""
    return (
        Task.objects.filter(pk=task.pk).values().get(),
        AuditEvent.objects.exclude(outcome="refused").count(),
        OutboxMessage.objects.count(),
    )


# --- the design: the playbook files name registered sources and known facts ---


def test_every_done_by_in_the_playbooks_is_a_registered_record_source(bank):
    sources = record_sources()
    named = {
        step["done_by"]
        for spec in playbook_files_read()
        for step in spec["steps"]
        if step.get("done_by")
    }
    assert named == {
        "watchlist.nomination",
        "watchlist.decision",
        "controls.request",
        "controls.result",
    }
    assert named <= set(sources)
    assert set(CONDITIONS) == set(StepCondition.values) == set(REASONS)


def test_the_schema_refuses_a_second_step_of_one_source_and_a_fact_on_a_required_step():
    step = {"level": "branch", "code": "a", "conditional": False}
    fields = {p.field for p in step_problems({**step, "not_applicable_unless": "serious"})}
    assert "conditional" in fields
    fields = {p.field for p in step_problems({**step, "not_applicable_unless": "sunny"})}
    assert "not_applicable_unless" in fields
    fields = {p.field for p in step_problems({**step, "done_by": "Watchlist"})}
    assert "done_by" in fields
    steps = [
        {**step, "code": "a", "done_by": "watchlist.nomination"},
        {**step, "code": "b", "done_by": "watchlist.nomination"},
    ]
    assert "done_by" in {p.field for p in playbook_problems(steps, each_step=False)}


# --- the watch-list nomination step ---


def test_the_nomination_step_is_done_by_the_nominations_raised_from_the_incident_once(
    actor, client, person, api
):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    step = _task(incident, "watch_list_nomination")
    assert step.status == TaskStatus.OPEN
    payee = incident.accounts.get(role="payee")
    first = watchlist_services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"account:{payee.pk}",
        reason="诈骗收款账户",
    )
    step = _task(incident, "watch_list_nomination")
    assert step.status == TaskStatus.DONE
    assert step.completed_by.username == "monitor_bj"
    assert f"N-{first.pk}" in step.note
    assert _done_events(step) == 1
    done = AuditEvent.objects.get(action="task.done", target=f"task:{step.pk}")
    assert done.data["source"] == "watchlist.nomination"
    # A second nomination is linked and shown, and does not record the step again.
    party = incident.parties.get(role="payee")
    second = watchlist_services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"party:{party.pk}",
        reason="诈骗收款人",
    )
    assert _done_events(step) == 1
    assert set(TaskRecord.objects.filter(task=step).values_list("record_id", flat=True)) == {
        first.pk,
        second.pk,
    }

    client.force_login(person("monitor_bj"))
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="records-watch_list_nomination"' in page
    assert f'data-testid="record-N-{first.pk} ' in page
    assert f"/watchlist/nominations/{second.pk}/" in page
    # The step's evidence form is replaced by its records.
    assert 'data-testid="done-watch_list_nomination"' not in page

    body = api("monitor_bj").get(f"/api/v1/incidents/{incident.number}/").json()
    [shown] = [t for t in body["tasks"] if t["step"] == "watch_list_nomination"]
    assert shown["done_by"] == "watchlist.nomination"
    assert [r["label"].split()[0] for r in shown["records"]] == [f"N-{first.pk}", f"N-{second.pk}"]
    assert all(r["done"] for r in shown["records"])


def test_a_step_done_by_records_is_done_by_hand_only_with_the_reason(actor):
    incident = _file(actor)
    report_level(incident, Level.BRANCH)
    step = _task(incident, "watch_list_nomination")
    before = _state(step)
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(actor=actor("monitor_bj"), task_id=step.pk, note="")
    assert "note" in refused.value.fields
    assert _state(step) == before
    services.task_complete(
        actor=actor("monitor_bj"), task_id=step.pk, note="收款人已在关注名单中,无需再次提名"
    )
    step = _task(incident, "watch_list_nomination")
    assert step.status == TaskStatus.DONE
    done = AuditEvent.objects.get(action="task.done", target=f"task:{step.pk}")
    assert done.data["without_record"] is True


# --- head office's "maintain the watch list" ---


def test_head_office_maintains_the_watch_list_by_deciding_every_nomination(actor, person, client):
    incident = _file(actor, "impostor_customer")
    report_level(incident, Level.BRANCH)
    impostor = incident.parties.get()
    decided = watchlist_services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"party:{impostor.pk}",
        reason="冒名办理业务",
    )
    # Decided while the sub-branch still holds the incident: head office's step is not
    # there yet; the record waits for it.
    watchlist_services.nomination_approve(
        actor=actor("ho_monitor"), nomination_id=decided.pk, reason="同意"
    )
    assert TaskRecord.objects.get(source="watchlist.decision", record_id=decided.pk).task is None
    waiting = watchlist_services.nomination_create(
        actor=actor("monitor_bj"),
        kind="phone",
        data={"phone": "13900139000"},
        reason="冒名者联系电话",
        incident_id=incident.pk,
    )
    report_level(incident, Level.SUB_BRANCH)
    step = _task(incident, "maintain_watch_list")
    # One decision of two: still open, both shown.
    assert step.status == TaskStatus.OPEN
    assert TaskRecord.objects.filter(task=step).count() == 2
    client.force_login(person("ho_monitor"))
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="records-maintain_watch_list"' in page
    assert f"N-{waiting.pk}" in page and "Awaiting head office" in page

    watchlist_services.nomination_reject(
        actor=actor("ho_monitor2"), nomination_id=waiting.pk, reason="号码不能确认"
    )
    step = _task(incident, "maintain_watch_list")
    assert step.status == TaskStatus.DONE
    assert step.completed_by.username == "ho_monitor2"
    assert _done_events(step) == 1


def test_decisions_made_before_head_office_gets_the_incident_do_its_step_when_it_opens(actor):
    incident = _file(actor, "forged_bills")
    report_level(incident, Level.BRANCH)
    drawer = incident.parties.get()
    nomination = watchlist_services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"party:{drawer.pk}",
        reason="伪造票据出票人",
    )
    watchlist_services.nomination_reject(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="信息不足"
    )
    report_level(incident, Level.SUB_BRANCH)
    step = _task(incident, "maintain_watch_list")
    assert step.status == TaskStatus.DONE
    assert step.completed_by is None  # by the system, naming the record
    assert f"N-{nomination.pk}" in step.note
    assert not Clock.objects.filter(subject_id=step.pk, kind="task", status="open").exists()


# --- the sub-branch's account-control step ---


def _payee_here_filing() -> dict:
    data = filing()
    data["accounts"] = [
        data["accounts"][0],
        {
            "role": "payee",
            "kind": "account",
            "number": PAYEE_HERE,
            "at_this_bank": True,
            "opening_unit": "BR-BJ-CY",
            "party": 1,
        },
    ]
    return data


def test_the_control_step_is_done_by_the_requests_and_their_results(
    actor, person, client, core_banking
):
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=_payee_here_filing())
    account = incident.accounts.get(number=PAYEE_HERE)
    [control] = control_services.control_requests_create(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        kind="stop_payment",
        targets=[{"account": account.pk}],
    )
    branch_step = _task(incident, "stop_payment")
    assert branch_step.status == TaskStatus.DONE
    assert branch_step.evidence["request_reference"] == control.number
    report_level(incident, Level.BRANCH)
    step = _task(incident, "account_control")
    # Linked when the sub-branch's steps opened; waiting for the result.
    assert step.status == TaskStatus.OPEN
    assert TaskRecord.objects.get(task=step).record_id == control.pk
    control_services.control_request_approve(actor=actor("monitor_bj"), control_id=control.pk)
    assert _task(incident, "account_control").status == TaskStatus.OPEN
    instruction = FreezeInstruction.objects.get(control=control)
    control_services.instruction_confirm(
        actor=Actor.for_client(core_banking.client_record),
        instruction_id=instruction.pk,
        result="executed",
        reference="CB-1",
    )
    step = _task(incident, "account_control")
    assert step.status == TaskStatus.DONE and _done_events(step) == 1
    # Core banking confirming again changes nothing, and does not record the step twice.
    control_services.instruction_confirm(
        actor=Actor.for_client(core_banking.client_record),
        instruction_id=instruction.pk,
        result="executed",
        reference="CB-1",
    )
    assert _done_events(step) == 1 and _done_events(branch_step) == 1
    client.force_login(person("monitor_bj"))
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="records-account_control"' in page
    assert f"/controls/requests/{control.number}/" in page and "Executed" in page


# --- not applicable by the incident's facts ---


def _no_payee_here(actor) -> Incident:
    data = filing()
    data["accounts"] = [
        data["accounts"][0],
        {"role": "payee", "kind": "account", "number": OTHER_BANK, "bank_name": "某农商银行"},
    ]
    return services.incident_file(actor=actor("teller_bj_hd"), data=data)


@freeze_time("2026-11-22 05:50:00")
def test_a_step_the_facts_rule_out_is_marked_at_filing_and_reopened_when_they_change(actor):
    incident = _no_payee_here(actor)
    step = _task(incident, "stop_payment")
    assert step.status == TaskStatus.NOT_APPLICABLE and step.na_rule == "payee_account_here"
    assert step.completed_by is None and step.note
    event = AuditEvent.objects.get(action="task.not_applicable", target=f"task:{step.pk}")
    assert event.actor_label == "system" and event.data["automatic"] is True
    clock = Clock.objects.get(subject_id=step.pk, kind="task")
    assert clock.status == "stopped"

    later = timezone.now() + datetime.timedelta(hours=1)
    with freeze_time(later):
        # Another branch of work adds the payee account found in the history, then refreshes.
        Account.objects.create(
            incident=incident,
            role="payee",
            number=PAYEE_HERE,
            at_this_bank=True,
            opening_unit=incident.unit,
        )
        changed = services.task_applicability_refresh(
            actor=actor("teller_bj_hd"), incident=incident
        )
        assert [task.pk for task in changed] == [step.pk]
        step = _task(incident, "stop_payment")
        assert step.status == TaskStatus.OPEN and step.na_rule == "" and step.note == ""
        # Its deadline runs again from now, not from filing.
        assert step.due_at == later + datetime.timedelta(minutes=15)
        clock.refresh_from_db()
        assert clock.status == "open" and clock.due_at == step.due_at
        reopened = AuditEvent.objects.get(action="task.reopened", target=f"task:{step.pk}")
        assert reopened.data["automatic"] is True
        # Refreshing again changes nothing.
        assert (
            services.task_applicability_refresh(actor=actor("teller_bj_hd"), incident=incident)
            == []
        )


def test_the_facts_never_touch_a_step_done_or_decided_by_a_person(actor):
    incident = _no_payee_here(actor)
    step = _task(incident, "stop_payment")
    services.task_reopen(actor=actor("teller_bj_hd"), task_id=step.pk, reason="收款账户实为本行")
    assert services.task_applicability_refresh(actor=actor("teller_bj_hd"), incident=incident) == []
    assert _task(incident, "stop_payment").status == TaskStatus.OPEN
    # A T1 with the payee here: a person marks it not applicable; the facts leave it.
    other = _file(actor)
    step = _task(other, "stop_payment")
    services.task_mark_not_applicable(actor=actor("teller_bj_hd"), task_id=step.pk, reason="已冲正")
    other.accounts.filter(role="payee").delete()
    assert services.task_applicability_refresh(actor=actor("teller_bj_hd"), incident=other) == []
    assert _task(other, "stop_payment").na_rule == ""


def test_not_serious_marks_the_security_report_not_applicable_when_head_office_opens(actor):
    incident = _file(actor, "impostor_customer")
    report_level(incident, Level.BRANCH)
    report_level(incident, Level.SUB_BRANCH)
    step = _task(incident, "report_security_dept")
    assert step.status == TaskStatus.NOT_APPLICABLE and step.na_rule == "serious"
    Incident.objects.filter(pk=incident.pk).update(serious=True)
    incident.refresh_from_db()
    services.task_applicability_refresh(actor=actor("ho_monitor"), incident=incident)
    assert _task(incident, "report_security_dept").status == TaskStatus.OPEN


# --- reopening by the level that holds the incident ---


def test_the_holding_level_reopens_on_the_page_and_through_the_api(actor, person, client, api):
    incident = _no_payee_here(actor)
    step = _task(incident, "stop_payment")
    client.force_login(person("teller_bj_hd"))
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="reopen-stop_payment"' in page
    assert "No payee account of this incident is held at this bank." in page
    response = client.post(
        f"/incidents/{incident.number}/tasks/{step.pk}/reopen/",
        {"reason": "收款账户实为本行"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    step = _task(incident, "stop_payment")
    assert step.status == TaskStatus.OPEN and step.applicability_fixed

    # Through the API, once the sub-branch holds the incident: its monitors reopen.
    services.task_mark_not_applicable(actor=actor("teller_bj_hd"), task_id=step.pk, reason="他行")
    report_level(incident, Level.BRANCH)
    url = f"/api/v1/incidents/{incident.number}/tasks/{step.pk}/reopen/"
    monitor = api("monitor_bj")
    first = monitor.post(
        url, {"reason": "经核实为本行账户"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "open"
    replay = monitor.post(
        url, {"reason": "经核实为本行账户"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="task.reopened", target=f"task:{step.pk}").count() == 2


def test_a_refused_reopen_changes_nothing(actor, api):
    incident = _no_payee_here(actor)
    step = _task(incident, "stop_payment")
    report_level(incident, Level.BRANCH)
    before = _state(step)
    # The branch no longer holds the incident.
    with pytest.raises(OutOfScope):
        services.task_reopen(actor=actor("teller_bj_hd"), task_id=step.pk, reason="本行账户")
    assert _state(step) == before
    # No reason.
    response = api("monitor_bj").post(
        f"/api/v1/incidents/{incident.number}/tasks/{step.pk}/reopen/",
        {"reason": " "},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert _state(step) == before
    # A step that is open is not reopened.
    police = _task(incident, "police_report")
    before_police = _state(police)
    with pytest.raises(Conflict):
        services.task_reopen(actor=actor("monitor_bj"), task_id=police.pk, reason="重新办理")
    assert _state(police) == before_police
    assert AuditEvent.objects.filter(action="task.reopen", outcome="refused").count() == 2
