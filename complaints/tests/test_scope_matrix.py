"""Complaint pages and endpoints reached by someone of another region (404, the same answer
as a missing complaint) and by someone who sees it but holds the wrong role (403 on the API;
a refusal on a page); nothing changes (harness: tests/scope_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.scope_matrix import Endpoint, body, call, client_for, rows

from .factories import ComplaintFactory

OUTSIDER = "monitor_sh"
MISSING = {"number": "TS-2099-999999"}


def _complaint(world):
    return {"number": world["complaint"].number}


OUT_OF_SIGHT = [
    Endpoint("complaints:detail", "get", _complaint, MISSING),
    Endpoint("complaints:investigate", "post", _complaint, MISSING, {"findings": "x"}),
    Endpoint("complaints:withdraw", "post", _complaint, MISSING, {"reason": "x"}),
    Endpoint("api-complaint", "get", _complaint, MISSING),
    Endpoint("api-complaint-investigation", "post", _complaint, MISSING, {"findings": "x"}),
    Endpoint("api-complaint-reply", "post", _complaint, MISSING, {"text": "x"}),
    Endpoint("api-complaint-sign-off", "post", _complaint, MISSING),
    Endpoint(
        "api-complaint-review",
        "post",
        _complaint,
        MISSING,
        {"conclusion": "followed", "finding": "x"},
    ),
    Endpoint("api-complaint-link", "post", _complaint, MISSING, {"incident": "FI-2026-000001"}),
]
WRONG_ROLES = [
    (
        Endpoint("complaints:investigate", "post", _complaint, MISSING, {"findings": "x"}),
        "monitor_bj",
        "",
    ),
    (
        Endpoint("api-complaint-investigation", "post", _complaint, MISSING, {"findings": "x"}),
        "monitor_bj",
        "out_of_scope",
    ),
    (
        Endpoint(
            "api-complaint-review",
            "post",
            _complaint,
            MISSING,
            {"conclusion": "followed", "finding": "x"},
        ),
        "manager_bj_hd",
        "permission_denied",
    ),
    (
        Endpoint("api-complaint-sign-off", "post", _complaint, MISSING),
        "teller_bj_hd",
        "permission_denied",
    ),
]


@pytest.fixture
def world(bank):
    return {"complaint": ComplaintFactory()}


@pytest.mark.parametrize("endpoint", OUT_OF_SIGHT, ids=str)
def test_another_region_is_answered_as_if_the_complaint_did_not_exist(world, person, endpoint):
    client = client_for(person(OUTSIDER), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    missing = call(client, endpoint, endpoint.missing)
    assert (response.status_code, missing.status_code) == (404, 404)
    assert body(response) == body(missing)
    assert rows() == before


@pytest.mark.parametrize("endpoint, username, code", WRONG_ROLES, ids=str)
def test_the_wrong_role_is_refused_and_nothing_changes(world, person, endpoint, username, code):
    client = client_for(person(username), endpoint)
    before = rows()
    response = call(client, endpoint, endpoint.kwargs(world))
    if endpoint.api:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == code
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(
            reverse("complaints:detail", kwargs=endpoint.kwargs(world))
        )
    assert rows() == before
