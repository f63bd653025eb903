"""The facts after filing over the API: typed inputs, 409 on a stale revision, 400 naming
the field, 403/404 for the wrong role or region, and Idempotency-Key replays that never
apply an edit twice."""

from __future__ import annotations

import yaml
from django.core.management import call_command

from fraudops.core.choices import ApiScope
from fraudops.core.models import AuditEvent, IdempotencyRecord
from incidents.models import Account, Incident, Party, Vehicle

SECOND_PAYEE = "6217000010009876543"


def _url(incident, tail: str = "") -> str:
    return f"/api/v1/incidents/{incident.number}/{tail}"


def test_patch_facts_returns_the_incident_with_its_new_revision_and_amendments(file_incident, api):
    incident = file_incident()
    response = api("teller_bj_hd").patch(
        _url(incident, "facts/"),
        {
            "expected_revision": 0,
            "channel": "atm",
            "serious": True,
            "occurred_at": "2026-12-01T13:50:00+08:00",
            "summary_amendment": "客户补充：另有一笔转账。",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision"] == 1
    assert (body["channel"], body["serious"]) == ("atm", True)
    assert body["summary"] == incident.summary
    [amendment] = body["amendments"]
    assert amendment["text"] == "客户补充：另有一笔转账。"
    assert amendment["created_by"] == "teller_bj_hd"
    assert body["removed"] == {"parties": [], "accounts": [], "vehicles": []}


def test_a_stale_revision_is_409_and_changes_nothing(file_incident, api):
    incident = file_incident()
    client = api("teller_bj_hd")
    client.patch(_url(incident, "facts/"), {"expected_revision": 0, "serious": True}, format="json")
    ok_events = AuditEvent.objects.filter(outcome="ok").count()
    response = client.post(
        _url(incident, "accounts/"),
        {"expected_revision": 0, "role": "payee", "number": SECOND_PAYEE},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert not Account.objects.filter(number=SECOND_PAYEE).exists()
    assert AuditEvent.objects.filter(outcome="ok").count() == ok_events


def test_expected_revision_is_required_and_typed(file_incident, api):
    incident = file_incident()
    client = api("teller_bj_hd")
    for body in ({"serious": True}, {"expected_revision": "abc", "serious": True}):
        response = client.patch(_url(incident, "facts/"), body, format="json")
        assert response.status_code == 400
        assert "expected_revision" in response.json()["error"]["fields"]
    response = client.patch(
        _url(incident, "facts/"), {"expected_revision": 0, "channel": "pigeon"}, format="json"
    )
    assert response.status_code == 400 and "channel" in response.json()["error"]["fields"]
    assert Incident.objects.get(pk=incident.pk).revision == 0


def test_add_correct_and_remove_a_party_account_and_vehicle(file_incident, api):
    incident = file_incident()
    client = api("monitor_bj")
    response = client.post(
        _url(incident, "parties/"),
        {"expected_revision": 0, "role": "payee", "name": "王五", "phone": "13900139001"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["revision"] == 1
    party = response.json()["party"]
    assert party["phone"] == "+8613900139001" and party["removed_at"] is None

    response = client.post(
        _url(incident, "accounts/"),
        {
            "expected_revision": 1,
            "role": "payee",
            "number": SECOND_PAYEE,
            "opening_unit": "BR-BJ-CY",
            "party": party["id"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    account = response.json()["account"]
    assert (account["party"], account["at_this_bank"], account["opening_unit"]) == (
        party["id"],
        True,
        "BR-BJ-CY",
    )

    response = client.patch(
        _url(incident, f"accounts/{account['id']}/"),
        {"expected_revision": 2, "holder_name": "王五"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["account"]["holder_name"] == "王五"
    assert response.json()["account"]["number"] == SECOND_PAYEE

    vehicle = incident.vehicles.get()
    response = client.delete(
        _url(incident, f"vehicles/{vehicle.pk}/"),
        {"expected_revision": 3, "reason": "误报"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["vehicle"]["removal_reason"] == "误报"
    assert response.json()["vehicle"]["removed_by"] == "monitor_bj"
    body = client.get(_url(incident)).json()
    assert body["revision"] == 4
    assert body["vehicles"] == []
    assert [v["id"] for v in body["removed"]["vehicles"]] == [vehicle.pk]
    assert any(p["name"] == "王五" for p in body["parties"])


def test_a_bad_identifier_is_400_naming_the_field_in_the_users_language(file_incident, api):
    incident = file_incident()
    client = api("teller_bj_hd")
    response = client.post(
        _url(incident, "accounts/"),
        {"expected_revision": 0, "role": "victim", "kind": "card", "number": "6222020000000000001"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["number"]
    party = incident.parties.get(role="victim")
    response = client.patch(
        _url(incident, f"parties/{party.pk}/"),
        {"expected_revision": 0, "id_number": "110105194912310021"},
        format="json",
    )
    assert response.status_code == 400 and "id_number" in response.json()["error"]["fields"]
    assert Incident.objects.get(pk=incident.pk).revision == 0


def test_the_wrong_role_is_403_and_another_region_404(file_incident, api):
    incident = file_incident()
    party = incident.parties.first()
    data = {"expected_revision": 0, "reason": "误录"}
    response = api("auditor").delete(_url(incident, f"parties/{party.pk}/"), data, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = api("teller_sh_pd").delete(
        _url(incident, f"parties/{party.pk}/"), data, format="json"
    )
    assert response.status_code == 404
    missing = api("teller_bj_hd").delete(_url(incident, "parties/999999/"), data, format="json")
    assert missing.status_code == 404
    assert Party.objects.filter(pk=party.pk).exists()


def test_an_api_client_needs_the_write_scope(file_incident, scoped_client):
    incident = file_incident()
    reader = scoped_client(unit="HO", scopes=(ApiScope.INCIDENTS_READ,))
    response = reader.patch(
        _url(incident, "facts/"), {"expected_revision": 0, "serious": True}, format="json"
    )
    assert response.status_code == 403
    writer = scoped_client(unit="HO", scopes=(ApiScope.INCIDENTS_READ, ApiScope.INCIDENTS_WRITE))
    response = writer.post(
        _url(incident, "vehicles/"),
        {"expected_revision": 0, "kind": "phishing_url", "value": "https://icbc-verify.example.cn"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["vehicle"]["normalized"].startswith("icbc-verify.example.cn")


def test_a_replayed_idempotency_key_applies_the_edit_once(file_incident, api):
    incident = file_incident()
    client = api("teller_bj_hd")
    data = {"expected_revision": 0, "role": "payee", "number": SECOND_PAYEE}
    first = client.post(_url(incident, "accounts/"), data, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    again = client.post(_url(incident, "accounts/"), data, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Account.objects.filter(incident=incident, number=SECOND_PAYEE).count() == 1
    assert Incident.objects.get(pk=incident.pk).revision == 1
    # The same key on a removal (DELETE with a body) replays too.
    vehicle = incident.vehicles.get()
    removal = {"expected_revision": 1, "reason": "误报"}
    url = _url(incident, f"vehicles/{vehicle.pk}/")
    one = client.delete(url, removal, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    two = client.delete(url, removal, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert (one.status_code, two.status_code) == (200, 200)
    assert two["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="vehicle.removed").count() == 1
    assert Vehicle.all_objects.get(pk=vehicle.pk).removed_at is not None
    assert IdempotencyRecord.objects.filter(key__in=["a1", "r1"]).count() == 2


def test_the_openapi_document_types_the_edit_inputs(bank, tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    components = schema["components"]["schemas"]
    facts = components["FactsInputRequest"]
    assert facts["required"] == ["expected_revision"]
    assert facts["properties"]["expected_revision"]["type"] == "integer"
    assert facts["properties"]["occurred_at"] == {"type": "string", "format": "date-time"}
    assert facts["properties"]["serious"]["type"] == "boolean"
    assert {"$ref": "#/components/schemas/ChannelEnum"} in facts["properties"]["channel"]["oneOf"]
    account = components["AccountAddRequest"]
    assert set(account["required"]) == {"expected_revision", "role", "number"}
    assert account["properties"]["role"] == {"$ref": "#/components/schemas/AccountRoleEnum"}
    correct = components["PartyCorrectRequest"]
    assert correct["required"] == ["expected_revision"]
    delete = schema["paths"]["/api/v1/incidents/{number}/parties/{row_id}/"]["delete"]
    body = delete["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RemovalInputRequest"}
    detail = components["IncidentDetail"]["properties"]
    assert detail["revision"]["type"] == "integer" and "amendments" in detail
