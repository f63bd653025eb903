"""Every incident detail page and endpoint and every write, reached by someone of another
region (404, the same answer as a missing incident) and by someone who sees the incident
but holds the wrong role (403 on the API; a refusal message and back on a page); nothing
changes (harness: tests/scope_matrix.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents import services
from tests.scope_matrix import Endpoint, body, call, client_for, rows

from .factories import IncidentFactory

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)
MISSING = "FI-2099-999999"
OUTSIDER = "teller_sh_pd"  # another region
WRONG_ROLE = "security_bj"  # the filing branch's region: sees it, may not work branch steps


def _number(world):
    return {"number": world["incident"].number}


def _task(world):
    return {"number": world["incident"].number, "task_id": world["task"].pk}


def _evidence(world):
    return {"number": world["incident"].number, "evidence_id": world["evidence"].pk}


READS = [
    Endpoint("incident_detail", "get", _number, {"number": MISSING}),
    Endpoint("incident_changes", "get", _number, {"number": MISSING}),
    Endpoint("evidence_download", "get", _evidence, {"number": MISSING, "evidence_id": 999999}),
    Endpoint("api-incident", "get", _number, {"number": MISSING}),
    Endpoint("api-incident-timeline", "get", _number, {"number": MISSING}),
    Endpoint("api-incident-timeliness", "get", _number, {"number": MISSING}),
]
WRITES = [
    Endpoint(
        "incident_transition",
        "post",
        _number,
        {"number": MISSING},
        {"transition": "withdraw", "reason": "重复报送"},
    ),
    Endpoint("task_done", "post", _task, {"number": MISSING, "task_id": 999999}, {"note": "完成"}),
    Endpoint(
        "task_not_applicable",
        "post",
        _task,
        {"number": MISSING, "task_id": 999999},
        {"reason": "收款账户在他行"},
    ),
    Endpoint("evidence_upload", "post", _number, {"number": MISSING}),
    Endpoint(
        "api-incident-transition",
        "post",
        _number,
        {"number": MISSING},
        {"transition": "withdraw", "reason": "重复报送"},
    ),
    Endpoint(
        "api-task-result",
        "post",
        _task,
        {"number": MISSING, "task_id": 999999},
        {"result": "not_applicable", "note": "收款账户在他行"},
    ),
    Endpoint("api-incident-evidence", "post", _number, {"number": MISSING}),
]
# task_instruct is for the level above: a branch's own people are its wrong role.
INSTRUCT = Endpoint(
    "task_instruct",
    "post",
    _task,
    {"number": MISSING, "task_id": 999999},
    {"instruction": "请立即报案"},
)


@pytest.fixture
def world(bank, actor):
    incident = IncidentFactory()
    evidence = services.evidence_attach(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        uploaded_file=SimpleUploadedFile("卡.png", TINY_PNG),
    )
    return {
        "incident": incident,
        "task": incident.tasks.get(step__code="police_report"),
        "evidence": evidence,
    }


def _send(client, endpoint: Endpoint, kwargs: dict[str, Any]):
    if endpoint.name in ("evidence_upload", "api-incident-evidence"):
        upload = SimpleUploadedFile("卡.png", TINY_PNG)
        url = reverse(endpoint.name, kwargs=kwargs)
        return client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    return call(client, endpoint, kwargs)


@pytest.mark.parametrize("endpoint", [*READS, *WRITES, INSTRUCT], ids=str)
def test_another_region_is_answered_as_if_the_incident_did_not_exist(world, person, endpoint):
    client = client_for(person(OUTSIDER), endpoint)
    before = rows()
    real = endpoint.kwargs(world)
    response = _send(client, endpoint, real)
    missing = _send(client, endpoint, endpoint.missing)
    assert (response.status_code, missing.status_code) == (404, 404)
    assert body(response) == body(missing)
    assert rows() == before


# (endpoint, who sees the incident but may not do this, the API's refusal code). The
# region's security officer may add files, so an auditor (read-only) tries those.
WRONG_ROLES = [
    *((e, WRONG_ROLE, "out_of_scope") for e in WRITES if "evidence" not in e.name),
    *((e, "auditor", "permission_denied") for e in WRITES if "evidence" in e.name),
    (INSTRUCT, "manager_bj_hd", ""),  # instructions come from the level above
]


@pytest.mark.parametrize("endpoint, username, code", WRONG_ROLES, ids=str)
def test_the_wrong_role_is_refused_and_nothing_changes(world, person, endpoint, username, code):
    client = client_for(person(username), endpoint)
    before = rows()
    response = _send(client, endpoint, endpoint.kwargs(world))
    if endpoint.api:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    else:  # pages tell the refusal and go back to the incident (or its task)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/incidents/{world['incident'].number}/")
        [message] = get_messages(response.wsgi_request)
        assert message.level_tag == "error"
    assert rows() == before


def test_the_matrix_uses_people_who_do_see_the_incident(world):
    unit = world["incident"].unit
    assert not Actor.for_user(_user(OUTSIDER)).sees(unit)
    assert Actor.for_user(_user(WRONG_ROLE)).sees(unit)


def _user(username):
    return User.objects.select_related("unit").get(username=username)
