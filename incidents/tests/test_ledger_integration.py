"""Where the ledger meets the rest of the case file: an executed reversal is written by core
banking's confirmation only (a hand entry could otherwise refuse that confirmation for
good), and two people correcting the figures at once get one success and one conflict (the
page and the API send the revision they read)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from fraudops.core.errors import Conflict, InvalidInput
from fraudops.core.models import AuditEvent
from incidents import services
from incidents.models import Incident
from tests.scope_matrix import rows

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return rows(), list(AuditEvent.objects.filter(outcome="ok").values_list("pk", flat=True))


def test_an_executed_reversal_cannot_be_typed_by_hand(file_incident, actor):
    incident = file_incident(amount_lost="200000")
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        services.ledger_entry_record(
            actor=actor("monitor_bj"),
            incident_id=incident.pk,
            data={
                "kind": "recovery",
                "source": "reversal_executed",
                "amount": "150000",
                "reference": "RV-2026-000001",
            },
        )
    assert list(refused.value.fields) == ["source"]
    assert _state() == before


def test_api_refuses_a_hand_typed_executed_reversal_naming_the_field(file_incident, api):
    incident = file_incident(amount_lost="200000")
    response = api("monitor_bj").post(
        f"/api/v1/incidents/{incident.number}/ledger/",
        {"kind": "recovery", "source": "reversal_executed", "amount": "150000"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "source" in response.json()["error"]["fields"]


def test_two_people_correcting_the_amount_lost_at_once_one_wins(file_incident, actor):
    incident = file_incident(amount_lost="200000")
    read = incident.revision
    services.incident_amount_lost_set(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        amount="180000",
        reason="核对流水后更正",
        expected_revision=read,
    )
    before = _state()
    with pytest.raises(Conflict):
        services.incident_outcome_set(
            actor=actor("monitor2_bj"),
            incident_id=incident.pk,
            outcome="unknown",
            reason="待公安核实",
            expected_revision=read,
        )
    assert _state() == before
    assert Incident.objects.get(pk=incident.pk).outcome_set_by_hand is False


def test_the_ledger_forms_send_the_revision_and_a_stale_one_changes_nothing(
    file_incident, client, person
):
    incident = file_incident(amount_lost="200000")
    client.force_login(person("monitor_bj"))
    url = f"/incidents/{incident.number}/"
    page = client.get(url).content.decode()
    assert page.count(f'name="expected_revision" value="{incident.revision}"') >= 3
    client.post(
        f"{url}amount-lost/",
        {
            "amount_lost": "180000",
            "reason": "核对流水后更正",
            "expected_revision": incident.revision,
        },
    )
    assert Incident.objects.get(pk=incident.pk).revision == incident.revision + 1
    before = _state()
    response = client.post(
        f"{url}outcome/",
        {"outcome": "unknown", "reason": "待公安核实", "expected_revision": incident.revision},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    *_earlier, message = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert _state() == before


def test_api_stale_revision_on_the_amount_lost_is_a_conflict(file_incident, api):
    incident = file_incident(amount_lost="200000")
    client = api("monitor_bj")
    url = f"/api/v1/incidents/{incident.number}/amount-lost/"
    body = {"amount_lost": "180000", "reason": "更正", "expected_revision": incident.revision}
    assert client.post(url, body, format="json").status_code == 200
    before = _state()
    stale = {**body, "amount_lost": "170000"}
    assert client.post(url, stale, format="json").status_code == 409
    assert _state() == before
