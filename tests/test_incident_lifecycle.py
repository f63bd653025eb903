"""Each of the seven types walked from filing to closure through all three levels, by
people holding the right roles, through the REST API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fraudops.core.choices import ROLE_LEVEL, Level, level_above
from fraudops.core.models import AuditEvent, User
from incidents.choices import IncidentState, TaskStatus
from incidents.demo import TINY_PNG, report_level, sample_evidence, worker_for
from incidents.models import Incident, Task
from workflows.services import playbook_new_version

from .incident_data import TYPES, filing


def _staff_above(task: Task) -> User:
    above = level_above(task.level)
    roles = [r for r, lvl in ROLE_LEVEL.items() if lvl == above]
    return User.objects.filter(unit=task.unit.parent, role_assignments__role__in=roles).first()


def _work_level_via_api(api, incident: Incident, level: str) -> None:
    tasks = list(
        incident.tasks.filter(level=level)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.NOT_APPLICABLE])
        .select_related("step", "unit", "unit__parent")
        .order_by("step__reports_up", "order")
    )
    for task in tasks:
        url = f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/"
        if task.status == TaskStatus.WAITING:
            boss = api(_staff_above(task).username)
            response = boss.post(url, {"result": "instructed", "note": "请报案"}, format="json")
            assert response.status_code == 200, response.json()
        worker = api(worker_for(task).username)
        files = {
            f"files[{f['name']}]": SimpleUploadedFile(f"{f['name']}.png", TINY_PNG, "image/png")
            for f in task.step.evidence
            if f.get("type") == "file" and f.get("required")
        }
        if files:
            # A step with files sends them with its result: one part per file field.
            values = {f"evidence[{k}]": v for k, v in sample_evidence(task).items()}
            response = worker.post(
                url, {"result": "done", "note": "完成", **values, **files}, format="multipart"
            )
        else:
            response = worker.post(
                url,
                {"result": "done", "note": "完成", "evidence": sample_evidence(task)},
                format="json",
            )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "done"


@pytest.mark.parametrize("incident_type", TYPES)
def test_each_type_walks_from_filing_to_closure_through_three_levels(api, bank, incident_type):
    teller = api("teller_bj_hd")
    response = teller.post("/api/v1/incidents/", filing(incident_type), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "branch_handling"
    assert body["level"] == "branch"
    assert body["number"].startswith("FI-")
    assert {t["level"] for t in body["tasks"]} == {"branch"}
    incident = Incident.objects.get(number=body["number"])

    _work_level_via_api(api, incident, Level.BRANCH)
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    sub_tasks = incident.tasks.filter(level=Level.SUB_BRANCH)
    assert sub_tasks.exists()
    assert {t.unit.code for t in sub_tasks} == {"SB-BJ"}

    _work_level_via_api(api, incident, Level.SUB_BRANCH)
    incident.refresh_from_db()
    assert incident.state == IncidentState.HEAD_OFFICE_HANDLING
    assert {t.unit.code for t in incident.tasks.filter(level=Level.HEAD_OFFICE)} == {"HO"}

    _work_level_via_api(api, incident, Level.HEAD_OFFICE)
    response = api("ho_monitor").post(
        f"/api/v1/incidents/{incident.number}/transitions/",
        {"transition": "close", "expected_state": "head_office_handling"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"

    timeline = api("auditor").get(f"/api/v1/incidents/{incident.number}/timeline/").json()
    actions = [event["action"] for event in timeline]
    assert actions[0] == "incident.filed"
    assert actions.count("incident.reported_up") == 2
    assert actions[-1] == "incident.transition"
    assert all(event["actor"] and event["at"] for event in timeline)


def test_incident_moves_up_when_the_report_is_done_without_waiting_for_slow_steps(api, bank):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    incident = Incident.objects.get(number=response.json()["number"])
    report = incident.tasks.get(level=Level.BRANCH, step__reports_up=True)
    response = api("manager_bj_hd").post(
        f"/api/v1/incidents/{incident.number}/tasks/{report.pk}/result/",
        {"result": "done", "evidence": sample_evidence(report)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    incident.refresh_from_db()
    assert incident.state == IncidentState.SUB_BRANCH_HANDLING
    # Cooperating with the police is still open at the branch, and still workable there.
    police = incident.tasks.get(step__code="cooperate_police")
    assert police.status == TaskStatus.OPEN
    assert incident.reported_to_sub_branch_at is not None


def test_closing_is_refused_while_a_mandatory_step_is_open(api, bank):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    incident = Incident.objects.get(number=response.json()["number"])
    report_level(incident, Level.BRANCH)
    report_level(incident, Level.SUB_BRANCH)
    response = api("ho_monitor").post(
        f"/api/v1/incidents/{incident.number}/transitions/",
        {"transition": "close"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "open_tasks"
    incident.refresh_from_db()
    assert incident.state == IncidentState.HEAD_OFFICE_HANDLING


def test_return_for_more_information_and_resubmit(api, bank):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    number = response.json()["number"]
    incident = Incident.objects.get(number=number)
    report_level(incident, Level.BRANCH)
    sub_task_count = incident.tasks.filter(level=Level.SUB_BRANCH).count()

    url = f"/api/v1/incidents/{number}/transitions/"
    response = api("monitor_bj").post(
        url, {"transition": "return", "reason": "请补充收款账户开户信息"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "returned_to_branch"
    assert response.json()["state_reason"] == "请补充收款账户开户信息"

    response = api("teller_bj_hd").post(url, {"transition": "resubmit"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "sub_branch_handling"
    # Re-entering the level does not duplicate its tasks.
    assert incident.tasks.filter(level=Level.SUB_BRANCH).count() == sub_task_count


def test_withdraw_needs_a_reason_and_the_branch_manager(api, bank):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    number = response.json()["number"]
    url = f"/api/v1/incidents/{number}/transitions/"
    response = api("manager_bj_hd").post(url, {"transition": "withdraw"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api("teller_bj_hd").post(
        url, {"transition": "withdraw", "reason": "重复登记"}, format="json"
    )
    assert response.status_code == 403
    response = api("manager_bj_hd").post(
        url, {"transition": "withdraw", "reason": "重复登记"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert AuditEvent.objects.filter(
        thread=Incident.objects.get(number=number).thread, outcome="refused"
    ).exists()


def test_waiting_step_opens_only_on_the_instruction_of_the_level_above(api, bank):
    response = api("teller_bj_hd").post(
        "/api/v1/incidents/", filing("impostor_customer"), format="json"
    )
    incident = Incident.objects.get(number=response.json()["number"])
    waiting = incident.tasks.get(status=TaskStatus.WAITING)
    assert waiting.due_at is None
    url = f"/api/v1/incidents/{incident.number}/tasks/{waiting.pk}/result/"
    response = api("manager_bj_hd").post(url, {"result": "done"}, format="json")
    assert response.status_code == 409
    # The branch cannot instruct itself.
    response = api("manager_bj_hd").post(url, {"result": "instructed", "note": "x"}, format="json")
    assert response.status_code == 403
    report_level(incident, Level.BRANCH)
    response = api("monitor_bj").post(
        url, {"result": "instructed", "note": "请立即报案"}, format="json"
    )
    assert response.status_code == 200, response.json()
    waiting.refresh_from_db()
    assert waiting.status == TaskStatus.OPEN
    assert waiting.due_at is not None
    assert waiting.instruction == "请立即报案"


def test_incident_keeps_its_playbook_version_when_head_office_edits_the_playbook(api, bank, actor):
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    incident = Incident.objects.get(number=response.json()["number"])
    old = incident.playbook
    new = playbook_new_version(actor=actor("admin"), playbook=old)
    new.steps.filter(level=Level.SUB_BRANCH, code="share_in_region").update(deadline_minutes=30)
    report_level(incident, Level.BRANCH)
    share = incident.tasks.get(level=Level.SUB_BRANCH, step__code="share_in_region")
    assert share.step.playbook_id == old.pk
    assert share.step.deadline_minutes == 60
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    assert response.json()["playbook_version"] == new.version
