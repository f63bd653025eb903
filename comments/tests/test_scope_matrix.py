"""Every comments page and endpoint reached by someone of another region (404, the same
answer as a missing incident) and by someone who sees the incident but may not do this
(403 on the API; a refusal message and back on a page); nothing changes (harness:
tests/scope_matrix.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from comments.tests.factories import CommentFactory
from incidents.demo import TINY_PNG
from incidents.tests.factories import IncidentFactory
from tests.scope_matrix import Endpoint, body, call, client_for, rows

MISSING = "FI-2099-999999"
OUTSIDER = "teller_sh_pd"  # another region


def _subject(world: dict[str, Any]) -> dict[str, Any]:
    return {"key": "incident", "reference": world["incident"].number}


def _comment(world: dict[str, Any]) -> dict[str, Any]:
    return {**_subject(world), "comment_id": world["comment"].pk}


def _file(world: dict[str, Any]) -> dict[str, Any]:
    return {**_comment(world), "file_id": world["comment"].files.get().pk}


def _api(world: dict[str, Any]) -> dict[str, Any]:
    return {"reference": world["incident"].number}


def _api_comment(world: dict[str, Any]) -> dict[str, Any]:
    return {"reference": world["incident"].number, "comment_id": world["comment"].pk}


SUBJECT_MISSING = {"key": "incident", "reference": MISSING}
COMMENT_MISSING = {**SUBJECT_MISSING, "comment_id": 999999}
TEXT = {"body": "请补充材料"}

READS = [
    Endpoint("comments:history", "get", _comment, COMMENT_MISSING),
    Endpoint("comments:file", "get", _file, {**COMMENT_MISSING, "file_id": 999999}),
    Endpoint("api-incident-comment-list", "get", _api, {"reference": MISSING}),
    Endpoint("api-incident-comment", "get", _api_comment, {"reference": MISSING, "comment_id": 9}),
]
WRITES = [
    Endpoint("comments:add", "post", _subject, SUBJECT_MISSING, TEXT),
    Endpoint("comments:edit", "post", _comment, COMMENT_MISSING, TEXT),
    Endpoint("comments:retract", "post", _comment, COMMENT_MISSING),
    Endpoint("api-incident-comment-list", "post", _api, {"reference": MISSING}, TEXT),
    Endpoint(
        "api-incident-comment",
        "patch",
        _api_comment,
        {"reference": MISSING, "comment_id": 9},
        TEXT,
    ),
]


@pytest.fixture
def world(bank):
    incident = IncidentFactory()
    comment = CommentFactory(
        subject=incident, files=[SimpleUploadedFile("回执.png", TINY_PNG, "image/png")]
    )
    return {"incident": incident, "comment": comment}


@pytest.mark.parametrize("endpoint", [*READS, *WRITES], ids=str)
def test_another_region_is_answered_as_if_the_incident_did_not_exist(world, person, endpoint):
    client = client_for(person(OUTSIDER), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    missing = call(client, endpoint, endpoint.missing)
    assert (response.status_code, missing.status_code) == (404, 404)
    assert body(response) == body(missing)
    assert rows() == before


# Auditors read and write nothing; a colleague who may post may not change the author's.
WRONG_ROLES = [
    *((e, "auditor", "permission_denied") for e in WRITES),
    *((e, "manager_bj_hd", "permission_denied") for e in WRITES if "comment_id" in e.missing),
]


@pytest.mark.parametrize(("endpoint", "username", "code"), WRONG_ROLES, ids=str)
def test_the_wrong_role_is_refused_and_nothing_changes(world, person, endpoint, username, code):
    client = client_for(person(username), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    if endpoint.api:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"/incidents/{world['incident'].number}/#")
        [message] = get_messages(response.wsgi_request)
        assert message.level_tag == "error"
    assert rows() == before


def test_auditors_do_read(world, person):
    for endpoint in READS:
        client = client_for(person("auditor"), endpoint)
        assert call(client, endpoint, endpoint.kwargs(world)).status_code == 200, endpoint
