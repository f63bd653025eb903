"""The incident API's writes find the incident (or the task) in one query before calling
the service, instead of loading everything the detail endpoint shows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import services
from incidents.choices import IncidentState, TaskStatus
from tests.incident_data import filing


def _post(client, url, data) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, format="json")
    return response.status_code, len(queries)


def test_task_result_outside_the_subtree_is_404_after_one_lookup(api, actor):
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing())
    task = incident.tasks.get(step__code="police_report")
    url = f"/api/v1/incidents/{incident.number}/tasks/{task.pk}/result/"
    data = {"result": "not_applicable", "note": "不适用"}
    # session, user, roles + the task looked up within the caller's subtree
    assert _post(api("teller_sh_pd"), url, data) == (404, 4)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_transition_and_evidence_outside_the_subtree_are_404_after_one_lookup(api, actor):
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing())
    client = api("teller_sh_pd")
    url = f"/api/v1/incidents/{incident.number}/transitions/"
    assert _post(client, url, {"transition": "withdraw", "reason": "重复"}) == (404, 4)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/incidents/{incident.number}/evidence/", {})
    assert (response.status_code, len(queries)) == (404, 4)
    incident.refresh_from_db()
    assert incident.state == IncidentState.BRANCH_HANDLING
