"""The API's contract: OpenAPI 3 document, docs page, health, one error shape, pagination
with a constant number of queries, idempotent writes."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fraudops.core.actors import Actor
from fraudops.core.models import AuditEvent, IdempotencyRecord
from incidents import services
from incidents.models import Incident

from .incident_data import filing


def test_openapi_schema_is_valid_openapi_3(api, bank, tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/incidents/" in schema["paths"]
    assert "/api/v1/playbooks/" in schema["paths"]
    response = api("teller_bj_hd").get("/api/schema/")
    assert response.status_code == 200


def test_docs_page_is_served(client, bank):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_healthz_reports_database_ready(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


def test_healthz_reports_broker_when_configured(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_errors_share_one_shape(api, bank):
    response = api("teller_bj_hd").get("/api/v1/incidents/FI-2000-999999/")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_playbooks_endpoint_lists_steps_with_deadlines_and_roles(api, bank):
    playbooks = api("auditor").get("/api/v1/playbooks/").json()
    telecom = next(p for p in playbooks if p["code"] == "telecom_fraud")
    branch = telecom["steps"]["branch"]
    assert [s["code"] for s in branch][:2] == ["police_report", "transaction_history"]
    assert branch[0]["deadline_minutes"] == 15
    assert sum(s["reports_up"] for s in branch) == 1
    assert telecom["group"] == "against_customer"
    share = next(s for s in telecom["steps"]["sub_branch"] if s["code"] == "share_in_region")
    assert share["deadline_minutes"] == 60


def test_org_units_scoped_to_the_caller(api, bank):
    codes = [u["code"] for u in api("monitor_sh").get("/api/v1/org-units/").json()["results"]]
    assert codes[0] == "SB-SH"
    assert set(codes) == {"SB-SH", "BR-SH-PD", "BR-SH-XH", "BR-SH-JA"}


def _file_many(actor, count):
    teller = actor("teller_bj_hd")
    for _ in range(count):
        services.incident_file(actor=teller, data=filing())


@pytest.mark.parametrize("rows", [3, 20])
def test_incident_list_endpoint_query_count_does_not_grow_with_rows(api, actor, bank, rows):
    _file_many(actor, rows)
    client = api("monitor_bj")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/incidents/?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == rows
    # session + user + roles, count, page: fixed whatever the number of rows.
    assert len(queries) <= 7, [q["sql"] for q in queries]


def test_incident_list_filters(api, actor, bank):
    _file_many(actor, 2)
    services.incident_file(actor=actor("teller_sh_pd"), data=filing("forged_bills"))
    client = api("ho_monitor")
    assert client.get("/api/v1/incidents/?incident_type=forged_bills").json()["count"] == 1
    assert client.get("/api/v1/incidents/?unit=SB-BJ").json()["count"] == 2
    assert client.get("/api/v1/incidents/?level=branch").json()["count"] == 3
    assert client.get("/api/v1/incidents/?state=closed").json()["count"] == 0


def test_filing_with_the_same_idempotency_key_is_not_duplicated(api, bank):
    client = api("teller_bj_hd")
    payload = filing()
    first = client.post("/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert second["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="incident.filed").count() == 1


def test_same_idempotency_key_with_another_body_is_refused(api, bank):
    client = api("teller_bj_hd")
    client.post("/api/v1/incidents/", filing(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = filing(summary="另一件事")
    response = client.post("/api/v1/incidents/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Incident.objects.count() == 1


def test_idempotency_key_in_progress_gets_409(api, bank, person):
    from fraudops.core.idempotency import request_fingerprint

    payload = filing()
    IdempotencyRecord.objects.create(
        owner=Actor.for_user(person("teller_bj_hd")).idempotency_owner,
        key="k-3",
        method="POST",
        path="/api/v1/incidents/",
        request_hash=request_fingerprint(
            method="POST", path="/api/v1/incidents/", body=json.dumps(payload).encode()
        ),
    )
    response = api("teller_bj_hd").post(
        "/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert response.status_code == 409
    assert not Incident.objects.exists()


def test_idempotency_keys_are_per_client(api, bank):
    payload = filing()
    a = api("teller_bj_hd").post(
        "/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    b = api("manager_bj_hd").post(
        "/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert a.json()["number"] != b.json()["number"]


@pytest.mark.postgres
def test_audit_events_cannot_be_changed_or_deleted_in_the_database(api, bank):
    from django.db import DatabaseError, transaction

    api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    event = AuditEvent.objects.get(action="incident.filed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_audit_events_refuse_changes_through_the_orm(api, bank):
    api("teller_bj_hd").post("/api/v1/incidents/", filing(), format="json")
    event = AuditEvent.objects.get(action="incident.filed")
    event.action = "tampered"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_filing_audit_records_who_when_where_and_after(api, bank):
    response = api("teller_bj_hd").post(
        "/api/v1/incidents/", filing(), format="json", REMOTE_ADDR="192.0.2.7"
    )
    event = AuditEvent.objects.get(action="incident.filed")
    assert event.actor_label == "teller_bj_hd"
    assert event.actor_unit.code == "BR-BJ-HD"
    assert event.ip == "192.0.2.7"
    assert event.after["number"] == response.json()["number"]
    assert event.thread == Incident.objects.get().thread


def test_timeline_endpoint_reads_the_incident_once_and_its_events(api, actor, bank):
    """Session, user, roles, the incident's pk within scope, its events: no page load."""
    incident = services.incident_file(actor=actor("teller_bj_hd"), data=filing())
    client = api("monitor_bj")
    client.get(f"/api/v1/incidents/{incident.number}/timeline/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/incidents/{incident.number}/timeline/")
    assert response.status_code == 200 and response.json()[0]["action"] == "incident.filed"
    assert len(queries.captured_queries) <= 5, [q["sql"][:80] for q in queries.captured_queries]
    assert (
        api("monitor_sh").get(f"/api/v1/incidents/{incident.number}/timeline/").status_code == 404
    )
