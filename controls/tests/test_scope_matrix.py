"""Every account-control detail page and endpoint and every write, reached by someone of
another region (404, the same answer as a missing request) and by someone who sees the
request but holds the wrong role (403 on the API; a refusal message on a page); nothing
changes (harness: tests/scope_matrix.py)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from controls.choices import ControlKind
from controls.models import AssistanceRequest
from tests.scope_matrix import Endpoint, body, call, client_for, rows

from .factories import ControlRequestFactory

MISSING = "AC-2099-999999"
OUTSIDER = "monitor_sh"  # another region
REASON = {"reason": "重复申请"}
REVIEW = {"outcome": "confirmed", "note": "核实"}


def _number(world):
    return {"number": world["control"].number}


def _incident(world):
    return {"number": world["control"].incident.number}


def _assistance(world):
    return {"pk": world["assistance"].pk}


CONTROL_READS = [
    Endpoint("controls:request-detail", "get", _number, {"number": MISSING}),
    Endpoint("api-control", "get", _number, {"number": MISSING}),
]
CONTROL_WRITES = [
    Endpoint("controls:approve", "post", _number, {"number": MISSING}),
    Endpoint("controls:reject", "post", _number, {"number": MISSING}, REASON),
    Endpoint("controls:withdraw", "post", _number, {"number": MISSING}, REASON),
    Endpoint("controls:release", "post", _number, {"number": MISSING}, REASON),
    Endpoint("api-control-approve", "post", _number, {"number": MISSING}),
    Endpoint("api-control-reject", "post", _number, {"number": MISSING}, REASON),
    Endpoint("api-control-withdraw", "post", _number, {"number": MISSING}, REASON),
    Endpoint("api-control-release", "post", _number, {"number": MISSING}, REASON),
    Endpoint("controls:review", "post", _number, {"number": MISSING}, REVIEW),
    Endpoint("api-control-review", "post", _number, {"number": MISSING}, REVIEW),
]
INCIDENT_WRITES = [
    Endpoint(
        "controls:incident-request",
        "post",
        _incident,
        {"number": "FI-2099-999999"},
        {"kind": ControlKind.FREEZE},
    ),
    Endpoint(
        "controls:incident-reversal",
        "post",
        _incident,
        {"number": "FI-2099-999999"},
        {
            "remittance_reference": "HK1",
            "amount": "100",
            "payee_account_number": "6222000011112222333",
            "remitted_at": "2026-11-22T10:00",
        },
    ),
    Endpoint(
        "controls:incident-immediate-stop",
        "post",
        _incident,
        {"number": "FI-2099-999999"},
        {"account": "1"},
    ),
]
# These two pages find the incident by number without the caller's scope, so someone of
# another region is told "refused" and sent back (302) where a missing incident is 404:
# the incident's existence shows. Fix in controls/views.py `_incident_for`; then drop this.
# Assistance asked of Shanghai: Guangzhou is the outsider there.
ASSISTANCE = [
    Endpoint("controls:assistance-detail", "get", _assistance, {"pk": 999999}),
    Endpoint("controls:assistance-acknowledge", "post", _assistance, {"pk": 999999}),
    Endpoint("api-assistance-acknowledge", "post", _assistance, {"pk": 999999}),
]


@pytest.fixture
def world(bank):
    control = ControlRequestFactory()
    ControlRequestFactory(kind=ControlKind.FREEZE, opening_unit="BR-SH-PD")
    return {"control": control, "assistance": AssistanceRequest.objects.get()}


def _outsider(endpoint):
    return "monitor_gz" if endpoint in ASSISTANCE else OUTSIDER


@pytest.mark.parametrize(
    "endpoint",
    [
        *CONTROL_READS,
        *CONTROL_WRITES,
        *INCIDENT_WRITES,
        *ASSISTANCE,
    ],
    ids=str,
)
def test_another_region_is_answered_as_if_the_request_did_not_exist(world, person, endpoint):
    client = client_for(person(_outsider(endpoint)), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    missing = call(client, endpoint, endpoint.missing)
    assert (response.status_code, missing.status_code) == (404, 404)
    assert body(response) == body(missing)
    assert rows() == before


# (endpoint, someone who sees it but may not do this, the API's refusal code)
WRONG_ROLES = [
    (CONTROL_WRITES[0], "security_bj", ""),  # decisions are the region's monitors'
    (CONTROL_WRITES[1], "security_bj", ""),
    (CONTROL_WRITES[2], "monitor_bj", ""),  # withdrawing is the requesting branch's
    (CONTROL_WRITES[4], "security_bj", "permission_denied"),
    (CONTROL_WRITES[5], "security_bj", "permission_denied"),
    (CONTROL_WRITES[6], "monitor_bj", "permission_denied"),
    (INCIDENT_WRITES[0], "security_bj", ""),
    (INCIDENT_WRITES[1], "monitor_bj", ""),  # reversals are the filing branch's
    (INCIDENT_WRITES[2], "monitor_bj", ""),  # stopping at once is the filing branch's
    (CONTROL_WRITES[8], "security_bj", ""),  # reviews are the region's monitors'
    (CONTROL_WRITES[9], "security_bj", "permission_denied"),
    (ASSISTANCE[1], "security_sh", ""),  # acknowledging is the asked region's monitors'
    (ASSISTANCE[2], "security_sh", "permission_denied"),
]


@pytest.mark.parametrize("endpoint, username, code", WRONG_ROLES, ids=str)
def test_the_wrong_role_is_refused_and_nothing_changes(world, person, endpoint, username, code):
    client = client_for(person(username), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    if endpoint.api:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    else:  # pages tell the refusal and send the person on
        assert response.status_code == 302
        [message] = get_messages(response.wsgi_request)
        assert message.level_tag == "error"
    assert rows() == before


# The API's immediate stop-payment names its incident in the body, not the URL.
IMMEDIATE_API = "/api/v1/immediate-stop-payments/"


def _immediate_body(incident_number: str, account_id: int) -> dict:
    return {"incident": incident_number, "account": account_id}


def test_immediate_stop_api_answers_another_region_as_a_missing_incident(world, person):
    incident = world["control"].incident
    account = incident.accounts.first()
    client = client_for(person(OUTSIDER), Endpoint("api-x", "post", _incident, {}))
    before = rows()
    response = client.post(
        IMMEDIATE_API, _immediate_body(incident.number, account.pk), format="json"
    )
    missing = client.post(IMMEDIATE_API, _immediate_body("FI-2099-999999", 1), format="json")
    assert (response.status_code, missing.status_code) == (404, 404)
    assert response.content == missing.content
    assert rows() == before


def test_immediate_stop_api_refuses_the_wrong_role_with_403(world, person):
    incident = world["control"].incident
    client = client_for(person("monitor_bj"), Endpoint("api-x", "post", _incident, {}))
    before = rows()
    response = client.post(
        IMMEDIATE_API, _immediate_body(incident.number, incident.accounts.first().pk), format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert rows() == before
