"""Scope and roles: everyone sees and acts only within their unit's subtree; the wrong role
or the wrong unit is refused, the refusal is audited, and nothing changes."""

from __future__ import annotations

import pytest

from fraudops.core.choices import ApiScope, Level
from fraudops.core.models import AuditEvent
from incidents.choices import TaskStatus
from incidents.demo import report_level, sample_evidence
from incidents.models import Incident, Task

from .incident_data import filing


@pytest.fixture
def incident(api, bank) -> Incident:
    response = api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    assert response.status_code == 201
    return Incident.objects.get(number=response.json()["number"])


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("teller_bj_hd", True),  # the filing branch
        ("teller_bj_cy", False),  # another branch of the same region
        ("teller_sh_pd", False),  # a branch of another region
        ("monitor_bj", True),  # its sub-branch
        ("monitor_sh", False),  # another sub-branch
        ("ho_monitor", True),  # head office sees everything
        ("auditor", True),  # the auditor sits at head office
    ],
)
def test_incident_visible_only_within_the_unit_subtree(api, incident, username, visible):
    client = api(username)
    detail = client.get(f"/api/v1/incidents/{incident.number}/")
    assert detail.status_code == (200 if visible else 404)
    numbers = [row["number"] for row in client.get("/api/v1/incidents/").json()["results"]]
    assert (incident.number in numbers) is visible


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("teller_bj_hd", 200),
        ("manager_bj_hd", 200),
        ("teller_bj_cy", 404),  # out of scope: not even revealed
        ("monitor_bj", 403),  # sub-branch role cannot do a branch step
        ("ho_monitor", 403),
        ("auditor", 403),  # read-only
    ],
)
def test_branch_step_only_by_branch_staff_of_the_filing_branch(api, incident, username, expected):
    task = incident.tasks.get(step__code="police_report")
    before = AuditEvent.objects.filter(outcome="ok").count()
    response = api(username).post(
        f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/",
        {"result": "done", "evidence": sample_evidence(task)},
        format="json",
    )
    assert response.status_code == expected, response.json()
    task.refresh_from_db()
    if expected == 200:
        assert task.status == TaskStatus.DONE
    else:
        assert task.status == TaskStatus.OPEN
        assert task.completed_at is None
        assert AuditEvent.objects.filter(outcome="ok").count() == before


def test_refusal_is_recorded_with_who_where_and_why(api, incident):
    task = incident.tasks.get(step__code="police_report")
    response = api("monitor_bj").post(
        f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/",
        {"result": "done", "evidence": sample_evidence(task)},
        format="json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(thread=incident.thread, outcome="refused")
    assert refusal.actor_label == "monitor_bj"
    assert refusal.actor_unit.code == "SB-BJ"
    assert refusal.ip == "10.1.2.3"
    assert refusal.data["code"] == "out_of_scope"


def test_sub_branch_step_only_by_the_region_holding_the_incident(api, incident):
    report_level(incident, Level.BRANCH)
    task = incident.tasks.get(level=Level.SUB_BRANCH, step__code="share_in_region")
    url = f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/"
    payload = {"result": "done", "evidence": sample_evidence(task)}
    assert api("monitor_sh").post(url, payload, format="json").status_code == 404
    assert api("manager_bj_hd").post(url, payload, format="json").status_code == 403
    assert api("monitor_bj").post(url, payload, format="json").status_code == 200


def test_mandatory_unconditional_step_cannot_be_marked_not_applicable(api, incident):
    task = incident.tasks.get(step__code="police_report")
    response = api("teller_bj_hd").post(
        f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/",
        {"result": "not_applicable", "note": "客户不愿报警"},
        format="json",
    )
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_conditional_step_not_applicable_needs_a_reason(api, incident):
    task = incident.tasks.get(step__code="stop_payment")
    url = f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/"
    response = api("teller_bj_hd").post(url, {"result": "not_applicable"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api("teller_bj_hd").post(
        url, {"result": "not_applicable", "note": "收款账户在他行"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "not_applicable"


def test_anonymous_requests_are_refused(client, incident):
    response = client.get("/api/v1/incidents/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="fraudops"'


@pytest.mark.parametrize(
    ("scopes", "method", "expected"),
    [
        ([ApiScope.INCIDENTS_READ], "get", 200),
        ([ApiScope.INCIDENTS_READ], "post", 403),
        ([ApiScope.PLAYBOOKS_READ], "get", 403),
        ([ApiScope.INCIDENTS_READ, ApiScope.INCIDENTS_WRITE], "post", 201),
    ],
)
def test_api_client_scopes(scoped_client, bank, scopes, method, expected):
    client = scoped_client(unit="SB-BJ", scopes=scopes)
    if method == "get":
        response = client.get("/api/v1/incidents/")
    else:
        response = client.post("/api/v1/incidents/", filing(unit="BR-BJ-HD"), format="json")
    assert response.status_code == expected


def test_api_client_cannot_file_outside_its_subtree(scoped_client, bank):
    client = scoped_client(unit="SB-BJ", scopes=[ApiScope.INCIDENTS_READ, ApiScope.INCIDENTS_WRITE])
    response = client.post("/api/v1/incidents/", filing(unit="BR-SH-PD"), format="json")
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_core_banking_files_an_incident_it_detected(core_banking):
    response = core_banking.post(
        "/api/v1/incidents/",
        filing(unit="BR-GZ-TH", external_reference="CBS-ALERT-778"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get(number=response.json()["number"])
    assert incident.filed_by_client == core_banking.client_record
    assert incident.unit.code == "BR-GZ-TH"
    assert Task.objects.filter(incident=incident, unit__code="BR-GZ-TH").exists()


def test_invalid_token_is_refused(client, bank):
    response = client.get("/api/v1/incidents/", HTTP_AUTHORIZATION="Bearer fo_nope")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
