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


def _entry(world):
    return {"number": world["incident"].number, "entry_id": world["entry"].pk}


def _evidence(world):
    return {"number": world["incident"].number, "evidence_id": world["evidence"].pk}


def _row(kind):
    def kwargs(world):
        return {"number": world["incident"].number, "row_id": world[kind].pk}

    return kwargs


MISSING_ROW = {"number": MISSING, "row_id": 999999}
REMOVAL = {"expected_revision": 0, "reason": "误录"}
# The facts after filing: every edit page (GET shows the form, POST saves) and endpoint.
FACTS_PAGES = [
    ("incident_facts_edit", _number, {"number": MISSING}, {"expected_revision": "0"}),
    *(
        (f"incident_{kind}_{verb}", _row(kind), MISSING_ROW, data)
        for kind in ("party", "account", "vehicle")
        for verb, data in (("edit", {"expected_revision": "0"}), ("remove", REMOVAL))
    ),
    *(
        (f"incident_{kind}_add", _number, {"number": MISSING}, {"expected_revision": "0"})
        for kind in ("party", "account", "vehicle")
    ),
]
FACTS_READS = [Endpoint(name, "get", kw, missing) for name, kw, missing, _data in FACTS_PAGES]
FACTS_WRITES = [
    *(Endpoint(name, "post", kw, missing, data) for name, kw, missing, data in FACTS_PAGES),
    Endpoint(
        "api-incident-facts",
        "patch",
        _number,
        {"number": MISSING},
        {"expected_revision": 0, "serious": True},
    ),
    Endpoint(
        "api-incident-parties",
        "post",
        _number,
        {"number": MISSING},
        {"expected_revision": 0, "role": "payee", "name": "王五"},
    ),
    Endpoint(
        "api-incident-accounts",
        "post",
        _number,
        {"number": MISSING},
        {"expected_revision": 0, "role": "payee", "number": "6217000010009876543"},
    ),
    Endpoint(
        "api-incident-vehicles",
        "post",
        _number,
        {"number": MISSING},
        {"expected_revision": 0, "kind": "fraud_phone", "value": "13800138000"},
    ),
    *(
        Endpoint(
            f"api-incident-{kind}",
            "patch",
            _row(kind),
            MISSING_ROW,
            {"expected_revision": 0, "notes": "补充"},
        )
        for kind in ("party", "account", "vehicle")
    ),
    *(
        Endpoint(f"api-incident-{kind}", "delete", _row(kind), MISSING_ROW, REMOVAL)
        for kind in ("party", "account", "vehicle")
    ),
]


READS = [
    Endpoint("incident_detail", "get", _number, {"number": MISSING}),
    Endpoint("incident_summary", "get", _number, {"number": MISSING}),
    Endpoint("incident_changes", "get", _number, {"number": MISSING}),
    Endpoint("evidence_download", "get", _evidence, {"number": MISSING, "evidence_id": 999999}),
    Endpoint("api-incident", "get", _number, {"number": MISSING}),
    Endpoint("api-incident-timeline", "get", _number, {"number": MISSING}),
    Endpoint("api-incident-timeliness", "get", _number, {"number": MISSING}),
    Endpoint("api-incident-ledger-list", "get", _number, {"number": MISSING}),
]
RECOVERY = {"kind": "recovery", "source": "returned_by_police", "amount": "1000"}
# The amounts are kept by the holding level and the levels above it: the region's
# security officer may, so an auditor (read-only) is their wrong role.
AMOUNT_WRITES = [
    Endpoint("ledger_entry_add", "post", _number, {"number": MISSING}, RECOVERY),
    Endpoint(
        "ledger_entry_void",
        "post",
        _entry,
        {"number": MISSING, "entry_id": 999999},
        {"reason": "录错"},
    ),
    Endpoint(
        "incident_amount_lost",
        "post",
        _number,
        {"number": MISSING},
        {"amount_lost": "1000", "reason": "核实"},
    ),
    Endpoint(
        "incident_outcome",
        "post",
        _number,
        {"number": MISSING},
        {"outcome": "unknown", "reason": "待核实"},
    ),
    Endpoint("api-incident-ledger-list", "post", _number, {"number": MISSING}, RECOVERY),
    Endpoint(
        "api-incident-ledger-void",
        "post",
        _entry,
        {"number": MISSING, "entry_id": 999999},
        {"reason": "录错"},
    ),
    Endpoint(
        "api-incident-amount-lost",
        "post",
        _number,
        {"number": MISSING},
        {"amount_lost": "1000", "reason": "核实"},
    ),
    Endpoint(
        "api-incident-outcome",
        "post",
        _number,
        {"number": MISSING},
        {"outcome": "unknown", "reason": "待核实"},
    ),
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
    Endpoint(
        "task_reopen",
        "post",
        _task,
        {"number": MISSING, "task_id": 999999},
        {"reason": "收款账户实为本行"},
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
    Endpoint(
        "api-task-reopen",
        "post",
        _task,
        {"number": MISSING, "task_id": 999999},
        {"reason": "收款账户实为本行"},
    ),
]
# Named owners (docs/owners.md): the region's security officer sees the step but is not of
# its unit, so each is refused as out of scope. The person assigned need not exist: who
# may assign is checked first.
MISSING_TASK = {"number": MISSING, "task_id": 999999}
WRITES += [
    Endpoint("task_claim", "post", _task, MISSING_TASK),
    Endpoint("task_assign", "post", _task, MISSING_TASK, {"user": "999999"}),
    Endpoint("task_unassign", "post", _task, MISSING_TASK, {"reason": "交接"}),
    Endpoint("api-task-claim", "post", _task, MISSING_TASK),
    Endpoint("api-task-assign", "post", _task, MISSING_TASK, {"user": 999999}),
    Endpoint("api-task-unassign", "post", _task, MISSING_TASK, {"reason": "交接"}),
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
    entry, _created = services.ledger_entry_record(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, data=RECOVERY
    )
    return {
        "incident": incident,
        "task": incident.tasks.get(step__code="police_report"),
        "evidence": evidence,
        "party": incident.parties.first(),
        "account": incident.accounts.first(),
        "vehicle": incident.vehicles.first(),
        "entry": entry,
    }


def _send(client, endpoint: Endpoint, kwargs: dict[str, Any]):
    if endpoint.name in ("evidence_upload", "api-incident-evidence"):
        upload = SimpleUploadedFile("卡.png", TINY_PNG)
        url = reverse(endpoint.name, kwargs=kwargs)
        return client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    return call(client, endpoint, kwargs)


@pytest.mark.parametrize(
    "endpoint",
    [*READS, *WRITES, *AMOUNT_WRITES, INSTRUCT, *FACTS_READS, *FACTS_WRITES],
    ids=str,
)
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
    *((e, "auditor", "permission_denied") for e in AMOUNT_WRITES),
    (INSTRUCT, "manager_bj_hd", ""),  # instructions come from the level above
    # The region's own staff may edit the facts (the levels above the holder may): an
    # auditor, who reads everything and writes nothing, tries.
    *((e, "auditor", "permission_denied") for e in [*FACTS_READS, *FACTS_WRITES]),
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
